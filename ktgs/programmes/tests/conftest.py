"""Programme fixtures on the demo bloc: the UBKT of HA.DBK and its 2026 programme."""

from datetime import date

import pytest

from ktgs.core.choices import InspectionKind
from ktgs.orgs.models import Body, OrgUnit
from ktgs.programmes import services


def body_of(code: str, kind: str = "inspection") -> Body:
    return Body.objects.select_related("unit__kind").get(unit__code=code, kind=kind)


def unit(code: str) -> OrgUnit:
    return OrgUnit.objects.get(code=code)


def add_item(programme, n: int = 1, **kw):
    args = dict(
        kind=InspectionKind.SUPERVISION_THEMATIC,
        topic=f"Giám sát chuyên đề số {n}",
        quarter=(n - 1) % 4 + 1,
        lead="Phó Chủ nhiệm UBKT",
        subjects=[unit(f"HA.DBK.{(n - 1) % 9 + 1:03d}")],
    )
    args.update(kw)
    return services.item_add(programme, **args)


@pytest.fixture
def programme(db):
    return services.programme_create(
        body=body_of("HA.DBK"),
        year=2026,
        number="02-CTr/UBKTĐUK",
        issued_on=date(2026, 1, 8),
        title="Chương trình kiểm tra, giám sát năm 2026",
    )
