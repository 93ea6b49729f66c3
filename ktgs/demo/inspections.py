"""The demo's inspections, supervisions and programmes: planned as plain data, then written in bulk.

`plan_inspections(plan)` is pure (fixed seed, no database, no "today"). From the start of the
bloc's 2020–2025 term to the reference date 30/06/2023 the bloc's bodies reach exactly the
example report's figures (docs/demo.md, docs/counting.md):

* the bloc committee (committee + standing committee of HA.DBK): 19 organisations and 114
  members who sat on a committee on the decision date;
* the bloc UBKT: 17 organisations and 49 such members.

Around them: subjects met twice by one body (they count once), members who were not committee
members (they do not count as such), grassroots committees' own inspections (their own rows),
the rest of the 2020–2025 term, and 2026 in the 2025–2030 term — concluded, or in progress with
steps due on fixed dates. A member subject is registered in a cell of the performing unit's
subtree and, when counted as a committee member, holds a committee or standing committee seat
of the plan on the decision date (`committee_on`).
"""

import random
from dataclasses import dataclass, replace
from datetime import date, timedelta

from django.utils import timezone

from ktgs.core import bulk
from ktgs.core.choices import InspectionKind
from ktgs.demo.layout import BLOC, DEMO_REFERENCE_DATE, SEED
from ktgs.demo.plan import Plan, SeatPlan
from ktgs.inspections.choices import ConclusionResult, FollowUpStatus, Remedy, TeamRole
from ktgs.inspections.models import (
    FollowUp,
    Inspection,
    InspectionStep,
    InspectionSubject,
    TeamMember,
)
from ktgs.orgs.choices import BodyKind, SeatRole
from ktgs.programmes.models import Programme, ProgrammeItem, ProgrammeItemSubject
from ktgs.rules.lookup import RuleNotInForce
from ktgs.rules.procedures import steps_for

COMMITTEE, STANDING, INSPECTION = BodyKind.COMMITTEE, BodyKind.STANDING, BodyKind.INSPECTION
COMMITTEE_BODIES = (COMMITTEE, STANDING)
# The example report's figures, from the term's start to the reference date.
REPORT_FIGURES = {
    "committee": {"organisations": 19, "committee_members": 114},
    "inspection": {"organisations": 17, "committee_members": 49},
}
ORG_SHARE = {"committee": (13, 6), "inspection": (12, 5)}  # (đảng bộ cơ sở, chi bộ cơ sở)
KIND_RANK = {"province": 4, "superior": 3, "base_committee": 2, "base_cell": 2, "cell": 1}
ISSUERS = {  # ký hiệu of the bodies that sign decisions here
    (BLOC, COMMITTEE): "ĐUK",
    (BLOC, STANDING): "ĐUK",
    (BLOC, INSPECTION): "UBKTĐUK",
}
GRASSROOTS_ISSUERS = {COMMITTEE: "ĐU", STANDING: "ĐU", INSPECTION: "UBKTĐU"}
# The grassroots organisations whose own bodies have inspections in the demo (not 001–003,
# which the tests use for their own fixtures).
GRASSROOTS_PERFORMERS = ("HA.DBK.005", "HA.DBK.011", "HA.DBK.017", "HA.DBK.024")
AFTER_REFERENCE = (date(2023, 8, 14), date(2024, 11, 29))  # rest of the 2020–2025 term
CONCLUDED_2026 = (date(2026, 2, 23), date(2026, 7, 31))
# In progress on 27/11/2026 (fixed dates, so the demo is the same whatever the day it is built).
IN_PROGRESS_2026 = (
    (date(2026, 9, 7), 2, date(2026, 11, 16), date(2026, 12, 18)),  # overdue step
    (date(2026, 9, 21), 3, date(2026, 11, 20), date(2026, 12, 30)),  # overdue step
    (date(2026, 10, 12), 2, date(2026, 12, 2), date(2027, 1, 15)),  # due within 5 working days
    (date(2026, 10, 26), 1, date(2026, 12, 1), date(2027, 1, 29)),  # due soon
    (date(2026, 11, 9), 1, date(2026, 12, 21), date(2027, 2, 5)),  # later
)
TOPICS = {
    InspectionKind.COMPLIANCE: "Kiểm tra việc chấp hành Điều lệ Đảng, nghị quyết, chỉ thị và "
    "quy chế làm việc; việc thực hiện nguyên tắc tập trung dân chủ",
    InspectionKind.SUPERVISION_THEMATIC: "Giám sát chuyên đề việc lãnh đạo, chỉ đạo thực hiện "
    "Nghị quyết số 22-NQ/ĐUK về nâng cao chất lượng công tác kiểm tra, giám sát",
    InspectionKind.SUPERVISION_REGULAR: "Giám sát thường xuyên việc thực hiện chức trách, nhiệm "
    "vụ được giao và việc giữ gìn phẩm chất đạo đức, lối sống",
    InspectionKind.KTGS_DUTY: "Kiểm tra việc thực hiện nhiệm vụ kiểm tra, giám sát và thi hành "
    "kỷ luật đảng của cấp ủy và ủy ban kiểm tra",
    InspectionKind.FINANCE: "Kiểm tra việc thu, nộp, quản lý và sử dụng đảng phí; quản lý tài "
    "chính, tài sản của tổ chức đảng",
    InspectionKind.SIGNS_OF_VIOLATION: "Kiểm tra khi có dấu hiệu vi phạm trong việc thực hiện "
    "quy định về những điều đảng viên không được làm",
    InspectionKind.ASSETS: "Kiểm soát việc kê khai tài sản, thu nhập",
}
LEGAL_BASIS = "Điều lệ Đảng (Điều 30, 32); Quy định số 296-QĐ/TW; Quyết định số 354-QĐ/UBKTTW"


@dataclass(frozen=True)
class SubjectSpec:
    unit: str  # the subject unit, or the member's cell
    member: str | None  # member code
    committee_unit: str | None  # on the decision date: the highest committee sat on
    head_of: str | None
    managed_by: tuple[str, str] | None  # (unit code, body kind)
    result: str  # "" while not concluded
    remedy: str = ""


@dataclass(frozen=True)
class InspectionSpec:
    unit: str  # the performing body's unit
    body: str  # BodyKind
    kind: str
    decided_on: date
    number: str  # "" for a regular supervision
    subjects: tuple[SubjectSpec, ...]
    team: tuple[tuple[str, str, str], ...]  # (member code, position, TeamRole)
    concluded_on: date | None  # None: in progress
    done_steps: int = 0  # in progress: how many steps are done
    next_due: date | None = None  # in progress: the due date of the first open step
    plan_ends_on: date | None = None
    secrecy: str = "normal"
    programme_item: tuple[str, int, int] | None = None  # (body kind, year, item position)

    @property
    def topic(self) -> str:
        return TOPICS[self.kind]


@dataclass(frozen=True)
class ProgrammeItemSpec:
    position: int
    kind: str
    quarter: int
    subjects: tuple[str, ...]  # unit codes


@dataclass(frozen=True)
class ProgrammeSpec:
    body: str  # BodyKind of a bloc body
    year: int
    number: str
    issued_on: date
    items: tuple[ProgrammeItemSpec, ...]


@dataclass(frozen=True)
class DemoInspections:
    inspections: list[InspectionSpec]
    programmes: list[ProgrammeSpec]


# --- who was what on a date ----------------------------------------------------------------------


class Offices:
    """The plan's seats, heads and managed-by rows by member, to read a subject's snapshot."""

    def __init__(self, plan: Plan):
        self.kind = {u.code: u.kind for u in plan.units}
        self.parent = {u.code: u.parent for u in plan.units}
        self.seats: dict[str, list[SeatPlan]] = {}
        self.body_seats: dict[tuple[str, str], list[SeatPlan]] = {}
        for s in plan.seats:
            self.seats.setdefault(s.member, []).append(s)
            self.body_seats.setdefault((s.unit, s.body), []).append(s)
        self.heads = {}
        for h in plan.heads:
            self.heads.setdefault(h.member, []).append(h)
        self.managed = {}
        for m in plan.managed:
            self.managed.setdefault(m.member, []).append(m)
        self.members = {m.code: m for m in plan.members}
        self.terms = {(t.unit, t.name): t for t in plan.terms}

    @staticmethod
    def _holds(row, day: date) -> bool:
        return row.starts_on <= day and (row.ends_on is None or day < row.ends_on)

    def committee_on(self, member: str, day: date) -> str | None:
        """The unit of the highest committee or standing committee `member` sits on on `day`."""
        units = [
            s.unit
            for s in self.seats.get(member, [])
            if s.body in COMMITTEE_BODIES and self._holds(s, day)
        ]
        return max(units, key=lambda u: KIND_RANK[self.kind[u]], default=None)

    def subject(self, member: str, day: date, result: str, remedy: str = "") -> SubjectSpec:
        head = next((h.unit for h in self.heads.get(member, []) if self._holds(h, day)), None)
        managed = next(
            ((m.unit, m.body) for m in self.managed.get(member, []) if self._holds(m, day)), None
        )
        return SubjectSpec(
            self.members[member].unit,
            member,
            self.committee_on(member, day),
            head,
            managed,
            result,
            remedy,
        )

    def seats_of_body(self, unit: str, body: str, day: date) -> list[SeatPlan]:
        return [s for s in self.body_seats.get((unit, body), []) if self._holds(s, day)]

    def in_subtree(self, code: str, root: str) -> bool:
        while code is not None:
            if code == root:
                return True
            code = self.parent[code]
        return False


def _org(code: str, result: str) -> SubjectSpec:
    return SubjectSpec(code, None, None, None, None, result)


# --- the plan ------------------------------------------------------------------------------------


class _Planner:
    def __init__(self, plan: Plan):
        self.rng = random.Random(f"{SEED}/inspections")
        self.offices = Offices(plan)
        self.children: dict[str, list[str]] = {}
        for u in plan.units:
            self.children.setdefault(u.parent, []).append(u.code)
        self.cell_members: dict[str, list[str]] = {}
        for m in plan.members:
            self.cell_members.setdefault(m.unit, []).append(m.code)
        self.term_start = self.offices.terms[BLOC, "2020–2025"].starts_on
        self.next_term = self.offices.terms[BLOC, "2025–2030"].starts_on
        self.specs: list[InspectionSpec] = []
        self.used: set[str] = set()  # member codes already planned as committee members

    # pools -----------------------------------------------------------------------------------

    def cells_of(self, org: str) -> list[str]:
        return self.children.get(org) or [org]

    def committee_pool(self, org: str, day: date) -> list[str]:
        """Members of `org`'s cells sitting on a grassroots or cell committee on `day`: the
        organisation's own committee first (by seat order), then its cells' committees."""
        rows = []
        for cell in self.cells_of(org):
            for code in self.cell_members.get(cell, []):
                unit = self.offices.committee_on(code, day)
                if unit and unit != BLOC and self.offices.in_subtree(unit, org):
                    rows.append((unit != org, code))
        return [code for _later, code in sorted(rows)]

    def plain_members(self, org: str, day: date) -> list[str]:
        """One member of `org`'s cells with no committee or standing committee seat on `day`
        (none in a tiny demo where everyone sits on one)."""
        for cell in self.cells_of(org):
            for code in self.cell_members.get(cell, []):
                member = self.offices.members[code]
                if member.admitted_on < day and self.offices.committee_on(code, day) is None:
                    return [code]
        return []

    # decisions ---------------------------------------------------------------------------------

    def result(self, kind: str, violation: bool = False) -> str:
        if violation:
            return ConclusionResult.VIOLATION
        if self.rng.random() < 0.55:
            return ConclusionResult.SHORTCOMINGS
        return ConclusionResult.NO_SHORTCOMING

    def add(self, unit, body, kind, day, orgs, members, *, concluded=None, **kw) -> None:
        """One decision; `concluded` defaults to 35–75 days after it (all steps done)."""
        if not orgs and not members:
            return
        if concluded is None and "done_steps" not in kw:
            concluded = day + timedelta(days=self.rng.randint(35, 75))
        violations = kw.pop("violations", ())
        done = concluded is not None
        subjects = [_org(o, self.result(kind) if done else "") for o in orgs]
        for code in members:
            result = self.result(kind, code in violations) if done else ""
            remedy = Remedy.CRITICISE if code in violations else ""
            subjects.append(self.offices.subject(code, day, result, remedy))
        spec = InspectionSpec(
            unit,
            body,
            kind,
            day,
            "",
            tuple(subjects),
            self.team(unit, body, day),
            concluded,
            plan_ends_on=kw.pop("plan_ends_on", None) or day + timedelta(days=60),
            **kw,
        )
        self.specs.append(spec)

    def team(self, unit: str, body: str, day: date) -> tuple:
        """The team: members of the performing unit's UBKT (or committee) on the decision date."""
        wanted = INSPECTION if body == INSPECTION else STANDING
        holders = [
            s for s in self.offices.seats_of_body(unit, wanted, day) if s.role != SeatRole.SECRETARY
        ] or self.offices.seats_of_body(unit, COMMITTEE, day)
        picked = self.rng.sample(holders, min(3, len(holders)))
        roles = (TeamRole.LEADER, TeamRole.MEMBER, TeamRole.SECRETARY)
        return tuple(
            (s.member, SeatRole(s.role).label, role) for s, role in zip(picked, roles, strict=False)
        )

    def dates(self, first: date, last: date, n: int) -> list[date]:
        span = (last - first).days
        return sorted(first + timedelta(days=self.rng.randint(0, span)) for _ in range(n))


def _round_robin(pools: list[list[str]], target: int, taken: set[str]) -> list[list[str]]:
    """Take members from the pools in turn (skipping any already taken) until `target`."""
    picked: list[list[str]] = [[] for _ in pools]
    cursors = [0] * len(pools)
    total = 0
    while total < target:
        moved = False
        for i, pool in enumerate(pools):
            while cursors[i] < len(pool) and pool[cursors[i]] in taken:
                cursors[i] += 1
            if cursors[i] < len(pool) and total < target:
                code = pool[cursors[i]]
                picked[i].append(code)
                taken.add(code)
                cursors[i] += 1
                total += 1
                moved = True
        if not moved:  # a demo smaller than the report's: as many as there are
            break
    return picked


def _report_period(p: _Planner, group: str, orgs: list[str]) -> None:
    """The bloc body's decisions from the term's start to the reference date."""
    figures = REPORT_FIGURES[group]
    day0 = p.term_start + timedelta(days=40)
    pools = [p.committee_pool(org, day0) for org in orgs]
    picked = _round_robin(pools, figures["committee_members"], p.used)
    days = p.dates(day0, DEMO_REFERENCE_DATE - timedelta(days=120), len(orgs))
    if group == "committee":
        kinds = (
            InspectionKind.COMPLIANCE,
            InspectionKind.SUPERVISION_THEMATIC,
            InspectionKind.COMPLIANCE,
            InspectionKind.SUPERVISION_REGULAR,
        )
        second_kinds = (InspectionKind.SUPERVISION_THEMATIC, InspectionKind.COMPLIANCE)
    else:
        kinds = (
            InspectionKind.KTGS_DUTY,
            InspectionKind.SUPERVISION_THEMATIC,
            InspectionKind.FINANCE,
            InspectionKind.KTGS_DUTY,
        )
        second_kinds = (InspectionKind.SIGNS_OF_VIOLATION, InspectionKind.SUPERVISION_REGULAR)
    for i, (org, members, day) in enumerate(zip(orgs, picked, days, strict=True)):
        first, rest = members[: (len(members) + 1) // 2], members[(len(members) + 1) // 2 :]
        body = STANDING if group == "committee" else INSPECTION
        kind = kinds[i % len(kinds)]
        extra = p.plain_members(org, day) if i % 3 == 0 else []
        p.add(BLOC, body, kind, day, [org], first + extra)
        if not rest and i % 2:
            continue
        later = min(day + timedelta(days=p.rng.randint(90, 300)), DEMO_REFERENCE_DATE)
        second = second_kinds[i % 2]
        body2 = (COMMITTEE if i % 2 else STANDING) if group == "committee" else INSPECTION
        repeat = first[:1]  # met again by the same body: counted once
        if second == InspectionKind.SIGNS_OF_VIOLATION:
            targets = (rest or first)[:2]
            p.add(
                BLOC,
                body2,
                second,
                later,
                [],
                targets,
                violations=targets[:1],
                secrecy="confidential" if i % 4 == 0 else "secret",
            )
            if rest[2:]:
                p.add(BLOC, body2, InspectionKind.SUPERVISION_REGULAR, later, [org], rest[2:])
            continue
        p.add(BLOC, body2, second, later, [org], rest + repeat)


def _grassroots(p: _Planner) -> None:
    """Grassroots committees and UBKTs inspect their own cells and members (own rows)."""
    for n, org in enumerate(GRASSROOTS_PERFORMERS):
        cells = p.children.get(org, [])[:2]
        if not cells:  # a smaller demo
            continue
        for j, (start, end) in enumerate(((date(2021, 3, 1), date(2022, 11, 30)),) * 2):
            day = p.dates(start, end, 1)[0]
            cell = cells[j % len(cells)]
            pool = p.committee_pool(cell, day)[:2]
            body = INSPECTION if (n + j) % 2 else COMMITTEE
            kind = (
                InspectionKind.SUPERVISION_THEMATIC
                if body == INSPECTION
                else (InspectionKind.COMPLIANCE)
            )
            p.add(org, body, kind, day, [cell], pool + p.plain_members(cell, day))
        day = date(2026, 4, 6) + timedelta(days=14 * n)
        cell = cells[-1]
        p.add(org, INSPECTION, InspectionKind.FINANCE, day, [cell], [])


def _after_reference(p: _Planner, spare: list[str], again: list[str]) -> None:
    """The rest of the 2020–2025 term and 2026 (2025–2030 term) for the bloc's bodies."""
    spare = spare or again
    again = again or spare
    if not spare:
        return
    days = p.dates(*AFTER_REFERENCE, 8)
    for i, day in enumerate(days):
        pool = spare if i % 2 else again
        org = pool[i % 4 % len(pool)]
        body = (STANDING, INSPECTION, COMMITTEE, INSPECTION)[i % 4]
        kind = (
            InspectionKind.COMPLIANCE,
            InspectionKind.SUPERVISION_THEMATIC,
            InspectionKind.SUPERVISION_THEMATIC,
            InspectionKind.KTGS_DUTY,
        )[i % 4]
        p.add(BLOC, body, kind, day, [org], p.committee_pool(org, day)[:3])
    days = p.dates(*CONCLUDED_2026, 6)
    for i, day in enumerate(days):
        org = spare[(4 + i) % len(spare)]
        body = (STANDING, INSPECTION)[i % 2]
        kind = (InspectionKind.SUPERVISION_THEMATIC, InspectionKind.KTGS_DUTY)[i % 2]
        p.add(BLOC, body, kind, day, [org], p.committee_pool(org, day)[:2])
    for i, (day, done, due, ends) in enumerate(IN_PROGRESS_2026):
        org = spare[(10 + i) % len(spare)]
        body = (INSPECTION, STANDING)[i % 2]
        kind = (
            InspectionKind.SIGNS_OF_VIOLATION,
            InspectionKind.COMPLIANCE,
            InspectionKind.SUPERVISION_THEMATIC,
            InspectionKind.SUPERVISION_THEMATIC,
            InspectionKind.KTGS_DUTY,
        )[i]
        if kind == InspectionKind.SIGNS_OF_VIOLATION:
            orgs, members = [], p.committee_pool(org, day)[:1] + p.plain_members(org, day)
        else:
            orgs, members = [org], p.committee_pool(org, day)[:2]
        p.add(
            BLOC,
            body,
            kind,
            day,
            orgs,
            members,
            done_steps=done,
            next_due=due,
            plan_ends_on=ends,
        )


def _numbered(specs: list[InspectionSpec], rng) -> list[InspectionSpec]:
    """Decision numbers per issuer in date order (a regular supervision has none); a sequence
    restarts with each term of the bloc, and never repeats a number of the same issuer."""
    out, used, counters = [], set(), {}
    for spec in sorted(specs, key=lambda s: (s.decided_on, s.unit, s.body)):
        if spec.kind == InspectionKind.SUPERVISION_REGULAR:
            out.append(spec)
            continue
        issuer = ISSUERS.get((spec.unit, spec.body)) or GRASSROOTS_ISSUERS[spec.body]
        term = "2" if spec.decided_on.year >= 2026 else "1"
        key = (spec.unit, issuer, term)
        n = counters.get(key, 100 if spec.unit == BLOC else 10) + rng.randint(1, 4)
        while (spec.unit, issuer, n) in used:
            n += 1
        used.add((spec.unit, issuer, n))
        counters[key] = n
        out.append(replace(spec, number=f"{n:02d}-QĐ/{issuer}"))
    return out


def _programmes(specs: list[InspectionSpec]) -> tuple[list[InspectionSpec], list[ProgrammeSpec]]:
    """2021–2023 programmes of the bloc committee and UBKT; their items are the year's planned
    decisions (regular supervision and signs of violation are not programmed) plus two items
    not carried out."""
    planned = {InspectionKind.SUPERVISION_REGULAR, InspectionKind.SIGNS_OF_VIOLATION}
    numbers = {
        COMMITTEE: {2021: "12-CTr/ĐUK", 2022: "18-CTr/ĐUK", 2023: "25-CTr/ĐUK"},
        INSPECTION: {2021: "11-CTr/UBKTĐUK", 2022: "16-CTr/UBKTĐUK", 2023: "21-CTr/UBKTĐUK"},
    }
    items: dict[tuple[str, int], list[ProgrammeItemSpec]] = {}
    out = []
    for spec in specs:
        owner = INSPECTION if spec.body == INSPECTION else COMMITTEE
        year = spec.decided_on.year
        if spec.unit != BLOC or spec.kind in planned or year not in numbers[owner]:
            out.append(spec)
            continue
        rows = items.setdefault((owner, year), [])
        position = len(rows) + 1
        orgs = tuple(s.unit for s in spec.subjects if s.member is None)
        rows.append(
            ProgrammeItemSpec(position, spec.kind, (spec.decided_on.month - 1) // 3 + 1, orgs)
        )
        out.append(replace(spec, programme_item=(owner, year, position)))
    programmes = []
    for (owner, year), rows in sorted(items.items()):
        spare = [
            ProgrammeItemSpec(len(rows) + 1, InspectionKind.SUPERVISION_THEMATIC, 4, ()),
            ProgrammeItemSpec(len(rows) + 2, InspectionKind.COMPLIANCE, 4, ()),
        ]
        programmes.append(
            ProgrammeSpec(owner, year, numbers[owner][year], date(year, 1, 8), tuple(rows + spare))
        )
    return out, programmes


def plan_inspections(plan: Plan) -> DemoInspections:
    p = _Planner(plan)
    grassroots = [u.code for u in plan.units if u.parent == BLOC]
    bases = [c for c in grassroots if p.offices.kind[c] == "base_committee"]
    cells = [c for c in grassroots if p.offices.kind[c] == "base_cell"]
    p.rng.shuffle(bases)
    p.rng.shuffle(cells)
    taken = set(GRASSROOTS_PERFORMERS)
    bases = [c for c in bases if c not in taken]
    groups = {}
    for group, (n_bases, n_cells) in ORG_SHARE.items():
        groups[group] = bases[:n_bases] + cells[:n_cells]
        bases, cells = bases[n_bases:], cells[n_cells:]
    for group, orgs in groups.items():
        _report_period(p, group, orgs)
    _grassroots(p)
    _after_reference(p, spare=bases + cells, again=groups["committee"] + groups["inspection"])
    numbered = _numbered(p.specs, p.rng)
    specs, programmes = _programmes(numbered)
    return DemoInspections(specs, programmes)


# --- the writer ----------------------------------------------------------------------------------

FALLBACK_STEPS = {  # when the rule pack has no row for the date (it normally does)
    InspectionKind.SUPERVISION_REGULAR: ["plan", "observation", "conclusion_notice"],
}
DEFAULT_STEPS = [
    "decision",
    "announcement",
    "subject_report",
    "verification",
    "draft_report",
    "meeting",
    "conclusion_notice",
]
SHORTCOMINGS_TEXT = (
    "Việc ghi biên bản sinh hoạt chi bộ chưa đầy đủ; chất lượng tự phê bình và phê bình có "
    "lúc chưa cao; chương trình kiểm tra, giám sát chưa cụ thể."
)
VIOLATION_TEXT = (
    "Vi phạm quy định về những điều đảng viên không được làm và nguyên tắc tập trung dân chủ "
    "trong lãnh đạo, điều hành; chưa gương mẫu khắc phục sau giám sát."
)
STRENGTHS_TEXT = "Chấp hành nghiêm nghị quyết, chỉ thị; duy trì nền nếp sinh hoạt đảng."


def _steps(kind: str, day: date) -> list[tuple[str, bool]]:
    try:
        return [(s.step.value, s.optional) for s in steps_for(kind, day)]
    except RuleNotInForce:
        return [(s, False) for s in FALLBACK_STEPS.get(kind, DEFAULT_STEPS)]


def _step_rows(spec: InspectionSpec, inspection_id: int) -> list[dict]:
    steps = _steps(spec.kind, spec.decided_on)
    rows = []
    last = len(steps) - 1
    for n, (step, optional) in enumerate(steps):
        row = dict(inspection_id=inspection_id, step=step, position=n + 1, optional=optional)
        if spec.concluded_on:  # concluded: every step done, spread up to the conclusion
            span = (spec.concluded_on - spec.decided_on).days
            row["done_on"] = spec.decided_on + timedelta(days=span * n // max(last, 1))
        elif n < spec.done_steps:
            row["done_on"] = spec.decided_on + timedelta(days=4 * n)
        elif n == spec.done_steps and n != last:
            row.update(due_on=spec.next_due, due_basis="Theo kế hoạch")
        if step == "conclusion_notice" and not spec.concluded_on and spec.plan_ends_on:
            row.update(due_on=spec.plan_ends_on, due_basis="Theo kế hoạch (ngày kết thúc)")
        rows.append(row)
    return rows


def _subject_row(s: SubjectSpec, spec, inspection_id, units, bodies, people, names) -> dict:
    violation = s.result == ConclusionResult.VIOLATION
    committee = units[s.committee_unit] if s.committee_unit else None
    return dict(
        inspection_id=inspection_id,
        unit_id=units[s.unit].pk,
        member_id=people[s.member] if s.member else None,
        name=names[s.member] if s.member else units[s.unit].name,
        committee_unit_id=committee.pk if committee else None,
        committee_level=committee.kind.level if committee else "",
        head_of_id=units[s.head_of].pk if s.head_of else None,
        managed_by_id=bodies[s.managed_by] if s.managed_by else None,
        result=s.result,
        strengths=STRENGTHS_TEXT if s.result else "",
        shortcomings=VIOLATION_TEXT
        if violation
        else SHORTCOMINGS_TEXT
        if s.result == ConclusionResult.SHORTCOMINGS
        else "",
        remedy=s.remedy,
        concluded_on=spec.concluded_on if s.result else None,
    )


def write_inspections(demo: DemoInspections, units, bodies, people, names) -> dict:
    """Write the programmes and inspections in bulk; {what: how many}. `units` {code: OrgUnit},
    `bodies` {(unit code, body kind): id}, `people` {member code: id}, `names` {code: full name}."""
    now = timezone.now()
    items = _write_programmes(demo.programmes, units, bodies, now)
    bulk.insert(
        Inspection,
        (
            dict(
                kind=s.kind,
                body_id=bodies[s.unit, s.body],
                unit_id=units[s.unit].pk,
                programme_item_id=items[s.programme_item] if s.programme_item else None,
                topic=s.topic,
                legal_basis=LEGAL_BASIS,
                decision_number=s.number,
                decided_on=s.decided_on,
                plan_ends_on=s.plan_ends_on,
                concluded_on=s.concluded_on,
                secrecy=s.secrecy,
                created_at=now,
            )
            for s in demo.inspections
        ),
    )
    ids = list(Inspection.objects.order_by("pk").values_list("pk", flat=True))
    assert len(ids) == len(demo.inspections), "the demo writes into an empty database"
    pairs = list(zip(demo.inspections, ids, strict=True))
    bulk.insert(
        InspectionSubject,
        (
            _subject_row(s, spec, pk, units, bodies, people, names)
            for spec, pk in pairs
            for s in spec.subjects
        ),
    )
    bulk.insert(
        TeamMember,
        (
            dict(inspection_id=pk, name=names[code], position=position, role=role)
            for spec, pk in pairs
            for code, position, role in spec.team
        ),
    )
    bulk.insert(InspectionStep, (row for spec, pk in pairs for row in _step_rows(spec, pk)))
    follow_ups = _write_follow_ups(now)
    return {
        "inspections": len(ids),
        "follow_ups": follow_ups,
        "inspection_subjects": sum(len(s.subjects) for s in demo.inspections),
        "programmes": len(demo.programmes),
    }


RECOMMENDATIONS = {
    ConclusionResult.SHORTCOMINGS: "Tổ chức kiểm điểm, xây dựng kế hoạch khắc phục hạn chế, "
    "khuyết điểm đã được chỉ ra; báo cáo kết quả về cơ quan đã kiểm tra, giám sát",
    ConclusionResult.VIOLATION: "Kiểm điểm làm rõ trách nhiệm tập thể, cá nhân; khắc phục vi phạm "
    "và báo cáo kết quả bằng văn bản",
}
FOLLOW_UP_DAYS = (60, 90, 150)  # a recommendation is due this long after the conclusion (in turn)
FOLLOW_UPS_FROM = date(2024, 1, 1)  # recommendations of conclusions since then are followed up
CLOSED_BEFORE = date(2026, 1, 1)  # those concluded earlier have been carried out


def _write_follow_ups(now) -> int:
    """One follow-up per subject concluded with shortcomings or a violation since
    FOLLOW_UPS_FROM: carried out for conclusions before CLOSED_BEFORE, open after (with fixed
    dates, so some are overdue and some due soon as time passes)."""
    rows = []
    subjects = InspectionSubject.objects.filter(
        result__in=list(RECOMMENDATIONS), inspection__concluded_on__gte=FOLLOW_UPS_FROM
    ).values_list("pk", "inspection_id", "unit_id", "result", "inspection__concluded_on")
    for n, (pk, inspection_id, unit_id, result, concluded_on) in enumerate(subjects.order_by("pk")):
        due = concluded_on + timedelta(days=FOLLOW_UP_DAYS[n % len(FOLLOW_UP_DAYS)])
        done = concluded_on < CLOSED_BEFORE
        rows.append(
            dict(
                inspection_id=inspection_id,
                subject_id=pk,
                text=RECOMMENDATIONS[result],
                owner_unit_id=unit_id,
                due_on=due,
                status=FollowUpStatus.DONE if done else FollowUpStatus.OPEN,
                done_on=due - timedelta(days=12) if done else None,
                note="",
                created_at=now,
            )
        )
    for result, text in RECOMMENDATIONS.items():
        InspectionSubject.objects.filter(
            result=result, inspection__concluded_on__gte=FOLLOW_UPS_FROM
        ).update(recommendations=text)
    bulk.insert(FollowUp, rows)
    return len(rows)


def _write_programmes(programmes: list[ProgrammeSpec], units, bodies, now) -> dict:
    """{(body kind, year, position): item id}."""
    titles = {COMMITTEE: "Chương trình kiểm tra, giám sát của Đảng ủy Khối năm {}"}
    title = "Chương trình công tác kiểm tra, giám sát của Ủy ban Kiểm tra Đảng ủy Khối năm {}"
    bulk.insert(
        Programme,
        (
            dict(
                body_id=bodies[BLOC, p.body],
                year=p.year,
                number=p.number,
                issued_on=p.issued_on,
                title=titles.get(p.body, title).format(p.year),
                created_at=now,
            )
            for p in programmes
        ),
    )
    kinds = {pk: body for body, pk in ((k, bodies[BLOC, k]) for k in (COMMITTEE, INSPECTION))}
    ids = {
        (kinds[body_id], year): pk
        for body_id, year, pk in Programme.objects.values_list("body_id", "year", "pk")
    }
    leads = {COMMITTEE: "Ban Thường vụ Đảng ủy Khối", INSPECTION: "Ủy ban Kiểm tra Đảng ủy Khối"}
    bulk.insert(
        ProgrammeItem,
        (
            dict(
                programme_id=ids[p.body, p.year],
                position=i.position,
                kind=i.kind,
                topic=TOPICS[i.kind],
                quarter=i.quarter,
                lead=leads[p.body],
                subject_note="" if i.subjects else "Các tổ chức cơ sở đảng theo kế hoạch",
            )
            for p in programmes
            for i in p.items
        ),
    )
    back = {pk: key for key, pk in ids.items()}
    items = {
        (*back[programme_id], position): pk
        for programme_id, position, pk in ProgrammeItem.objects.values_list(
            "programme_id", "position", "pk"
        )
    }
    bulk.insert(
        ProgrammeItemSubject,
        (
            dict(item_id=items[p.body, p.year, i.position], unit_id=units[code].pk)
            for p in programmes
            for i in p.items
            for code in i.subjects
        ),
    )
    return items
