"""Official KTGS figures (docs/counting.md): what the bodies of a unit and of its subtree
inspected and supervised in a date range, per performing body.

* An inspection falls in [start, end] (inclusive) by its decision date; voided ones never count.
* Performing bodies: those of U and of every unit below it (`Inspection.unit` path prefix).
* Per body: inspections and supervisions (and per kind); organisations = distinct subject units
  of subjects that are not members; committee members = distinct members who sat on a committee
  or standing committee on the decision date (`committee_unit` snapshot); members = distinct
  members; violations = subjects concluded "violation" or "violation warranting discipline".
* "Cấp ủy" = the committee and its standing committee of one unit, one row, counted as distinct
  subjects across both, unless `split`. A total over rows is the SUM of the rows.
* Every record counts whatever the reader's clearance: the caller checks that U is in the
  reader's scope; the figures themselves are not filtered by secrecy.

Aggregate queries only: two for the figures, one for the names of the bodies (their short
names annotated, `orgs.shortnames`). The reports' sums over groups of bodies (`group_counts`,
`group_kind_figures`) are the same per-body queries summed in the database (`_summed`): no row
per body reaches Python, no name is read.
"""

from dataclasses import dataclass, field, fields
from datetime import date

from django.db import connections
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)

from ktgs.core.choices import InspectionKind
from ktgs.inspections.choices import (
    SUPERVISION_KINDS,
    VIOLATION_RESULTS,
    ConclusionResult,
    FollowUpStatus,
)
from ktgs.inspections.models import FollowUp, Inspection, InspectionSubject
from ktgs.orgs.choices import BodyKind, Level
from ktgs.orgs.models import Body, OrgUnit
from ktgs.orgs.shortnames import committee_of, short_name_of, with_short_names

COMMITTEE_KINDS = (BodyKind.COMMITTEE, BodyKind.STANDING)
COMMITTEE_GROUP = 0  # the group key of "cấp ủy" (committee + standing) of one unit
BODY_ORDER = {BodyKind.COMMITTEE: 0, BodyKind.STANDING: 1, BodyKind.INSPECTION: 2}

# What a number counts; the drill-down lists the rows behind each.
ORGANISATIONS, COMMITTEE_MEMBERS, MEMBERS, VIOLATIONS = (
    "organisations",
    "committee_members",
    "members",
    "violations",
)
INSPECTIONS, SUPERVISIONS, ALL = "inspections", "supervisions", "all"
# Counted as rows (lượt), not distinct subjects: the outcomes as the sector splits them, and the
# subjects met (an organisation or a member met twice by one body is two "lượt").
VIOLATIONS_DISCIPLINE, SIGNS, ORGANISATION_CASES, MEMBER_CASES = (
    "violations_discipline",
    "signs_of_violation",
    "organisation_cases",
    "member_cases",
)
# The other outcomes (rows), and the cases with a subject in violation (an inspection metric).
NO_SHORTCOMING, SHORTCOMINGS, NOT_FOR_DISCIPLINE, CASES_WITH_VIOLATION = (
    "no_shortcoming",
    "shortcomings",
    "not_for_discipline",
    "cases_with_violation",
)
ROW_METRICS = (
    VIOLATIONS,
    VIOLATIONS_DISCIPLINE,
    SIGNS,
    ORGANISATION_CASES,
    MEMBER_CASES,
    NO_SHORTCOMING,
    SHORTCOMINGS,
    NOT_FOR_DISCIPLINE,
)
SUBJECT_METRICS = (
    ORGANISATIONS,
    COMMITTEE_MEMBERS,
    MEMBERS,
    VIOLATIONS,
    VIOLATIONS_DISCIPLINE,
    SIGNS,
    ORGANISATION_CASES,
    MEMBER_CASES,
    NO_SHORTCOMING,
    SHORTCOMINGS,
    NOT_FOR_DISCIPLINE,
)
METRIC_LABELS = {
    ORGANISATIONS: "tổ chức đảng được kiểm tra, giám sát",
    COMMITTEE_MEMBERS: "đảng viên là cấp ủy viên được kiểm tra, giám sát",
    MEMBERS: "đảng viên được kiểm tra, giám sát",
    VIOLATIONS: "lượt đối tượng kết luận có vi phạm",
    VIOLATIONS_DISCIPLINE: "lượt đối tượng kết luận có vi phạm đến mức phải xem xét kỷ luật",
    SIGNS: "lượt đối tượng giám sát phát hiện có dấu hiệu vi phạm",
    ORGANISATION_CASES: "lượt tổ chức đảng được kiểm tra, giám sát",
    MEMBER_CASES: "lượt đảng viên được kiểm tra, giám sát",
    NO_SHORTCOMING: "lượt đối tượng kết luận không có khuyết điểm",
    SHORTCOMINGS: "lượt đối tượng kết luận có ưu điểm, có hạn chế, khuyết điểm",
    NOT_FOR_DISCIPLINE: "lượt đối tượng kết luận có hạn chế, khuyết điểm, vi phạm chưa đến mức "
    "kỷ luật",
    CASES_WITH_VIOLATION: "cuộc kiểm tra, giám sát có đối tượng kết luận có vi phạm",
    INSPECTIONS: "cuộc kiểm tra",
    SUPERVISIONS: "cuộc giám sát",
    ALL: "cuộc kiểm tra, giám sát",
    **{k.value: f"cuộc {k.label.lower()}" for k in InspectionKind},
}


@dataclass
class Figures:
    inspections: int = 0
    supervisions: int = 0
    organisations: int = 0
    committee_members: int = 0
    members: int = 0
    violations: int = 0
    by_kind: dict = field(default_factory=dict)

    @property
    def kind_counts(self) -> list[tuple[str, int]]:
        """(kind, count) in the order of InspectionKind, zeros included (for a table)."""
        return [(k, self.by_kind.get(k, 0)) for k in InspectionKind.values]

    def add(self, other: "Figures") -> None:
        for f in fields(self):
            if f.name != "by_kind":
                setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))
        for kind, n in other.by_kind.items():
            self.by_kind[kind] = self.by_kind.get(kind, 0) + n


@dataclass
class BodyRow(Figures):
    key: str = ""  # "cu-<unit id>" for a committee group, else "<body id>" (the drill-down's)
    name: str = ""  # as the reports write it (orgs.shortnames): "BTV Đảng ủy Khối"
    full_name: str = ""  # the body's name on record, shown as the row's title
    unit_name: str = ""
    unit_path: str = ""
    own: bool = False  # a body of U itself (not of a unit below)
    sort: tuple = ()


@dataclass
class Counts:
    unit: OrgUnit
    start: date
    end: date
    split: bool
    rows: list[BodyRow]
    own_total: Figures  # the bodies of U itself (the report's "36 + 163")
    total: Figures  # every row, U and its subtree

    def row(self, key: str) -> BodyRow | None:
        return next((r for r in self.rows if r.key == key), None)


def group_key(split: bool, prefix: str = ""):
    """The performing body, with the committee and standing committee merged unless split."""
    body = F(f"{prefix}body_id")
    if split:
        return body
    return Case(
        When(**{f"{prefix}body__kind__in": COMMITTEE_KINDS}, then=Value(COMMITTEE_GROUP)),
        default=body,
        output_field=IntegerField(),
    )


def _in_range(unit: OrgUnit, start: date, end: date, prefix: str = "") -> Q:
    return Q(
        **{
            f"{prefix}voided_at__isnull": True,
            f"{prefix}unit__path__startswith": unit.path,
            f"{prefix}decided_on__gte": start,
            f"{prefix}decided_on__lte": end,
        }
    )


def counted_inspections(unit: OrgUnit, start: date, end: date) -> QuerySet[Inspection]:
    """Every live inspection performed in U's subtree and decided in [start, end]."""
    return Inspection.objects.filter(_in_range(unit, start, end))


def counted_subjects(unit: OrgUnit, start: date, end: date) -> QuerySet[InspectionSubject]:
    return InspectionSubject.objects.filter(_in_range(unit, start, end, "inspection__"))


def _case_counts(distinct: bool = False) -> dict:
    """The cases of a row: inspections, supervisions, per kind (`distinct` where the
    inspections are joined to their subjects)."""
    d = {"distinct": True} if distinct else {}
    return {
        "n_inspections": Count("pk", filter=~Q(kind__in=SUPERVISION_KINDS), **d),
        "n_supervisions": Count("pk", filter=Q(kind__in=SUPERVISION_KINDS), **d),
        **{f"kind_{k}": Count("pk", filter=Q(kind=k), **d) for k in InspectionKind.values},
    }


def _subject_counts(prefix: str = "") -> dict:
    """The subjects of a row: distinct organisations, committee members, members; violations
    (subject rows). `prefix`: the path from the queried model to the subject."""
    return {
        "n_organisations": Count(
            f"{prefix}unit_id", filter=Q(**{f"{prefix}member__isnull": True}), distinct=True
        ),
        "n_committee": Count(
            f"{prefix}member_id",
            filter=Q(**{f"{prefix}committee_unit__isnull": False}),
            distinct=True,
        ),
        "n_members": Count(f"{prefix}member_id", distinct=True),
        "n_violations": Count(
            f"{prefix}pk", filter=Q(**{f"{prefix}result__in": VIOLATION_RESULTS})
        ),
    }


def inspection_figures(unit: OrgUnit, start: date, end: date, split: bool, by: dict | None = None):
    """Per performing row (`row_unit`, `g`): cases, per kind too. `by`: more annotations to
    group by (functions of the row, e.g. `places`: they never split a row)."""
    by = by or {}
    return (
        counted_inspections(unit, start, end)
        .annotate(row_unit=F("unit_id"), g=group_key(split), **by)
        .values("row_unit", "g", *by)
        .annotate(**_case_counts())
        .order_by()
    )


def subject_figures(unit: OrgUnit, start: date, end: date, split: bool, by: dict | None = None):
    """Per performing row: distinct subjects, violations (rows)."""
    by = by or {}
    return (
        counted_subjects(unit, start, end)
        .annotate(row_unit=F("inspection__unit_id"), g=group_key(split, "inspection__"), **by)
        .values("row_unit", "g", *by)
        .annotate(**_subject_counts())
        .order_by()
    )


def row_figures(unit: OrgUnit, start: date, end: date, split: bool, by: dict | None = None):
    """Per performing row, in one query: the cases of `inspection_figures` and the subjects of
    `subject_figures` (the inspections joined to their subjects, an inspection without any
    counted as a case all the same)."""
    by = by or {}
    return (
        counted_inspections(unit, start, end)
        .annotate(row_unit=F("unit_id"), g=group_key(split), **by)
        .values("row_unit", "g", *by)
        .annotate(**_case_counts(distinct=True), **_subject_counts("subjects__"))
        .order_by()
    )


# --- per kind of inspection or supervision (the reports' "subjects of inspections on signs of
# violation", outcomes as the sector splits them, cases as well as distinct subjects) ----------


@dataclass
class KindFigures:
    """What one performing body (row key as in `count`) did in one kind of inspection or
    supervision: distinct subjects (per body and kind), subject rows ("lượt"), outcomes (rows),
    and the cases (cuộc) in which at least one subject was concluded in violation."""

    organisations: int = 0
    committee_members: int = 0
    members: int = 0
    organisation_cases: int = 0
    member_cases: int = 0
    violations: int = 0
    violations_discipline: int = 0
    signs_of_violation: int = 0
    no_shortcoming: int = 0
    shortcomings: int = 0
    plain_violations: int = 0  # "có vi phạm" not warranting discipline
    cases_with_violation: int = 0


KIND_FIELDS = [f.name for f in fields(KindFigures)]


def kind_rows(unit: OrgUnit, start: date, end: date, split: bool, by: dict | None = None):
    """Per performing row and kind (`of_kind`): the aggregates of KindFigures."""
    R = ConclusionResult
    org, member = Q(member__isnull=True), Q(member__isnull=False)
    by = by or {}
    return (
        counted_subjects(unit, start, end)
        .annotate(
            row_unit=F("inspection__unit_id"),
            g=group_key(split, "inspection__"),
            of_kind=F("inspection__kind"),
            **by,
        )
        .values("row_unit", "g", "of_kind", *by)
        .annotate(
            organisations=Count("unit_id", filter=org, distinct=True),
            committee_members=Count(
                "member_id", filter=Q(committee_unit__isnull=False), distinct=True
            ),
            members=Count("member_id", distinct=True),
            organisation_cases=Count("pk", filter=org),
            member_cases=Count("pk", filter=member),
            violations=Count("pk", filter=Q(result__in=VIOLATION_RESULTS)),
            violations_discipline=Count("pk", filter=Q(result=R.VIOLATION_DISCIPLINE)),
            signs_of_violation=Count("pk", filter=Q(result=R.SIGNS_OF_VIOLATION)),
            no_shortcoming=Count("pk", filter=Q(result=R.NO_SHORTCOMING)),
            shortcomings=Count("pk", filter=Q(result=R.SHORTCOMINGS)),
            plain_violations=Count("pk", filter=Q(result=R.VIOLATION)),
            cases_with_violation=Count(
                "inspection_id", filter=Q(result__in=VIOLATION_RESULTS), distinct=True
            ),
        )
        .order_by()
    )


def kind_figures(
    unit: OrgUnit, start: date, end: date, *, split: bool = False
) -> dict[tuple[str, str], KindFigures]:
    """{(row key, kind): KindFigures} for the inspections `count` counts (one aggregate query).
    Distinct subjects are distinct per body AND kind: a member met by one body in two kinds
    counts once in `count` and once in each kind here."""
    return {
        (row_key(r["row_unit"], r["g"]), r["of_kind"]): KindFigures(
            **{n: r[n] for n in KIND_FIELDS}
        )
        for r in kind_rows(unit, start, end, split)
    }


# --- follow-ups (kiến nghị) of the conclusions ----------------------------------------------------


@dataclass
class FollowUpFigures:
    done: int = 0  # carried out in [start, end]
    pending: int = 0  # not carried out at the end date
    overdue: int = 0  # of which past their due date at the end date


def counted_follow_ups(unit: OrgUnit, end: date) -> QuerySet[FollowUp]:
    """The recommendations of live inspections performed in U's subtree and decided by `end`,
    except those no longer to be carried out (cancelled: no date is kept, so they never
    count)."""
    return FollowUp.objects.filter(
        inspection__voided_at__isnull=True,
        inspection__unit__path__startswith=unit.path,
        inspection__decided_on__lte=end,
    ).exclude(status=FollowUpStatus.CANCELLED)


def follow_up_figures(unit: OrgUnit, start: date, end: date) -> FollowUpFigures:
    """Follow-ups done in [start, end] and pending at `end` (one aggregate query). A follow-up
    done after `end` was pending at `end`."""
    r = counted_follow_ups(unit, end).aggregate(
        **{name: Count("pk", filter=q) for name, q in follow_up_states(start, end).items()}
    )
    return FollowUpFigures(**r)


def follow_up_states(start: date, end: date) -> dict[str, Q]:
    """What `FollowUpFigures` counts, as filters of `counted_follow_ups` (the figures and the
    list behind each)."""
    done = Q(status=FollowUpStatus.DONE, done_on__lte=end)
    return {
        "done": done & Q(done_on__gte=start),
        "pending": ~done,
        "overdue": ~done & Q(due_on__lt=end),
    }


def drill_follow_ups(unit: OrgUnit, start: date, end: date, state: str) -> QuerySet[FollowUp]:
    """The follow-ups behind one figure of `follow_up_figures` ("all": done and pending)."""
    states = follow_up_states(start, end)
    q = states["done"] | states["pending"] if state == "all" else states[state]
    return (
        counted_follow_ups(unit, end)
        .filter(q)
        .select_related("inspection__body", "owner_unit", "subject")
        .order_by("due_on", "pk")
    )


def row_key(unit_id: int, g: int) -> str:
    return f"cu-{unit_id}" if g == COMMITTEE_GROUP else str(g)


def count(unit: OrgUnit, start: date, end: date, *, split: bool = False) -> Counts:
    """The figures of every performing body in U's subtree for decisions in [start, end]."""
    rows: dict[str, BodyRow] = {}
    for r in inspection_figures(unit, start, end, split):
        row = rows.setdefault(row_key(r["row_unit"], r["g"]), BodyRow())
        row.inspections, row.supervisions = r["n_inspections"], r["n_supervisions"]
        row.by_kind = {k: r[f"kind_{k}"] for k in InspectionKind.values if r[f"kind_{k}"]}
    for r in subject_figures(unit, start, end, split):
        row = rows.setdefault(row_key(r["row_unit"], r["g"]), BodyRow())
        row.organisations, row.committee_members = r["n_organisations"], r["n_committee"]
        row.members, row.violations = r["n_members"], r["n_violations"]
    _name_rows(unit, rows, end)
    ordered = sorted(rows.values(), key=lambda r: r.sort)
    own_total, total = Figures(), Figures()
    for row in ordered:
        total.add(row)
        if row.own:
            own_total.add(row)
    return Counts(unit, start, end, split, ordered, own_total, total)


def _name_rows(unit: OrgUnit, rows: dict[str, BodyRow], on: date) -> None:
    """Names and order: U's own bodies first (cấp ủy, ban thường vụ, UBKT), then by unit. A row
    is named as the reports write it on `on` (the range's last day), its full name beside."""
    body_ids = [int(k) for k in rows if not k.startswith("cu-")]
    unit_ids = [int(k[3:]) for k in rows if k.startswith("cu-")]
    bodies = with_short_names(
        Body.objects.filter(Q(pk__in=body_ids) | Q(unit_id__in=unit_ids, kind__in=COMMITTEE_KINDS)),
        on,
    )
    by_key: dict[str, Body] = {}
    for body in bodies.select_related("unit"):
        if body.kind in COMMITTEE_KINDS and body.unit_id in unit_ids:
            by_key.setdefault(f"cu-{body.unit_id}", body)
        by_key.setdefault(str(body.pk), body)
    for key, row in rows.items():
        body = by_key[key]
        merged = key.startswith("cu-")
        row.key = key
        if merged:
            row.name = f"{committee_of(body)} (gồm BTV)"
            row.full_name = committee_group_name(body.unit)
        else:
            row.name, row.full_name = str(short_name_of(body)), body.name
        row.unit_name, row.unit_path = body.unit.name, body.unit.path
        row.own = body.unit_id == unit.pk
        kind_rank = BODY_ORDER[BodyKind.COMMITTEE] if merged else BODY_ORDER.get(body.kind, 9)
        row.sort = (not row.own, body.unit.path, kind_rank, row.name)


def committee_group_name(unit: OrgUnit) -> str:
    return f"Cấp ủy {unit.name} (gồm Ban Thường vụ)"


# --- sums over groups of performing bodies (the reports) ----------------------------------------
# A row of `count` (a body, or a unit's committee and standing committee) has a PLACE relative to U
# — U's own, a grassroots organisation or a cell below one ("cơ sở", "dưới cơ sở"), or a unit
# between U and the grassroots — and a SIDE: the committee side (committee, standing committee,
# cell meeting), the UBKT, or another body. The reports sum the rows of each (place, side) in the
# database: the same per-row queries as `count`, grouped once more (`_summed`).

PLACE_OWN, PLACE_GRASSROOTS, PLACE_BETWEEN = "own", "grassroots", "between"
SIDE_COMMITTEE, SIDE_INSPECTION, SIDE_OTHER = "committee", "inspection", "other"
COMMITTEE_SIDE = (BodyKind.COMMITTEE, BodyKind.STANDING, BodyKind.CELL_MEETING)
GRASSROOTS_LEVELS = (Level.BASE, Level.BELOW_BASE)


def _own_q(unit: OrgUnit, prefix: str = "") -> Q:
    return Q(**{f"{prefix}unit_id": unit.pk})


def _grassroots_level_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}unit__kind__level__in": GRASSROOTS_LEVELS})


def _side_q(side: str, prefix: str = "") -> Q:
    committee = Q(**{f"{prefix}body__kind__in": COMMITTEE_SIDE})
    inspection = Q(**{f"{prefix}body__kind": BodyKind.INSPECTION})
    return {
        SIDE_COMMITTEE: committee,
        SIDE_INSPECTION: inspection,
        SIDE_OTHER: ~committee & ~inspection,
    }[side]


def place_q(unit: OrgUnit, place: str, prefix: str = "") -> Q:
    """The rows of one place relative to U (the drill-down of a body group filters by it)."""
    own, grassroots = _own_q(unit, prefix), _grassroots_level_q(prefix)
    return {
        PLACE_OWN: own,
        PLACE_GRASSROOTS: ~own & grassroots,
        PLACE_BETWEEN: ~own & ~grassroots,
    }[place]


def places(unit: OrgUnit, prefix: str = "") -> dict:
    """The annotations `place` and `side` of the performing body (functions of the row), by
    the rules of `place_q` and `_side_q`. The place reads the inspection's `unit` (the body's
    unit, kept beside it), already joined."""
    return {
        "place": Case(
            When(_own_q(unit, prefix), then=Value(PLACE_OWN)),
            When(_grassroots_level_q(prefix), then=Value(PLACE_GRASSROOTS)),
            default=Value(PLACE_BETWEEN),
            output_field=CharField(),
        ),
        "side": Case(
            When(_side_q(SIDE_COMMITTEE, prefix), then=Value(SIDE_COMMITTEE)),
            When(_side_q(SIDE_INSPECTION, prefix), then=Value(SIDE_INSPECTION)),
            default=Value(SIDE_OTHER),
            output_field=CharField(),
        ),
    }


def _summed(per_row: QuerySet, keys: tuple, sums: list[str], *, rows: bool = False) -> list[dict]:
    """The per-row aggregates `sums` of `per_row` summed over its rows, grouped by its
    annotations `keys`: one statement, the per-row query as a subquery. With `rows`, also the
    number of rows summed and the smallest `row_unit` and `g` (the row, when there is one)."""
    connection = connections[per_row.db]
    sql, params = per_row.query.get_compiler(per_row.db).as_sql()
    qn = connection.ops.quote_name
    group = ", ".join(qn(k) for k in keys)
    select = [*(qn(k) for k in keys), *(f"SUM({qn(s)})" for s in sums)]
    names = [*keys, *sums]
    if rows:
        select += ["COUNT(*)", f"MIN({qn('row_unit')})", f"MIN({qn('g')})"]
        names += ["rows", "row_unit", "g"]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(select)} FROM ({sql}) per_row GROUP BY {group}", params)
        out = []
        for values in cursor.fetchall():
            r = dict(zip(keys, values, strict=False))
            r.update(
                {
                    n: int(v or 0)
                    for n, v in zip(names[len(keys) :], values[len(keys) :], strict=True)
                }
            )
            out.append(r)
        return out


@dataclass
class GroupFigures(Figures):
    """The figures of the rows of one (place, side), summed: what `count` says of each row,
    added up (distinct subjects per row, then summed)."""

    rows: int = 0  # rows of `count` summed here
    key: str = ""  # the row's key when there is one row (the drill-down's `co-quan`)


def group_counts(unit: OrgUnit, start: date, end: date) -> dict[tuple[str, str], GroupFigures]:
    """{(place, side): GroupFigures} over the rows of `count(unit, start, end)` (committee and
    standing committee merged): one aggregate query (`row_figures` summed)."""
    kinds = [f"kind_{k}" for k in InspectionKind.values]
    subjects = ["n_organisations", "n_committee", "n_members", "n_violations"]
    out: dict[tuple[str, str], GroupFigures] = {}
    per_row = row_figures(unit, start, end, False, places(unit))
    sums = ["n_inspections", "n_supervisions", *kinds, *subjects]
    for r in _summed(per_row, ("place", "side"), sums, rows=True):
        out[r["place"], r["side"]] = GroupFigures(
            inspections=r["n_inspections"],
            supervisions=r["n_supervisions"],
            by_kind={k: r[f"kind_{k}"] for k in InspectionKind.values if r[f"kind_{k}"]},
            organisations=r["n_organisations"],
            committee_members=r["n_committee"],
            members=r["n_members"],
            violations=r["n_violations"],
            rows=r["rows"],
            key=row_key(r["row_unit"], r["g"]),
        )
    return out


def group_kind_figures(
    unit: OrgUnit, start: date, end: date
) -> dict[tuple[str, str, str], KindFigures]:
    """{(place, side, kind): KindFigures} over the rows of `kind_figures(unit, start, end)`,
    summed per (place, side): one aggregate query."""
    per_row = kind_rows(unit, start, end, False, places(unit, "inspection__"))
    return {
        (r["place"], r["side"], r["of_kind"]): KindFigures(**{n: r[n] for n in KIND_FIELDS})
        for r in _summed(per_row, ("place", "side", "of_kind"), KIND_FIELDS)
    }


# --- the drill-down: the rows behind one number --------------------------------------------------


OWN = "own"  # the bodies of U itself (the "sum" row of U)


# Groups of performing bodies (the report's rows "cấp ủy cơ sở", "ủy ban kiểm tra các cấp", …),
# by the place and side of the body (`place_q`, `_side_q`: the rules the report's sums group by).
BODY_GROUPS = {
    "nhom-cap-uy": "Cấp ủy (gồm ban thường vụ) của {unit}",
    "nhom-ubkt": "Ủy ban kiểm tra của {unit}",
    "nhom-cap-uy-co-so": "Cấp ủy cơ sở (đảng ủy, chi bộ cơ sở, chi bộ trực thuộc) thuộc {unit}",
    "nhom-ubkt-co-so": "Ủy ban kiểm tra cơ sở thuộc {unit}",
    "nhom-cap-uy-cac-cap": "Cấp ủy các cấp trong {unit}",
    "nhom-ubkt-cac-cap": "Ủy ban kiểm tra các cấp trong {unit}",
}


def _group_filter(unit: OrgUnit, key: str, prefix: str = "") -> Q:
    """A group of `BODY_GROUPS`: own bodies of U, grassroots bodies below U, or every level."""
    side = _side_q(SIDE_INSPECTION if key.startswith("nhom-ubkt") else SIDE_COMMITTEE, prefix)
    if key.endswith("-co-so"):
        return side & place_q(unit, PLACE_GRASSROOTS, prefix)
    if key.endswith("-cac-cap"):
        return side
    return side & place_q(unit, PLACE_OWN, prefix)


def _body_filter(unit: OrgUnit, key: str, prefix: str = "") -> Q:
    """Rows of one performing body (or one committee group, as `row_key` names it, U's own
    bodies, or a group of `BODY_GROUPS`)."""
    if key in BODY_GROUPS:
        return _group_filter(unit, key, prefix)
    if key == OWN:
        return Q(**{f"{prefix}unit_id": unit.pk})
    if key.startswith("cu-"):
        return Q(
            **{
                f"{prefix}unit_id": int(key[3:]),
                f"{prefix}body__kind__in": COMMITTEE_KINDS,
            }
        )
    return Q(**{f"{prefix}body_id": int(key)})


def valid_body_key(key: str) -> bool:
    return (
        key in ("", OWN, *BODY_GROUPS)
        or key.isdigit()
        or (key.startswith("cu-") and key[3:].isdigit())
    )


def body_label(unit: OrgUnit, key: str) -> str | None:
    """What a drill-down's `co-quan` names; None for a body outside U's subtree."""
    if key == "":
        return f"Các cơ quan của {unit.name} và của tổ chức đảng trực thuộc"
    if key == OWN:
        return f"Cấp ủy và Ủy ban Kiểm tra {unit.name}"
    if key in BODY_GROUPS:
        return BODY_GROUPS[key].format(unit=unit.name)
    under = Q(unit__path__startswith=unit.path)
    if key.startswith("cu-"):
        row = OrgUnit.objects.filter(Q(path__startswith=unit.path), pk=int(key[3:])).first()
        return committee_group_name(row) if row else None
    body = Body.objects.filter(under, pk=int(key)).first()
    return body.name if body else None


SUBJECT_FILTERS = {
    ORGANISATIONS: Q(member__isnull=True),
    COMMITTEE_MEMBERS: Q(committee_unit__isnull=False),
    MEMBERS: Q(member__isnull=False),
    VIOLATIONS: Q(result__in=VIOLATION_RESULTS),
    VIOLATIONS_DISCIPLINE: Q(result=ConclusionResult.VIOLATION_DISCIPLINE),
    SIGNS: Q(result=ConclusionResult.SIGNS_OF_VIOLATION),
    ORGANISATION_CASES: Q(member__isnull=True),
    MEMBER_CASES: Q(member__isnull=False),
    NO_SHORTCOMING: Q(result=ConclusionResult.NO_SHORTCOMING),
    SHORTCOMINGS: Q(result=ConclusionResult.SHORTCOMINGS),
    NOT_FOR_DISCIPLINE: Q(result__in=(ConclusionResult.SHORTCOMINGS, ConclusionResult.VIOLATION)),
}


def drill_subjects(
    unit: OrgUnit, start: date, end: date, metric: str, body_key: str = "", kind: str = ""
) -> QuerySet[InspectionSubject]:
    """The subject rows behind a subject number (a subject met twice by one body is two rows
    here and one in a distinct count), of one kind of inspection or supervision if given."""
    rows = counted_subjects(unit, start, end)
    if body_key:
        rows = rows.filter(_body_filter(unit, body_key, "inspection__"))
    if kind:
        rows = rows.filter(inspection__kind=kind)
    rows = rows.filter(SUBJECT_FILTERS[metric])
    return rows.select_related("inspection__body", "unit", "member", "committee_unit").order_by(
        "name", "member_id", "unit_id", "inspection__decided_on", "pk"
    )


def drill_inspections(
    unit: OrgUnit, start: date, end: date, metric: str, body_key: str = "", kind: str = ""
) -> QuerySet[Inspection]:
    rows = counted_inspections(unit, start, end)
    if body_key:
        rows = rows.filter(_body_filter(unit, body_key))
    if metric == CASES_WITH_VIOLATION:
        found = InspectionSubject.objects.filter(
            inspection=OuterRef("pk"), result__in=VIOLATION_RESULTS
        )
        rows = rows.filter(Exists(found))
    elif metric == INSPECTIONS:
        rows = rows.exclude(kind__in=SUPERVISION_KINDS)
    elif metric == SUPERVISIONS:
        rows = rows.filter(kind__in=SUPERVISION_KINDS)
    elif metric != ALL:
        rows = rows.filter(kind=metric)
    if kind:
        rows = rows.filter(kind=kind)
    return rows.select_related("body").order_by("decided_on", "pk")


def distinct_subjects(rows: list[InspectionSubject], metric: str, split: bool = False) -> int:
    """What the figures say for these drill-down rows: distinct subjects per performing body
    (committee and standing merged unless split), summed; violations are counted as rows."""
    if metric in ROW_METRICS:
        return len(rows)
    seen = set()
    for row in rows:
        body = row.inspection.body
        merged = not split and body.kind in COMMITTEE_KINDS
        group = f"cu-{body.unit_id}" if merged else str(body.pk)
        seen.add((group, row.member_id or f"u{row.unit_id}"))
    return len(seen)
