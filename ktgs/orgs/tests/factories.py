"""Small builders for tests: a fresh unit or member inside the demo province."""

import itertools
from datetime import date

from ktgs.orgs import services
from ktgs.orgs.models import OrgKind, OrgUnit

_seq = itertools.count(1)


def kind(code: str) -> OrgKind:
    return OrgKind.objects.get(code=code)


def bloc() -> OrgUnit:
    return OrgUnit.objects.get(code="HA.DBK")


def new_unit(kind_code: str, parent: OrgUnit, *, name: str = "", on=date(2000, 1, 1)) -> OrgUnit:
    n = next(_seq)
    return services.unit_create(
        code=f"T.{kind_code}.{n}",
        name=name or f"Đơn vị thử {n}",
        kind=kind(kind_code),
        parent=parent,
        starts_on=on,
    )


def new_member(unit: OrgUnit, given: str = "An", **fields):
    n = next(_seq)
    data = {
        "family_name": "Nguyễn",
        "middle_name": "Văn",
        "given_name": given,
        "birth_date": date(1980, 3, 4),
        "sex": "M",
        "admitted_on": date(2005, 5, 6),
        "official_on": date(2006, 5, 6),
    }
    data.update(fields)
    return services.member_create(code=f"TEST{n:05d}", unit=unit, **data)
