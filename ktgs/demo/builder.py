"""`build_demo()`: writes the demo bloc of the example report into an empty database.

Everything comes from `plan.make_plan()` (pure, fixed seeds), so the database holds the same
units, people, names and dates on every run. One transaction, bulk inserts, one audit event.
Derived fields follow the services' conventions: `OrgUnit.path`, one `UnitLink` per non-root
unit, `default_bodies()`, the member's names as `member_name_keys()` computes them, and one open
`Membership` from the admission date.
"""

from base64 import b32decode
from datetime import date
from functools import cache

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from ktgs.accounts.models import Assignment, Role, User
from ktgs.audit.services import record
from ktgs.core import bulk
from ktgs.core.db import refresh_statistics
from ktgs.core.models import Secrecy
from ktgs.core.vietnamese import text_sort_key
from ktgs.demo.discipline import plan_discipline, write_discipline
from ktgs.demo.inspections import plan_inspections, write_inspections
from ktgs.demo.layout import (
    BLOC,
    DEFAULT_MEMBERS,
    DEMO_REFERENCE_DATE,
    MAX_MEMBERS,
    MIN_MEMBERS,
    PROVINCE,
    is_bloc_unit,
    plan_units,
)
from ktgs.demo.plan import Plan, make_plan
from ktgs.documents.models import IssuerSymbol
from ktgs.orgs import counters
from ktgs.orgs.choices import BodyKind
from ktgs.orgs.models import (
    Body,
    CommitteeSeat,
    HeadOfUnit,
    ManagedBy,
    Member,
    Membership,
    OrgKind,
    OrgUnit,
    Term,
    UnitAttribute,
    UnitLink,
    path_segment,
    unit_search_key,
)
from ktgs.orgs.services import default_bodies, member_name_keys

__all__ = [
    "DEFAULT_MEMBERS",
    "DEMO_PASSWORD",
    "DEMO_REFERENCE_DATE",
    "DEMO_SECOND_FACTOR",
    "DEMO_USERS",
    "NOT_EMPTY",
    "DemoError",
    "build_demo",
    "demo_logins",
    "demo_second_factors",
    "member_names",
]

DEMO_PASSWORD = "ktgs-demo-2023"
ASSIGNED_SINCE = date(2015, 1, 5)
FIRST_BASE_COMMITTEE = f"{BLOC}.001"
# username, role, unit code, clearance, full name
DEMO_USERS: list[tuple[str, str, str, str, str]] = [
    ("quantri", Role.SYSADMIN, PROVINCE, Secrecy.NORMAL, "Lê Minh Quân"),
    ("lanhdao.ubkt", Role.UBKT_LEADER, BLOC, Secrecy.SECRET, "Nguyễn Thị Thanh Hương"),
    ("kiemtravien", Role.INSPECTOR, BLOC, Secrecy.CONFIDENTIAL, "Phạm Văn Hùng"),
    ("canbo.coso", Role.GRASSROOTS_OFFICER, FIRST_BASE_COMMITTEE, Secrecy.NORMAL, "Đỗ Thị Thu Hà"),
    ("lanhdao.capuy", Role.COMMITTEE_LEADER, BLOC, Secrecy.NORMAL, "Vũ Đức Thắng"),
]
# The demo users who must sign in with a second factor get a ready authenticator secret (base32,
# fixed so the quick start always prints the same one) and one-time backup codes: ten, as the
# browser tests sign in with one each, counted from the end (each test file says which).
DEMO_SECOND_FACTOR: dict[str, tuple[str, tuple[str, ...]]] = {
    "quantri": (
        "YJIG5FC23IL6764TIILJ5MSZNYMLPL67",
        ("kru7a53w", "2svtiqwn", "z6yoj5gp", "aigjgm5s", "vgxkjsdw")
        + ("ps6jlfsx", "7nhfqpt2", "zexy7xrn", "if5o3bnr", "5csh2t4c"),
    ),
    "lanhdao.ubkt": (
        "O3FOAN2OVB2AXFTRMUZJJ35BLONLS665",
        # ten single-use codes, taken by the browser tests from the end: -1 discipline journey,
        # -2/-3 layout, -6/-7 corrections journey, -8 accessibility
        ("75o6mp2t", "g4haclt5", "ara6p5fk", "xzso523d", "yboq5alr")
        + ("6ziop4fs", "u4hc63i2", "uxydauiu", "hwtqvrke", "t2y5rdk6"),
    ),
}
NOT_EMPTY = (
    "Cơ sở dữ liệu đã có dữ liệu; dữ liệu mẫu chỉ nạp vào cơ sở dữ liệu trống. Dùng --if-empty "
    "để bỏ qua khi đã có dữ liệu, hoặc chỉ định thư mục dữ liệu mới bằng KTGS_DATA_DIR."
)


class DemoError(Exception):
    """The demo cannot be built here (the message is Vietnamese, for the user)."""


def demo_logins(names: dict[str, str] | None = None) -> list[tuple[str, str, str, str, str]]:
    """(username, password, role label, second factor, unit name) of each demo user; `names`
    {unit code in DEMO_USERS: name} when the users sit elsewhere (the nation tier)."""
    names = names or {u.code: u.name for u in plan_units(DEFAULT_MEMBERS)}
    return [
        (
            username,
            DEMO_PASSWORD,
            Role(role).label,
            "xem bên dưới" if username in DEMO_SECOND_FACTOR else "không bắt buộc",
            names[unit],
        )
        for username, role, unit, _clearance, _full_name in DEMO_USERS
    ]


def demo_users() -> dict[str, User]:
    """{role value: the demo User holding that role}, read from the database."""
    users = User.objects.in_bulk([username for username, *_ in DEMO_USERS], field_name="username")
    return {str(role): users[username] for username, role, *_ in DEMO_USERS}


def demo_second_factors() -> list[tuple[str, str, tuple[str, ...]]]:
    """(username, authenticator secret in base32, backup codes) of the demo users who have them."""
    return [(username, secret, codes) for username, (secret, codes) in DEMO_SECOND_FACTOR.items()]


def check_size(members: int) -> None:
    if not MIN_MEMBERS <= members <= MAX_MEMBERS:
        raise DemoError(
            f"Số đảng viên mẫu phải từ {MIN_MEMBERS} đến {MAX_MEMBERS}, không phải {members}."
        )


def build_demo(*, members: int = DEFAULT_MEMBERS) -> dict:
    """Build the demo into an empty database; return the counts (also in the audit event)."""
    check_size(members)
    with transaction.atomic():
        if OrgUnit.objects.exists() or Member.objects.exists():
            raise DemoError(NOT_EMPTY)
        taken = User.objects.filter(username__in=[u[0] for u in DEMO_USERS])
        if taken.exists():
            names = ", ".join(taken.values_list("username", flat=True))
            raise DemoError(f"Đã có tài khoản trùng tên tài khoản mẫu ({names}).")
        plan = make_plan(members)
        counts = _write(plan)
        counters.rebuild()  # the per-unit counters the tree and unit pages read
        record("demo.loaded", details=counts)
    refresh_statistics()
    return counts


def _write(plan: Plan) -> dict:
    units = _write_units(plan)
    bodies = _write_bodies(units)
    terms = _write_terms(plan, units)
    people = _write_members(plan, units)
    _write_offices(plan, units, bodies, terms, people)
    _write_symbols(units, bodies)
    bulk.insert(
        UnitAttribute,
        (
            dict(
                unit_id=units[a.unit].pk,
                key=a.key,
                value=a.value,
                starts_on=a.starts_on,
                decision=a.decision,
            )
            for a in plan.attributes
        ),
    )
    _write_users(units)
    names = {m.code: m.full_name for m in plan.members}
    written = write_inspections(plan_inspections(plan), units, bodies, people, names)
    written |= write_discipline(plan_discipline(plan), units, bodies, people, names)
    return _counts(plan) | written


def _counts(plan: Plan) -> dict:
    bloc_units = [u for u in plan.units if is_bloc_unit(u)]
    kinds = [u.kind for u in bloc_units]
    bloc_cells = {u.code for u in bloc_units if u.members}
    return {
        "reference_date": DEMO_REFERENCE_DATE.isoformat(),
        "units": len(plan.units),
        "grassroots": kinds.count("base_committee") + kinds.count("base_cell"),
        "base_committees": kinds.count("base_committee"),
        "cells": kinds.count("cell"),
        "base_cells": kinds.count("base_cell"),
        "members": sum(1 for m in plan.members if m.unit in bloc_cells),
        "other_members": sum(1 for m in plan.members if m.unit not in bloc_cells),
        "terms": len(plan.terms),
        "seats": len(plan.seats),
        "heads": len(plan.heads),
        "managed": len(plan.managed),
        "users": len(DEMO_USERS),
    }


def _write_units(plan: Plan) -> dict[str, OrgUnit]:
    """All units, their paths from their ids (parents first), and their links to the parents."""
    kinds = {k.code: k for k in OrgKind.objects.all()}
    units = {
        u.code: OrgUnit(
            code=u.code,
            name=u.name,
            short_name=u.short_name,
            kind=kinds[u.kind],
            established_on=u.established_on,
            path="",
            sort_key=text_sort_key(u.name),
            search_key=unit_search_key(u.name, u.short_name),
        )
        for u in plan.units
    }
    bulk.insert(OrgUnit, units.values())
    for code, pk in OrgUnit.objects.values_list("code", "pk"):
        units[code].pk = pk
    for spec in plan.units:
        parent = units[spec.parent].path if spec.parent else ""
        units[spec.code].path = parent + path_segment(units[spec.code].pk)
        units[spec.code].place_key = units[spec.parent].search_key if spec.parent else ""
    bulk.update(
        OrgUnit,
        [(u.pk, {"path": u.path, "place_key": u.place_key}) for u in units.values()],
    )
    bulk.insert(
        UnitLink,
        (
            dict(unit_id=units[u.code].pk, parent_id=units[u.parent].pk, starts_on=u.established_on)
            for u in plan.units
            if u.parent
        ),
    )
    return units


# Advisory bodies (cơ quan tham mưu) of the province and the bloc's committees.
ADVISORY_BODIES = {
    "HA": ["Ban Tổ chức Tỉnh ủy", "Ban Tuyên giáo và Dân vận Tỉnh ủy", "Văn phòng Tỉnh ủy"],
    "HA.DBK": ["Ban Tổ chức Đảng ủy Khối", "Ban Tuyên giáo Đảng ủy Khối", "Văn phòng Đảng ủy Khối"],
}


def _write_bodies(units: dict[str, OrgUnit]) -> dict[tuple[str, str], int]:
    """{(unit code, body kind): body id} of the bodies that act (advisory bodies left out)."""
    bulk.insert(Body, (body for unit in units.values() for body in default_bodies(unit)))
    bulk.insert(
        Body,
        (
            Body(unit=units[code], kind=BodyKind.ADVISORY, name=name)
            for code, names in ADVISORY_BODIES.items()
            if code in units
            for name in names
        ),
    )
    rows = Body.objects.exclude(kind=BodyKind.ADVISORY).values_list("unit__code", "kind", "pk")
    return {(code, kind): pk for code, kind, pk in rows}


def _write_terms(plan: Plan, units: dict[str, OrgUnit]) -> dict[tuple[str, str], int]:
    """{(unit code, term name): term id}."""
    bulk.insert(
        Term,
        (
            dict(unit_id=units[t.unit].pk, name=t.name, starts_on=t.starts_on, ends_on=t.ends_on)
            for t in plan.terms
        ),
    )
    rows = Term.objects.values_list("unit__code", "name", "pk")
    return {(code, name): pk for code, name, pk in rows}


# Ký hiệu cơ quan ban hành (domain rules §9; `22-NQ/ĐUK`, `04-ĐA/TU` in the example report): a
# committee and its standing committee sign with one symbol and share one sequence; the UBKT
# has its own. Grassroots UBKT symbols vary by locality and are left to configuration.
_SAME = (BodyKind.COMMITTEE, BodyKind.STANDING)
ISSUER_SYMBOLS = {
    PROVINCE: {**dict.fromkeys(_SAME, "TU"), BodyKind.INSPECTION: "UBKTTU"},
    BLOC: {**dict.fromkeys(_SAME, "ĐUK"), BodyKind.INSPECTION: "UBKTĐUK"},
}
KIND_SYMBOLS = {
    "base_committee": dict.fromkeys(_SAME, "ĐU"),
    "base_cell": dict.fromkeys((BodyKind.COMMITTEE, BodyKind.CELL_MEETING), "CB"),
}


def _write_symbols(units: dict[str, OrgUnit], bodies: dict[tuple[str, str], int]) -> None:
    def rows():
        for code, unit in units.items():
            symbols = ISSUER_SYMBOLS.get(code) or KIND_SYMBOLS.get(unit.kind.code, {})
            for body_kind, symbol in symbols.items():
                if (code, body_kind) in bodies:
                    body_id = bodies[code, body_kind]
                    yield dict(body_id=body_id, symbol=symbol, starts_on=unit.established_on)

    bulk.insert(IssuerSymbol, rows())


@cache
def member_names(family: str, middle: str, given: str) -> tuple[str, str, str]:
    """(full_name, search_key, sort_key) exactly as `services.member_name_keys` gives them."""
    return member_name_keys(family, middle, given)


def _write_members(plan: Plan, units: dict[str, OrgUnit]) -> dict[str, int]:
    """Members with one open membership from admission; {member code: member id}."""

    def member(m) -> dict:
        full_name, search_key, sort_key = member_names(m.family_name, m.middle_name, m.given_name)
        return dict(
            code=m.code,
            family_name=m.family_name,
            middle_name=m.middle_name,
            given_name=m.given_name,
            full_name=full_name,
            search_key=search_key,
            sort_key=sort_key,
            birth_date=m.birth_date,
            sex=m.sex,
            citizen_id=m.citizen_id,
            old_id_number=m.old_id_number,
            admitted_on=m.admitted_on,
            official_on=m.official_on,
            current_unit_id=units[m.unit].pk,
        )

    bulk.insert(Member, map(member, plan.members))
    ids = dict(Member.objects.values_list("code", "pk"))
    bulk.insert(
        Membership,
        (
            dict(member_id=ids[m.code], unit_id=units[m.unit].pk, starts_on=m.admitted_on)
            for m in plan.members
        ),
    )
    member_names.cache_clear()
    return ids


def _write_offices(plan: Plan, units, bodies, terms, people) -> None:
    bulk.insert(
        CommitteeSeat,
        (
            dict(
                member_id=people[s.member],
                body_id=bodies[s.unit, s.body],
                role=s.role,
                term_id=terms[s.unit, s.term],
                starts_on=s.starts_on,
                ends_on=s.ends_on,
            )
            for s in plan.seats
        ),
    )
    bulk.insert(
        HeadOfUnit,
        (
            dict(
                unit_id=units[h.unit].pk,
                member_id=people[h.member],
                starts_on=h.starts_on,
                ends_on=h.ends_on,
            )
            for h in plan.heads
        ),
    )
    bulk.insert(
        ManagedBy,
        (
            dict(
                member_id=people[m.member],
                body_id=bodies[m.unit, m.body],
                starts_on=m.starts_on,
                ends_on=m.ends_on,
            )
            for m in plan.managed
        ),
    )


def _write_users(units: dict[str, OrgUnit]) -> None:
    # One hash for all: they share the printed password anyway, and a hash costs ~0.4 s.
    password = make_password(DEMO_PASSWORD)
    for username, role, unit, clearance, full_name in DEMO_USERS:
        user = User(username=username, full_name=full_name, clearance=clearance, password=password)
        user.save()
        Assignment.objects.create(user=user, unit=units[unit], role=role, starts_on=ASSIGNED_SINCE)
        if username in DEMO_SECOND_FACTOR:
            _write_second_factor(user, *DEMO_SECOND_FACTOR[username])


def _write_second_factor(user: User, secret: str, codes: tuple[str, ...]) -> None:
    TOTPDevice.objects.create(user=user, name="Ứng dụng xác thực", key=b32decode(secret).hex())
    backup = StaticDevice.objects.create(user=user, name="Mã dự phòng")
    StaticToken.objects.bulk_create(StaticToken(device=backup, token=code) for code in codes)
