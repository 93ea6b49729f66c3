"""Discipline figures (docs/discipline-counting.md): what was decided on the subjects of a unit's
subtree in a date range, per deciding body and sanction.

* A decision falls in [start, end] (inclusive) by its signing date.
* Subjects: an organisation, or a member by the cell they belonged to on the signing date
  (`Decision.subject_unit`), in U's subtree (path prefix) — WHOEVER decided: the province's
  decisions on the bloc's members count for the bloc, the bloc's decisions on a member of
  another branch do not.
* Counted: live decisions. Voided ones never count; one annulled on appeal never counts; one
  replaced after an appeal (a live decision names it in `replaces`) does not count — its
  replacement counts instead, with its own body, sanction and signing date. So a sanction
  changed on appeal is counted once, as it finally stands (a closed period's figure can change
  when a decision of that period is later replaced).
* Deciding bodies above the grassroots (province, bloc) are one row each (standing committee and
  UBKT apart, as the reports write them); the bodies of every grassroots unit and of the cells
  below (levels "cơ sở" and "dưới cơ sở") other than U's own make one row, "Đảng ủy, chi bộ
  cơ sở" — the report's "đảng ủy và chi bộ cơ sở".
* Per row and sanction: organisations, members, and among the members committee members
  (`committee_unit` set: sat on a committee or standing committee on the signing date). A
  decision is one sanction of one subject: a member disciplined twice counts twice.
* Every record counts whatever the reader's clearance (the caller checks U is in scope).

Each row also says where its body stands relative to U (`place`: U's own, above U, between U and
the grassroots, the grassroots row) and whether it is a UBKT, from the same query: the reports
group the rows by these without reading the bodies again.

Aggregate queries only: one for the figures (the grassroots row's two parts always apart, merged
unless `split_grassroots`), one for the names of the bodies.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)

from ktgs.core.choices import DisciplineForm, DisciplineSubject
from ktgs.discipline.choices import AppealOutcome, SuspensionSubject
from ktgs.discipline.models import Appeal, Decision, Suspension
from ktgs.orgs.choices import BodyKind, Level
from ktgs.orgs.models import Body, OrgUnit
from ktgs.orgs.shortnames import GRASSROOTS_GROUP, short_name_of, with_short_names

GRASSROOTS_LEVELS = (Level.BASE, Level.BELOW_BASE)
GRASSROOTS = "co-so"  # the key of the grassroots row (and of the list's filter)
GRASSROOTS_NAME = "Đảng ủy, chi bộ cơ sở (gồm chi bộ trực thuộc)"
# The grassroots row split in two (`count(..., split_grassroots=True)`): what the committees,
# standing committees and cells decided, apart from what the grassroots UBKTs decided.
GRASSROOTS_COMMITTEES, GRASSROOTS_UBKT = "co-so-cap-uy", "co-so-ubkt"
GRASSROOTS_PARTS = {
    GRASSROOTS_COMMITTEES: "Đảng ủy, ban thường vụ, chi bộ cơ sở và chi bộ trực thuộc",
    GRASSROOTS_UBKT: "Ủy ban kiểm tra đảng ủy cơ sở",
}
FORMS = DisciplineForm.values  # lightest first
ORGANISATIONS, MEMBERS, COMMITTEE_MEMBERS = "to-chuc", "dang-vien", "cap-uy-vien"
METRIC_LABELS = {
    ORGANISATIONS: "tổ chức đảng bị kỷ luật",
    MEMBERS: "đảng viên bị kỷ luật",
    COMMITTEE_MEMBERS: "đảng viên là cấp ủy viên bị kỷ luật",
}


@dataclass
class Tally:
    """Counts per sanction (form value → n) of one kind of subject."""

    by_form: dict = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.by_form.values())

    @property
    def cells(self) -> list[tuple[str, int]]:
        return [(f, self.by_form.get(f, 0)) for f in FORMS]

    def add(self, form: str, n: int) -> None:
        if n:
            self.by_form[form] = self.by_form.get(form, 0) + n


# Where a deciding body stands relative to U (`place_of`).
PLACE_OWN, PLACE_ABOVE, PLACE_BETWEEN, PLACE_GRASSROOTS = "own", "above", "between", "grassroots"


@dataclass
class BodyRow:
    key: str  # a body id, or GRASSROOTS
    name: str = ""  # as the reports write it (orgs.shortnames): "UBKT Tỉnh ủy"
    full_name: str = ""  # the body's name on record, shown as the row's title
    sort: tuple = ()
    place: str = ""  # PLACE_*: U's own body, above U, between U and the grassroots, grassroots
    ubkt: bool = False  # a UBKT (the grassroots row: never; its UBKT part: always)
    organisations: Tally = field(default_factory=Tally)
    members: Tally = field(default_factory=Tally)
    committee_members: Tally = field(default_factory=Tally)


@dataclass
class Figures:
    unit: OrgUnit
    start: date
    end: date
    rows: list[BodyRow]
    total: BodyRow
    parts: dict = field(default_factory=dict)  # the grassroots row's two parts, by SPLIT_KEYS
    named: bool = False  # rows named and in order (`name_rows`)

    def row(self, key: str) -> BodyRow | None:
        return next((r for r in self.rows if r.key == key), None)


def live_decisions() -> QuerySet[Decision]:
    """Decisions that stand: not voided, not annulled on appeal, not replaced by a live one."""
    replaced = Decision.objects.filter(replaces=OuterRef("pk"), voided_at__isnull=True)
    annulled = Appeal.objects.filter(decision=OuterRef("pk"), outcome=AppealOutcome.ANNULLED)
    return Decision.objects.filter(voided_at__isnull=True).exclude(
        Exists(replaced) | Exists(annulled)
    )


def counted(unit: OrgUnit, start: date, end: date) -> QuerySet[Decision]:
    """Every standing decision on a subject in U's subtree signed in [start, end]."""
    return live_decisions().filter(
        subject_unit__path__startswith=unit.path, signed_on__gte=start, signed_on__lte=end
    )


def _grassroots_q(unit: OrgUnit) -> Q:
    return Q(body__unit__kind__level__in=GRASSROOTS_LEVELS) & ~Q(body__unit_id=unit.pk)


def group_key(unit: OrgUnit, split_grassroots: bool = False):
    """The deciding body's id, or 0 for the grassroots row (split: -1 for grassroots UBKTs)."""
    whens = [When(_grassroots_q(unit), then=Value(0))]
    if split_grassroots:
        whens.insert(
            0, When(_grassroots_q(unit) & Q(body__kind=BodyKind.INSPECTION), then=Value(-1))
        )
    return Case(*whens, default=F("body_id"), output_field=IntegerField())


def place_of(unit: OrgUnit):
    """The deciding body's place relative to U (the grassroots first, as `group_key`)."""
    return Case(
        When(body__unit_id=unit.pk, then=Value(PLACE_OWN)),
        When(_grassroots_q(unit), then=Value(PLACE_GRASSROOTS)),
        When(body__unit__path__startswith=unit.path, then=Value(PLACE_BETWEEN)),
        default=Value(PLACE_ABOVE),
        output_field=CharField(),
    )


GROUP_KEYS = {0: GRASSROOTS, -1: GRASSROOTS_UBKT}
SPLIT_KEYS = {0: GRASSROOTS_COMMITTEES, -1: GRASSROOTS_UBKT}


def count(
    unit: OrgUnit, start: date, end: date, *, split_grassroots: bool = False, named: bool = True
) -> Figures:
    """The figures per deciding body and sanction; with `split_grassroots`, the grassroots row
    is two: committees and cells (GRASSROOTS_COMMITTEES), grassroots UBKTs (GRASSROOTS_UBKT).
    Either way `Figures.parts` holds the two parts. Without `named`, the rows are neither named
    nor ordered (one query fewer; `name_rows` does it when the names are needed)."""
    org = Q(subject_kind=DisciplineSubject.ORGANISATION)
    rows_q = (
        counted(unit, start, end)
        .annotate(
            g=group_key(unit, split_grassroots=True),
            place=place_of(unit),
            ubkt=ExpressionWrapper(Q(body__kind=BodyKind.INSPECTION), BooleanField()),
        )
        .values("g", "form", "place", "ubkt")
        .annotate(
            n_org=Count("pk", filter=org),
            n_members=Count("pk", filter=~org),
            n_committee=Count("pk", filter=~org & Q(committee_unit__isnull=False)),
        )
        .order_by()
    )
    rows: dict[str, BodyRow] = {}
    parts: dict[str, BodyRow] = {}
    total = BodyRow("")
    for r in rows_q:
        targets = [total]
        if r["g"] > 0:
            key = str(r["g"])
            targets.append(rows.setdefault(key, BodyRow(key, place=r["place"], ubkt=r["ubkt"])))
        else:
            part = SPLIT_KEYS[r["g"]]
            targets.append(parts.setdefault(part, BodyRow(part, place=PLACE_GRASSROOTS)))
            targets[-1].ubkt = part == GRASSROOTS_UBKT
            if not split_grassroots:
                targets.append(
                    rows.setdefault(GRASSROOTS, BodyRow(GRASSROOTS, place=PLACE_GRASSROOTS))
                )
        for target in targets:
            target.organisations.add(r["form"], r["n_org"])
            target.members.add(r["form"], r["n_members"])
            target.committee_members.add(r["form"], r["n_committee"])
    if split_grassroots:
        rows.update(parts)
    figures = Figures(unit, start, end, list(rows.values()), total, parts)
    return name_rows(figures) if named else figures


def name_rows(figures: Figures) -> Figures:
    """The rows of `count` named as the reports write them and in their order (one query),
    once."""
    if not figures.named:
        _name_rows({r.key: r for r in figures.rows} | figures.parts, figures.end)
        figures.rows.sort(key=lambda r: r.sort)
        figures.named = True
    return figures


KIND_ORDER = {"committee": 0, "standing": 1, "inspection": 2, "cell_meeting": 3}


def _name_rows(rows: dict[str, BodyRow], on: date) -> None:
    """Names and order: the highest units first (by path length), then committee, standing
    committee, UBKT; the grassroots row last. A row is named as the reports write it on `on`
    (the range's last day, `orgs.shortnames`), its full name beside."""
    ids = [int(k) for k in rows if k.isdigit()]
    for body in with_short_names(Body.objects.filter(pk__in=ids).select_related("unit"), on):
        row = rows[str(body.pk)]
        row.name, row.full_name = str(short_name_of(body)), body.name
        row.sort = (0, len(body.unit.path), body.unit.path, KIND_ORDER.get(body.kind, 9))
    if GRASSROOTS in rows:
        rows[GRASSROOTS].name = GRASSROOTS_GROUP
        rows[GRASSROOTS].full_name = GRASSROOTS_NAME
        rows[GRASSROOTS].sort = (1,)
    for n, (key, name) in enumerate(GRASSROOTS_PARTS.items(), 2):
        if key in rows:
            rows[key].name = rows[key].full_name = name
            rows[key].sort = (n,)


# --- the rows behind a number (and the list's filters) -------------------------------------------


def valid_body_key(key: str) -> bool:
    return key in ("", GRASSROOTS, *GRASSROOTS_PARTS) or key.isdigit()


def body_filter(unit: OrgUnit | None, key: str) -> Q:
    """Decisions of one deciding body, or of the grassroots row (relative to U)."""
    if not key:
        return Q()
    if key == GRASSROOTS:
        if unit is None:
            return Q(body__unit__kind__level__in=GRASSROOTS_LEVELS)
        return _grassroots_q(unit)
    if key in GRASSROOTS_PARTS:
        ubkt = Q(body__kind=BodyKind.INSPECTION)
        part = ubkt if key == GRASSROOTS_UBKT else ~ubkt
        whole = (
            Q(body__unit__kind__level__in=GRASSROOTS_LEVELS)
            if unit is None
            else _grassroots_q(unit)
        )
        return whole & part
    return Q(body_id=int(key))


def metric_filter(metric: str) -> Q:
    org = Q(subject_kind=DisciplineSubject.ORGANISATION)
    return {
        ORGANISATIONS: org,
        MEMBERS: ~org,
        COMMITTEE_MEMBERS: ~org & Q(committee_unit__isnull=False),
    }.get(metric, Q())


# --- appeals and suspensions -----------------------------------------------------------------


# The states of an appeal in a range (`appeal_figures`' keys, `counted_appeals`' `state`):
# resolved in the range (RESOLVED: any outcome; or one outcome's value), filed in the range,
# not resolved at the range's end; ALL_APPEALS: any of these (the list without a filter).
RESOLVED, FILED, PENDING, ALL_APPEALS = "resolved", "filed", "pending", "all"
APPEAL_OUTCOMES = tuple(o for o in AppealOutcome.values if o)
APPEAL_STATES = (RESOLVED, *APPEAL_OUTCOMES, FILED, PENDING, ALL_APPEALS)


def appeals_of(unit: OrgUnit) -> QuerySet[Appeal]:
    """Appeals whose resolver is a body of U's subtree, against a decision not voided."""
    return Appeal.objects.filter(
        decision__voided_at__isnull=True, resolver__unit__path__startswith=unit.path
    )


def appeal_state(start: date, end: date, state: str) -> Q:
    """The appeals in `state` over [start, end] (APPEAL_STATES; ValueError for another)."""
    resolved = Q(resolved_on__gte=start, resolved_on__lte=end) & ~Q(outcome=AppealOutcome.PENDING)
    if state == RESOLVED:
        return resolved
    if state in APPEAL_OUTCOMES:
        return resolved & Q(outcome=state)
    if state == FILED:
        return Q(filed_on__gte=start, filed_on__lte=end)
    if state == PENDING:
        unresolved_at_end = Q(outcome=AppealOutcome.PENDING) | Q(resolved_on__gt=end)
        return Q(filed_on__lte=end) & unresolved_at_end
    if state == ALL_APPEALS:
        return (
            appeal_state(start, end, RESOLVED)
            | appeal_state(start, end, FILED)
            | (appeal_state(start, end, PENDING))
        )
    raise ValueError(f"unknown appeal state {state!r}")


def counted_appeals(unit: OrgUnit, start: date, end: date, state: str = ALL_APPEALS):
    """The appeals behind one figure of `appeal_figures` (the list of the report's link)."""
    return appeals_of(unit).filter(appeal_state(start, end, state))


def appeal_figures(unit: OrgUnit, start: date, end: date) -> dict:
    """{state: n} over [start, end] for each of APPEAL_STATES but ALL_APPEALS: the appeals
    resolved in the range by U's subtree (each outcome, and "resolved": any), "filed" in the
    range with such a resolver and "pending" at `end` (filed by `end`, not resolved by `end`).
    Cases (vụ), not subjects. One aggregate query, over `counted_appeals`' definition."""
    states = [s for s in APPEAL_STATES if s != ALL_APPEALS]
    return appeals_of(unit).aggregate(
        **{s: Count("pk", filter=appeal_state(start, end, s)) for s in states}
    )


def suspensions_of(unit: OrgUnit) -> QuerySet[Suspension]:
    """Suspensions of subjects in U's subtree (the organisation, or the member's cell on the
    start date), whoever decided; a voided member's are left out."""
    return Suspension.objects.filter(subject_unit__path__startswith=unit.path).exclude(
        member__voided_at__isnull=False
    )


def counted_suspensions(unit: OrgUnit, start: date, end: date, subject: str = ""):
    """The suspensions behind one figure of `suspension_figures`: started in [start, end], of
    one subject kind (SuspensionSubject) or of both ("")."""
    rows = suspensions_of(unit).filter(starts_on__gte=start, starts_on__lte=end)
    return rows.filter(subject_kind=subject) if subject else rows


def suspension_figures(unit: OrgUnit, start: date, end: date) -> dict:
    """{subject kind: n} of `counted_suspensions` (started in [start, end]). One aggregate
    query."""
    return counted_suspensions(unit, start, end).aggregate(
        **{k: Count("pk", filter=Q(subject_kind=k)) for k in SuspensionSubject.values}
    )


# --- the list filters of the appeals and suspensions figures (the drill pages and the report
# links name a figure the same way) ----------------------------------------------------------

# `ket-qua` → (state of `appeal_state`, what the list holds)
APPEAL_FILTERS = {
    "tat-ca": (
        ALL_APPEALS,
        "khiếu nại kỷ luật nhận, giải quyết trong kỳ hoặc chưa giải quyết ngày cuối kỳ",
    ),
    "da-giai-quyet": (RESOLVED, "khiếu nại kỷ luật đã giải quyết trong kỳ"),
    "giu-nguyen": (AppealOutcome.UPHELD.value, "khiếu nại kỷ luật giải quyết trong kỳ: giữ nguyên"),
    "thay-doi": (
        AppealOutcome.CHANGED.value,
        "khiếu nại kỷ luật giải quyết trong kỳ: thay đổi hình thức kỷ luật",
    ),
    "xoa-bo": (
        AppealOutcome.ANNULLED.value,
        "khiếu nại kỷ luật giải quyết trong kỳ: xóa bỏ quyết định kỷ luật",
    ),
    "khong-thu-ly": (
        AppealOutcome.NOT_RESOLVED.value,
        "khiếu nại kỷ luật trong kỳ không thụ lý giải quyết",
    ),
    "da-nhan": (FILED, "khiếu nại kỷ luật nhận trong kỳ"),
    "chua-giai-quyet": (PENDING, "khiếu nại kỷ luật chưa giải quyết ngày cuối kỳ"),
}
APPEAL_SLUGS = {state: slug for slug, (state, _) in APPEAL_FILTERS.items()}
# `doi-tuong` → (SuspensionSubject value, or "" for both; what the list holds)
SUSPENSION_FILTERS = {
    "": ("", "lượt đình chỉ bắt đầu trong kỳ"),
    "dang-vien": (
        SuspensionSubject.MEMBER.value,
        "lượt đình chỉ sinh hoạt đảng (đảng viên) bắt đầu trong kỳ",
    ),
    "to-chuc": (
        SuspensionSubject.ORGANISATION.value,
        "lượt đình chỉ hoạt động (tổ chức đảng) bắt đầu trong kỳ",
    ),
}
SUSPENSION_SLUGS = {subject: slug for slug, (subject, _) in SUSPENSION_FILTERS.items()}
