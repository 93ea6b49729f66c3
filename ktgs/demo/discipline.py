"""The demo's discipline decisions: planned as plain data, then written in bulk.

`plan_discipline(plan)` is pure (fixed seed, no database). From the start of the bloc's 2020–2025
term to the reference date 30/06/2023 the decisions on subjects in the bloc's subtree give
exactly the example report's figures (line 9; docs/demo.md, docs/discipline-counting.md):

* Ban Thường vụ Tỉnh ủy: 01 member (cách chức);
* Ủy ban Kiểm tra Tỉnh ủy: 01 organisation (cảnh cáo) and 16 members (11 cảnh cáo, 04 khiển
  trách, 01 khai trừ);
* Ban Thường vụ Đảng ủy Khối: 01 member (khai trừ);
* Ủy ban Kiểm tra Đảng ủy Khối: 07 members (03 khai trừ, 04 cảnh cáo);
* đảng ủy và chi bộ cơ sở (and the cells below them): 15 members (12 khiển trách, 03 cảnh cáo).

The five expelled members are extra members (`plan_expelled`, not in `Plan.members`): their
membership ends on the decision's effective date (before the reference date), so the bloc still
has 4,759 members on 30/06/2023 and every figure of the organisation tree and of the
inspections stays as it was. Around them: decisions of 2024–2026, one of them replaced after an
appeal, one on an organisation, one marked mật.
"""

import random
from dataclasses import dataclass, replace
from datetime import date, timedelta

from django.utils import timezone

from ktgs.core import bulk
from ktgs.core.choices import DisciplineForm, DisciplineSubject, ViolationCategory, ViolationKind
from ktgs.demo import names
from ktgs.demo.inspections import Offices
from ktgs.demo.layout import BLOC, PROVINCE, SEED, UnitPlan
from ktgs.demo.people import MemberPlan, add_years, member_code
from ktgs.demo.plan import Plan
from ktgs.discipline.choices import AppealOutcome, CaseOrigin, VoteRole
from ktgs.discipline.models import Appeal, Decision, DisciplineCase, Violation, Vote
from ktgs.orgs.choices import BodyKind, MembershipEnd, SeatRole
from ktgs.orgs.models import Member, Membership
from ktgs.orgs.services import member_name_keys

COMMITTEE, STANDING = BodyKind.COMMITTEE, BodyKind.STANDING
INSPECTION, CELL = BodyKind.INSPECTION, BodyKind.CELL_MEETING
REPRIMAND, WARNING = DisciplineForm.REPRIMAND, DisciplineForm.WARNING
REMOVAL, EXPULSION = DisciplineForm.REMOVAL, DisciplineForm.EXPULSION
GRASSROOTS = "grassroots"  # the report's "đảng ủy và chi bộ cơ sở"
# The example report's figures (line 9), by deciding body: {form: members}, organisations.
REPORT_MEMBERS = {
    (PROVINCE, STANDING): {REMOVAL: 1},
    (PROVINCE, INSPECTION): {WARNING: 11, REPRIMAND: 4, EXPULSION: 1},
    (BLOC, STANDING): {EXPULSION: 1},
    (BLOC, INSPECTION): {EXPULSION: 3, WARNING: 4},
    GRASSROOTS: {REPRIMAND: 12, WARNING: 3},
}
REPORT_ORGANISATIONS = {(PROVINCE, INSPECTION): {WARNING: 1}}
# Units the tests use for their own fixtures: no decision, no expelled member there.
KEEP_CLEAR = ("HA.DBK.001", "HA.DBK.002", "HA.DBK.003")
PERIOD_FROM_START = 75  # days after the term's start before the first decision
LAST_IN_PERIOD = date(2023, 6, 20)
SYMBOLS = {
    (PROVINCE, COMMITTEE): "TU",
    (PROVINCE, STANDING): "TU",
    (PROVINCE, INSPECTION): "UBKTTU",
    (BLOC, COMMITTEE): "ĐUK",
    (BLOC, STANDING): "ĐUK",
    (BLOC, INSPECTION): "UBKTĐUK",
}
KIND_SYMBOLS = {"base_committee": "ĐU", "base_cell": "CB", "cell": "CB"}
CATEGORIES = (
    (ViolationKind.CONDUCT, ViolationCategory.POLITICAL_QUALITY),
    (ViolationKind.CONDUCT, ViolationCategory.PROHIBITED_ACTS),
    (ViolationKind.OWN_TASK, ViolationCategory.FINANCE_ASSETS),
    (ViolationKind.HIGHER_TASK, ViolationCategory.DEMOCRATIC_CENTRALISM),
    (ViolationKind.CONDUCT, ViolationCategory.POPULATION_POLICY),
)
DESCRIPTIONS = {
    ViolationKind.CONDUCT: "Thiếu tu dưỡng, rèn luyện; vi phạm quy định về trách nhiệm nêu "
    "gương và những điều đảng viên không được làm, gây ảnh hưởng đến uy tín của tổ chức đảng",
    ViolationKind.OWN_TASK: "Thiếu trách nhiệm trong quản lý, sử dụng tài chính, tài sản được "
    "giao; để xảy ra thất thoát, lãng phí",
    ViolationKind.HIGHER_TASK: "Không chấp hành đúng quy chế làm việc, nguyên tắc tập trung "
    "dân chủ khi thực hiện nhiệm vụ cấp trên giao",
}
ORGANISATION_VIOLATION = (
    "Buông lỏng lãnh đạo, chỉ đạo, kiểm tra, giám sát; vi phạm nguyên tắc tập trung dân chủ và "
    "quy chế làm việc, để nhiều cán bộ, đảng viên vi phạm"
)


@dataclass(frozen=True)
class VoteSpec:
    unit: str
    body: str
    role: str
    voted_on: date
    denominator: int
    yes: int
    form: str


@dataclass(frozen=True)
class DecisionSpec:
    unit: str  # the deciding body's unit
    body: str  # BodyKind
    subject_unit: str  # the organisation, or the member's cell
    member: str | None
    committee_unit: str | None  # on the signing date
    form: str
    signed_on: date
    origin: str
    votes: tuple[VoteSpec, ...]
    category: tuple[str, str]  # (ViolationKind, category)
    violation_from: date
    number: str = ""
    secrecy: str = "normal"
    replaces: int | None = None  # index of the replaced decision (after an appeal)

    @property
    def subject_kind(self) -> str:
        return (
            DisciplineSubject.ORGANISATION if self.member is None else DisciplineSubject.FULL_MEMBER
        )

    @property
    def announced_on(self) -> date:
        return self.signed_on if self.body == CELL else self.signed_on + timedelta(days=3)

    @property
    def effective_on(self) -> date:
        # a cell's decision on announcing the vote (the same meeting); others' on signing
        return self.signed_on

    @property
    def effect_ends_on(self) -> date | None:
        # 12 months from the announcement (QĐ 69-QĐ/TW, Điều 2, khoản 5; QĐ 30 and 22 alike)
        if self.form in (EXPULSION, DisciplineForm.DISSOLUTION):
            return None
        return add_years(self.announced_on, 1)

    @property
    def not_electable_until(self) -> date | None:
        # Điều lệ Đảng, Điều 40, khoản 3: one year from the decision after cách chức
        if self.form != REMOVAL or self.member is None:
            return None
        return add_years(self.signed_on, 1)

    @property
    def opened_on(self) -> date:
        return self.signed_on - timedelta(days=60)

    @property
    def warranted_on(self) -> date:
        return min(v.voted_on for v in self.votes)


@dataclass(frozen=True)
class DemoDiscipline:
    members: list[MemberPlan]  # the expelled members, in addition to the plan's
    decisions: list[DecisionSpec]
    appeal: tuple[int, int, date] | None  # (appealed decision, its replacement, filed on)


def expelled_code(planned: int, i: int) -> str:
    """The code of the i-th expelled member when the plan has `planned` members (DV000001…):
    the numbers right after the plan's, so they never meet one of its codes at any size."""
    return member_code(planned + 1 + i)


def plan_expelled(units: list[UnitPlan], count: int = 5) -> list[MemberPlan]:
    """`count` members of the bloc's cells (outside KEEP_CLEAR unless the bloc is tiny),
    admitted 1994–2012, coded after the plan's members."""
    planned = sum(u.members for u in units)
    rng = random.Random(f"{SEED}/expelled")
    bloc = sorted(u.code for u in units if u.members and u.code.startswith(BLOC + "."))
    cells = [c for c in bloc if not c.startswith(KEEP_CLEAR)] or bloc
    picked = rng.sample(cells, count) if len(cells) >= count else cells * count
    rows = []
    for i, cell in enumerate(picked[:count]):
        sex = "M" if i % 3 else "F"
        birth = date(1968 + 4 * i, 1 + 2 * i, 3 + 5 * i)
        admitted = add_years(birth, 26) + timedelta(days=rng.randint(0, 300))
        family = rng.choice([w for w, _weight in names.FAMILY_NAMES[:12]])
        middle = rng.choice([w for w, _weight in names.MIDDLE_NAMES[sex][:6]])
        rows.append(
            MemberPlan(
                code=expelled_code(planned, i),
                family_name=family,
                middle_name=middle,
                given_name=rng.choice(names.GIVEN_NAMES[sex]),
                sex=sex,
                birth_date=birth,
                admitted_on=admitted,
                official_on=add_years(admitted, 1),
                citizen_id=None,
                old_id_number="",
                unit=cell,
            )
        )
    return rows


class _Planner:
    def __init__(self, plan: Plan, expelled: list[MemberPlan]):
        self.rng = random.Random(f"{SEED}/discipline")
        self.offices = Offices(plan)
        self.kind = self.offices.kind
        self.parent = self.offices.parent
        self.cell_members: dict[str, list[MemberPlan]] = {}
        for m in plan.members + expelled:
            self.cell_members.setdefault(m.unit, []).append(m)
        self.members = {m.code: m for m in plan.members + expelled}
        self.expelled = [m.code for m in expelled]
        self.term_start = self.offices.terms[BLOC, "2020–2025"].starts_on
        self.used: set[str] = set(self.expelled)
        self.specs: list[DecisionSpec] = []
        grassroots = sorted(u.code for u in plan.units if u.parent == BLOC)
        self.grassroots = [c for c in grassroots if c not in KEEP_CLEAR]
        self.clear = KEEP_CLEAR if self.grassroots else ()  # a tiny bloc has only these
        self.grassroots = self.grassroots or grassroots

    # who --------------------------------------------------------------------------------------

    def free(self, code: str, day: date) -> bool:
        m = self.members[code]
        return (
            code not in self.used
            and m.official_on <= day - timedelta(days=30)
            and not m.unit.startswith(self.clear)
        )

    def org(self, i: int) -> str:
        """The i-th grassroots organisation (round the list in a small bloc)."""
        return self.grassroots[i % len(self.grassroots)]

    def take(self, codes: list[str]) -> str | None:
        """The first of `codes`, now used; None when there is none (a small bloc)."""
        if not codes:
            return None
        self.used.add(codes[0])
        return codes[0]

    def seat_holders(self, unit: str, body: str, day: date, roles=None) -> list[str]:
        seats = self.offices.seats_of_body(unit, body, day)
        return [
            s.member
            for s in seats
            if (roles is None or s.role in roles) and self.free(s.member, day)
        ]

    def grassroots_heads(self, day: date) -> list[str]:
        return [
            h.member
            for code in self.grassroots
            for h in self._heads(code, day)
            if self.free(h.member, day)
        ]

    def _heads(self, unit: str, day: date):
        return [
            s
            for s in self.offices.seats_of_body(unit, COMMITTEE, day)
            if s.role == SeatRole.SECRETARY
        ]

    def plain_in(self, cell: str, day: date) -> list[str]:
        return [
            m.code
            for m in self.cell_members.get(cell, [])
            if m.code not in self.expelled
            and self.free(m.code, day)
            and self.offices.committee_on(m.code, day) is None
        ]

    def cells_of(self, org: str) -> list[str]:
        return sorted(c for c, parent in self.parent.items() if parent == org) or [org]

    def full_members(self, cell: str, day: date) -> int:
        return sum(1 for m in self.cell_members.get(cell, []) if m.official_on <= day)

    def seated(self, unit: str, body: str, day: date) -> int:
        return len(self.offices.seats_of_body(unit, body, day))

    # votes and decisions ----------------------------------------------------------------------

    def vote(self, unit, body, role, day, form, *, proposer_of_expulsion=False) -> VoteSpec:
        total = self.full_members(unit, day) if body == CELL else self.seated(unit, body, day)
        need = -(-2 * total // 3) if proposer_of_expulsion else total // 2 + 1
        yes = self.rng.randint(min(need, total), total)
        return VoteSpec(unit, body, role, day, total, yes, form)

    def add(self, unit, body, subject, form, day, *, member=None, proposer=None, **kw):
        votes = []
        if proposer:  # a cell proposes (two weeks before)
            votes.append(
                self.vote(
                    proposer,
                    CELL,
                    VoteRole.PROPOSE,
                    day - timedelta(days=14),
                    form,
                    proposer_of_expulsion=form == EXPULSION,
                )
            )
        votes.append(self.vote(unit, body, VoteRole.DECIDE, day, form))
        committee = self.offices.committee_on(member, day) if member else None
        origin = kw.pop(
            "origin", CaseOrigin.OWN if proposer or body == CELL else CaseOrigin.INSPECTION
        )
        self.specs.append(
            DecisionSpec(
                unit,
                body,
                subject,
                member,
                committee,
                form,
                day,
                origin,
                tuple(votes),
                self.rng.choice(CATEGORIES),
                day - timedelta(days=self.rng.randint(200, 900)),
                **kw,
            )
        )
        return len(self.specs) - 1

    def dates(self, n: int, first: date | None = None, last: date = LAST_IN_PERIOD) -> list[date]:
        first = first or self.term_start + timedelta(days=PERIOD_FROM_START)
        span = (last - first).days
        return sorted(first + timedelta(days=self.rng.randint(0, span)) for _ in range(n))


def _forms(counts: dict) -> list[str]:
    return [form for form, n in counts.items() for _ in range(n)]


def _member_decision(p: _Planner, unit: str, body: str, form: str, day: date, pool) -> None:
    code = p.take(pool)
    if code:
        p.add(unit, body, p.members[code].unit, form, day, member=code)


def _expel(p: _Planner, unit: str, body: str, day: date, code: str) -> None:
    cell = p.members[code].unit
    p.add(unit, body, cell, EXPULSION, day, member=code, proposer=cell)


def _report_period(p: _Planner) -> None:
    expelled = list(p.expelled)
    # Ban Thường vụ Tỉnh ủy: a standing member of the bloc (managed by it), cách chức.
    (day,) = p.dates(1)
    _member_decision(
        p,
        PROVINCE,
        STANDING,
        REMOVAL,
        day,
        p.seat_holders(BLOC, STANDING, day, {SeatRole.STANDING_MEMBER}),
    )
    # Ủy ban Kiểm tra Tỉnh ủy: an organisation; bloc committee members and grassroots secretaries.
    (day,) = p.dates(1)
    p.add(PROVINCE, INSPECTION, p.org(5), WARNING, day)
    forms = _forms(REPORT_MEMBERS[PROVINCE, INSPECTION])
    for i, (form, day) in enumerate(zip(forms, p.dates(len(forms)), strict=True)):
        if form == EXPULSION:
            _expel(p, PROVINCE, INSPECTION, day, expelled.pop())
        elif i % 2:
            _member_decision(
                p, PROVINCE, INSPECTION, form, day, p.seat_holders(BLOC, COMMITTEE, day)
            )
        else:
            _member_decision(p, PROVINCE, INSPECTION, form, day, p.grassroots_heads(day))
    # Ban Thường vụ Đảng ủy Khối: khai trừ.
    (day,) = p.dates(1)
    _expel(p, BLOC, STANDING, day, expelled.pop())
    # Ủy ban Kiểm tra Đảng ủy Khối: khai trừ; cảnh cáo of grassroots committee members.
    forms = _forms(REPORT_MEMBERS[BLOC, INSPECTION])
    for i, (form, day) in enumerate(zip(forms, p.dates(len(forms)), strict=True)):
        if form == EXPULSION:
            _expel(p, BLOC, INSPECTION, day, expelled.pop())
        else:
            org = p.org(10 + 3 * i)
            _member_decision(p, BLOC, INSPECTION, form, day, p.seat_holders(org, COMMITTEE, day))
    # Grassroots: a đảng ủy cơ sở on a proposal of its cell, or a cell's own meeting.
    forms = _forms(REPORT_MEMBERS[GRASSROOTS])
    p.rng.shuffle(forms)
    for i, (form, day) in enumerate(zip(forms, p.dates(len(forms)), strict=True)):
        _grassroots_decision(p, p.org(20 + 2 * i), form, day, i)
    assert not expelled


def _grassroots_decision(p: _Planner, org: str, form: str, day: date, i: int) -> None:
    cells = p.cells_of(org)
    cell = cells[i % len(cells)]
    code = p.take(p.plain_in(cell, day))
    if code is None:
        return
    if p.kind[org] == "base_cell" or i % 3 == 2:  # the cell decides at its own meeting
        p.add(cell, CELL, cell, form, day, member=code)
    else:
        p.add(org, COMMITTEE, cell, form, day, member=code, proposer=cell)


def _after_reference(p: _Planner) -> tuple[int, int, date] | None:
    """2024–2026: an appeal that lightens a cảnh cáo, a mật decision, an organisation."""
    appeal = None
    day, again = date(2024, 3, 12), date(2024, 6, 18)
    code = p.take(p.seat_holders(p.org(40), COMMITTEE, day))
    if code:
        cell = p.members[code].unit
        first = p.add(BLOC, INSPECTION, cell, WARNING, day, member=code)
        second = p.add(
            PROVINCE,
            INSPECTION,
            cell,
            REPRIMAND,
            again,
            member=code,
            replaces=first,
            origin=CaseOrigin.OWN,
        )
        appeal = (first, second, again - timedelta(days=45))
    _grassroots_decision(p, p.org(42), REPRIMAND, date(2024, 10, 8), 2)
    day = date(2025, 4, 22)
    before = len(p.specs)
    _member_decision(p, BLOC, STANDING, REPRIMAND, day, p.grassroots_heads(day))
    if len(p.specs) > before:
        p.specs[-1] = replace(p.specs[-1], secrecy="confidential")
    # a UBKT disciplines organisations under a lower committee (a chi bộ of a đảng bộ cơ sở);
    # one directly under the bloc is for its standing committee
    target = p.org(44)
    cells = p.cells_of(target)
    if cells[0] != target:
        p.add(BLOC, INSPECTION, cells[0], WARNING, date(2025, 11, 17))
    else:
        p.add(BLOC, STANDING, target, WARNING, date(2025, 11, 17))
    _grassroots_decision(p, p.org(46), WARNING, date(2026, 5, 19), 0)
    day = date(2026, 9, 15)
    _member_decision(p, BLOC, INSPECTION, REPRIMAND, day, p.seat_holders(p.org(48), COMMITTEE, day))
    return appeal


def _numbered(p: _Planner) -> list[DecisionSpec]:
    """Numbers per issuer in date order, from 301 (province, bloc) or 21 (grassroots)."""
    counters: dict[tuple[str, str], int] = {}
    out = list(p.specs)
    for i in sorted(range(len(out)), key=lambda i: (out[i].signed_on, i)):
        spec = out[i]
        symbol = SYMBOLS.get((spec.unit, spec.body)) or KIND_SYMBOLS[p.kind[spec.unit]]
        key = (spec.unit, symbol)
        n = counters.get(key, 300 if spec.unit in (PROVINCE, BLOC) else 20) + p.rng.randint(1, 3)
        counters[key] = n
        out[i] = replace(spec, number=f"{n:02d}-QĐ/{symbol}")
    return out


def plan_discipline(plan: Plan) -> DemoDiscipline:
    expelled = plan_expelled(plan.units)
    p = _Planner(plan, expelled)
    _report_period(p)
    appeal = _after_reference(p)
    return DemoDiscipline(expelled, _numbered(p), appeal)


# --- the writer ----------------------------------------------------------------------------------


def basis(day: date) -> str:
    """The regulations in force on the signing date (docs: issue 6, domain-rules)."""
    if day < date(2021, 7, 28):
        procedure = "Quy định số 30-QĐ/TW"
    elif day < date(2025, 5, 30):
        procedure = "Quy định số 22-QĐ/TW"
    elif day < date(2026, 4, 11):
        procedure = "Quy định số 296-QĐ/TW"
    else:
        procedure = "Quy định số 21-QĐ/TW"
    if day < date(2022, 7, 6):
        sanctions = "Quy định số 102-QĐ/TW"
    elif day < date(2025, 2, 14):
        sanctions = "Quy định số 69-QĐ/TW"
    elif day < date(2026, 8, 17):
        sanctions = "Quy định số 69-QĐ/TW (sửa đổi theo Quy định số 264-QĐ/TW)"
    else:
        sanctions = "Quy định số 212-QĐ/TW"
    return f"Điều lệ Đảng; {procedure}; {sanctions}"


def _write_expelled(demo: DemoDiscipline, units) -> dict[str, int]:
    ends = {s.member: s for s in demo.decisions if s.form == EXPULSION}

    def member(m: MemberPlan) -> dict:
        full_name, search_key, sort_key = member_name_keys(
            m.family_name, m.middle_name, m.given_name
        )
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
            citizen_id=None,
            old_id_number="",
            admitted_on=m.admitted_on,
            official_on=m.official_on,
            current_unit_id=None,  # expelled: registered nowhere
        )

    bulk.insert(Member, map(member, demo.members))
    ids = dict(
        Member.objects.filter(code__in=[m.code for m in demo.members]).values_list("code", "pk")
    )
    bulk.insert(
        Membership,
        (
            dict(
                member_id=ids[m.code],
                unit_id=units[m.unit].pk,
                starts_on=m.admitted_on,
                ends_on=ends[m.code].effective_on,
                end_reason=MembershipEnd.EXPELLED,
                decision=ends[m.code].number,
            )
            for m in demo.members
        ),
    )
    return ids


def write_discipline(demo: DemoDiscipline, units, bodies, people, full_names: dict) -> dict:
    """Write the expelled members, cases, violations, votes, decisions and the appeal in bulk.
    `units` {code: OrgUnit}, `bodies` {(unit code, body kind): id}, `people` {code: id},
    `names` {member code: full name}."""
    now = timezone.now()
    people = people | _write_expelled(demo, units)
    full_names = full_names | {m.code: m.full_name for m in demo.members}
    specs = demo.decisions
    assert not DisciplineCase.objects.exists(), "the demo writes into an empty database"
    bulk.insert(
        DisciplineCase,
        (
            dict(
                subject_unit_id=units[s.subject_unit].pk,
                member_id=people[s.member] if s.member else None,
                subject_kind=s.subject_kind,
                body_id=bodies[s.unit, s.body],
                unit_id=units[s.unit].pk,
                origin=s.origin,
                opened_on=s.opened_on,
                warranted_on=s.warranted_on,
                secrecy=s.secrecy,
                created_at=now,
            )
            for s in specs
        ),
    )
    cases = list(DisciplineCase.objects.order_by("pk").values_list("pk", flat=True))
    bulk.insert(Violation, (_violation(s, case) for s, case in zip(specs, cases, strict=True)))
    bulk.insert(
        Vote,
        (
            dict(
                case_id=case,
                body_id=bodies[v.unit, v.body],
                role=v.role,
                voted_on=v.voted_on,
                denominator=v.denominator,
                counts={v.form: v.yes},
                proposed_form=v.form,
            )
            for s, case in zip(specs, cases, strict=True)
            for v in s.votes
        ),
    )
    bulk.insert(
        Decision,
        (
            _decision(s, case, units, bodies, people, full_names, now)
            for s, case in zip(specs, cases, strict=True)
        ),
    )
    decisions = list(Decision.objects.order_by("pk").values_list("pk", flat=True))
    bulk.update_column(
        Decision,
        "replaces_id",
        {
            decisions[i]: decisions[s.replaces]
            for i, s in enumerate(specs)
            if s.replaces is not None
        },
    )
    if demo.appeal:
        _write_appeal(demo, decisions, bodies)
    return {"discipline_decisions": len(decisions), "expelled_members": len(demo.members)}


def _write_appeal(demo: DemoDiscipline, decisions: list[int], bodies) -> None:
    specs = demo.decisions
    appealed, replacement, filed_on = demo.appeal
    bulk.insert(
        Appeal,
        [
            dict(
                decision_id=decisions[appealed],
                filed_on=filed_on,
                resolver_id=bodies[specs[replacement].unit, specs[replacement].body],
                outcome=AppealOutcome.CHANGED,
                resolved_on=specs[replacement].signed_on,
                reason="Đảng viên khiếu nại hình thức kỷ luật cảnh cáo là quá nặng so với nội dung, "
                "tính chất vi phạm; cấp trên xem xét, thay đổi thành khiển trách.",
                new_decision_id=decisions[replacement],
            )
        ],
    )


def _violation(s: DecisionSpec, case: int) -> dict:
    kind, category = s.category
    if s.body == CELL and kind == ViolationKind.HIGHER_TASK:
        kind, category = CATEGORIES[0]  # a chi bộ only decides on conduct and member duties
    if s.member is None:
        kind, text = ViolationKind.OWN_TASK, ORGANISATION_VIOLATION
        category = ViolationCategory.DEMOCRATIC_CENTRALISM
    else:
        text = DESCRIPTIONS[kind]
    return dict(
        case_id=case,
        description=text,
        kind=kind,
        category=category,
        started_on=s.violation_from,
        ended_on=s.violation_from + timedelta(days=150),
        continuing=False,
    )


def _decision(s: DecisionSpec, case, units, bodies, people, names, now) -> dict:
    committee = units[s.committee_unit] if s.committee_unit else None
    return dict(
        case_id=case,
        body_id=bodies[s.unit, s.body],
        subject_unit_id=units[s.subject_unit].pk,
        member_id=people[s.member] if s.member else None,
        subject_name=names[s.member] if s.member else units[s.subject_unit].name,
        subject_kind=s.subject_kind,
        committee_unit_id=committee.pk if committee else None,
        committee_level=committee.kind.level if committee else "",
        form=s.form,
        number=s.number,
        signed_on=s.signed_on,
        announced_on=s.announced_on,
        received_on=s.announced_on,
        effective_on=s.effective_on,
        effect_ends_on=s.effect_ends_on,
        not_electable_until=s.not_electable_until,
        basis=basis(s.signed_on),
        secrecy=s.secrecy,
        created_at=now,
    )
