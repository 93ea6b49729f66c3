"""The whole demo as plain data: units, members, terms, seats, heads, managed-by, attributes.

Pure and deterministic (fixed seeds, no database). Seats follow the rule the services enforce:
the holder is a full member registered in the body's unit's subtree on the seat's first day.
The 2025–2030 term keeps about two thirds of the 2020–2025 office holders.
"""

import random
from dataclasses import dataclass
from datetime import date, timedelta

from ktgs.demo import names
from ktgs.demo.layout import BLOC, PARTY_AGENCIES, PROVINCE, SEED, UnitPlan, plan_units
from ktgs.demo.people import MemberPlan, plan_members
from ktgs.orgs.choices import BodyKind, SeatRole

TERM_NAMES = ("2020–2025", "2025–2030")
# kind of unit: (first day a 2020 congress may fall on, first day in 2025, days of spread)
CONGRESSES = {
    "cell": (date(2020, 3, 2), date(2025, 3, 3), 45),
    "base_cell": (date(2020, 5, 4), date(2025, 6, 2), 55),
    "base_committee": (date(2020, 5, 4), date(2025, 6, 2), 55),
    "superior": (date(2020, 7, 16), date(2025, 9, 12), 0),
    "province": (date(2020, 10, 14), date(2025, 10, 15), 0),
}
KEEP_SHARE = 0.68  # office holders re-elected for the next term
SENIORITY_NOISE = 15 * 365  # days: older members tend to hold the higher offices
ADMIT_AUTHORITY_SHARE = 0.4


@dataclass(frozen=True)
class TermPlan:
    unit: str
    name: str
    starts_on: date
    ends_on: date | None


@dataclass(frozen=True)
class SeatPlan:
    member: str
    unit: str  # the body's unit
    body: str  # BodyKind
    role: str  # SeatRole
    term: str
    starts_on: date
    ends_on: date | None


@dataclass(frozen=True)
class HeadPlan:
    unit: str
    member: str
    starts_on: date
    ends_on: date | None


@dataclass(frozen=True)
class ManagedPlan:
    member: str
    unit: str  # the managing body's unit
    body: str  # BodyKind
    starts_on: date
    ends_on: date | None


@dataclass(frozen=True)
class AttributePlan:
    unit: str
    key: str
    value: object
    starts_on: date
    decision: str


@dataclass(frozen=True)
class Sizes:
    committee: int = 0
    deputies: int = 0
    standing: int = 0
    inspection: int = 0
    inspection_deputies: int = 0


@dataclass(frozen=True)
class Plan:
    units: list[UnitPlan]
    members: list[MemberPlan]
    terms: list[TermPlan]
    seats: list[SeatPlan]
    heads: list[HeadPlan]
    managed: list[ManagedPlan]
    attributes: list[AttributePlan]


def make_plan(members: int) -> Plan:
    units = plan_units(members)
    people = plan_members(units)
    rng = random.Random(f"{SEED}/offices")
    terms = plan_terms(units, rng)
    seats, heads = plan_seats(units, people, terms, rng)
    return Plan(
        units,
        people,
        terms,
        seats,
        heads,
        plan_managed(units, seats, heads),
        plan_attributes(units, rng),
    )


def holds_offices(unit: UnitPlan) -> bool:
    return unit.code != PARTY_AGENCIES


def plan_terms(units: list[UnitPlan], rng: random.Random) -> list[TermPlan]:
    """Two terms for every unit that holds offices: 2020–2025, then 2025–2030 (open)."""
    terms = []
    for unit in filter(holds_offices, units):
        first, second, days = CONGRESSES[unit.kind]
        starts = [first + timedelta(rng.randint(0, days)), second + timedelta(rng.randint(0, days))]
        terms.append(TermPlan(unit.code, TERM_NAMES[0], starts[0], starts[1]))
        terms.append(TermPlan(unit.code, TERM_NAMES[1], starts[1], None))
    return terms


def sizes_for(unit: UnitPlan, members: int, rng: random.Random) -> Sizes:
    if unit.kind == "province":
        return Sizes(standing=13, deputies=3, inspection=9, inspection_deputies=2)
    if unit.kind == "superior":
        return Sizes(committee=30, deputies=2, standing=9, inspection=7, inspection_deputies=2)
    if unit.kind == "base_committee":
        weight = members * rng.uniform(0.8, 1.25)
        committee = 5 if weight < 60 else 7 if weight < 150 else 9
        return Sizes(
            committee=committee,
            deputies=1,
            standing=3 if committee == 9 else 0,
            inspection=committee // 2 + 1,
            inspection_deputies=1,
        )
    deputy = members >= 12 and rng.random() < 0.6
    return Sizes(committee=1 + deputy, deputies=int(deputy))


def plan_seats(units, people, terms, rng) -> tuple[list[SeatPlan], list[HeadPlan]]:
    pools = _pools(units, people)
    terms_of: dict[str, list[TermPlan]] = {}
    for term in terms:
        terms_of.setdefault(term.unit, []).append(term)
    seats, heads = [], []
    for unit in filter(holds_offices, units):
        pool, inspection_pool = pools[unit.code]
        sizes = sizes_for(unit, len(pool), rng)
        unit_seats = _unit_seats(unit, terms_of[unit.code], sizes, pool, inspection_pool, rng)
        head_body = BodyKind.COMMITTEE if sizes.committee else BodyKind.STANDING
        heads += [
            HeadPlan(unit.code, s.member, s.starts_on, s.ends_on)
            for s in unit_seats
            if s.role == SeatRole.SECRETARY and s.body == head_body
        ]
        seats += unit_seats
    return seats, heads


def _pools(units: list[UnitPlan], people: list[MemberPlan]) -> dict[str, tuple[list, list | None]]:
    """For each unit: (who may sit on its bodies, who may sit on its UBKT if others)."""
    by_unit: dict[str, list[MemberPlan]] = {}
    for m in people:
        by_unit.setdefault(m.unit, []).append(m)
    children: dict[str | None, list[str]] = {}
    for unit in units:
        children.setdefault(unit.parent, []).append(unit.code)
    pools: dict[str, tuple[list, list | None]] = {}
    for unit in units:
        cells = children.get(unit.code, []) if unit.kind == "base_committee" else [unit.code]
        pools[unit.code] = ([m for code in cells for m in by_unit.get(code, [])], None)
    pools[BLOC] = ([m for m in people if m.unit.startswith(BLOC + ".")], None)
    agencies = [m for m in people if m.unit.startswith(PARTY_AGENCIES + ".")]
    inspection_cell = next(u.code for u in units if u.name == names.INSPECTION_CELL)
    pools[PROVINCE] = (agencies, by_unit[inspection_cell])
    return pools


def _ranked(pool: list[MemberPlan], day: date, rng: random.Random, keep: list[str]) -> list[str]:
    """Full members on `day`: re-elected holders first (in their order), then oldest first."""
    eligible = {m.code: m for m in pool if m.official_on <= day}
    kept = [code for code in keep if code in eligible and rng.random() < KEEP_SHARE]
    kept_set = set(kept)
    scored = sorted(
        (m.birth_date.toordinal() + rng.uniform(0, SENIORITY_NOISE), m.code)
        for m in eligible.values()
        if m.code not in kept_set
    )
    return kept + [code for _score, code in scored]


def _unit_seats(unit, terms, sizes, pool, inspection_pool, rng) -> list[SeatPlan]:
    seats: list[SeatPlan] = []
    keep_main: list[str] = []
    keep_inspection: list[str] = []
    for term in terms:
        ranked = _ranked(pool, term.starts_on, rng, keep_main)
        inspection = (
            ranked
            if inspection_pool is None
            else _ranked(inspection_pool, term.starts_on, rng, keep_inspection)
        )
        picked, top, others = compose(sizes, ranked, inspection)
        keep_main = top + (others if inspection_pool is None else [])
        keep_inspection = others
        seats += [
            SeatPlan(code, unit.code, body, role, term.name, term.starts_on, term.ends_on)
            for code, body, role in picked
        ]
    return seats


def _body_seats(codes: list[str], body: str, leaders: list[str], others: str) -> list[tuple]:
    return [(c, body, leaders[i] if i < len(leaders) else others) for i, c in enumerate(codes)]


def compose(sizes: Sizes, ranked: list[str], inspection: list[str]):
    """Seats (member, body, role) from a ranking; and who took the top places and the UBKT's.

    The first places are the bí thư and phó bí thư (on the committee and the standing
    committee); the UBKT chair is the last standing member (or the last committee member),
    the UBKT's other seats go to the first of `inspection` not already on the committee.
    """
    leaders = [SeatRole.SECRETARY] + [SeatRole.DEPUTY_SECRETARY] * sizes.deputies
    seats = _body_seats(
        ranked[: sizes.committee], BodyKind.COMMITTEE, leaders, SeatRole.COMMITTEE_MEMBER
    )
    seats += _body_seats(
        ranked[: sizes.standing], BodyKind.STANDING, leaders, SeatRole.STANDING_MEMBER
    )
    top = ranked[: max(sizes.committee, sizes.standing)]
    chair_at = min(sizes.standing or sizes.committee, len(top))
    if not sizes.inspection or chair_at <= len(leaders):
        return seats, top, []
    taken = set(top)
    others = [c for c in inspection if c not in taken][: sizes.inspection - 1]
    inspection_leaders = [SeatRole.INSPECTION_CHAIR] + [
        SeatRole.INSPECTION_DEPUTY
    ] * sizes.inspection_deputies
    seats += _body_seats(
        [top[chair_at - 1], *others],
        BodyKind.INSPECTION,
        inspection_leaders,
        SeatRole.INSPECTION_MEMBER,
    )
    return seats, top, others


def plan_managed(units, seats, heads) -> list[ManagedPlan]:
    """Bloc standing members: managed by the province's standing committee; secretaries of the
    bloc's grassroots organisations: by the bloc's standing committee."""
    grassroots = {u.code for u in units if u.parent == BLOC}
    managed = [
        ManagedPlan(s.member, PROVINCE, BodyKind.STANDING, s.starts_on, s.ends_on)
        for s in seats
        if s.unit == BLOC and s.body == BodyKind.STANDING
    ]
    managed += [
        ManagedPlan(h.member, BLOC, BodyKind.STANDING, h.starts_on, h.ends_on)
        for h in heads
        if h.unit in grassroots
    ]
    return managed


# the names the reports give these committees (docs/reports.md «Tên gọi tắt»)
COMMITTEE_SHORT_NAMES = {PROVINCE: "Tỉnh ủy", BLOC: "Đảng ủy Khối"}


def plan_attributes(units: list[UnitPlan], rng: random.Random) -> list[AttributePlan]:
    """Some đảng ủy cơ sở are authorised to admit members (from a decision of 2017–2019); the
    province's and the bloc's committees bear the short names the reports write."""
    short_names = [
        AttributePlan(
            u.code, "committee_short_name", COMMITTEE_SHORT_NAMES[u.code], u.established_on, ""
        )
        for u in units
        if u.code in COMMITTEE_SHORT_NAMES
    ]
    return short_names + [
        AttributePlan(
            u.code,
            "may_admit_members",
            True,
            date(2017, 1, 9) + timedelta(rng.randint(0, 900)),
            f"{rng.randint(120, 890)}-QĐ/ĐUK",
        )
        for u in units
        if u.kind == "base_committee" and rng.random() < ADMIT_AUTHORITY_SHARE
    ]
