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

Aggregate queries only: one for the figures, one for the names of the bodies.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import (
    Case,
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

from ktgs.core.choices import DisciplineForm, DisciplineSubject
from ktgs.discipline.choices import AppealOutcome
from ktgs.discipline.models import Appeal, Decision
from ktgs.orgs.choices import Level
from ktgs.orgs.models import Body, OrgUnit
from ktgs.orgs.shortnames import GRASSROOTS_GROUP, short_name_of, with_short_names

GRASSROOTS_LEVELS = (Level.BASE, Level.BELOW_BASE)
GRASSROOTS = "co-so"  # the key of the grassroots row (and of the list's filter)
GRASSROOTS_NAME = "Đảng ủy, chi bộ cơ sở (gồm chi bộ trực thuộc)"
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


@dataclass
class BodyRow:
    key: str  # a body id, or GRASSROOTS
    name: str = ""  # as the reports write it (orgs.shortnames): "UBKT Tỉnh ủy"
    full_name: str = ""  # the body's name on record, shown as the row's title
    sort: tuple = ()
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


def group_key(unit: OrgUnit):
    """The deciding body's id, or 0 for the grassroots row."""
    return Case(
        When(_grassroots_q(unit), then=Value(0)), default=F("body_id"), output_field=IntegerField()
    )


def count(unit: OrgUnit, start: date, end: date) -> Figures:
    org = Q(subject_kind=DisciplineSubject.ORGANISATION)
    rows_q = (
        counted(unit, start, end)
        .annotate(g=group_key(unit))
        .values("g", "form")
        .annotate(
            n_org=Count("pk", filter=org),
            n_members=Count("pk", filter=~org),
            n_committee=Count("pk", filter=~org & Q(committee_unit__isnull=False)),
        )
        .order_by()
    )
    rows: dict[str, BodyRow] = {}
    total = BodyRow("")
    for r in rows_q:
        key = GRASSROOTS if r["g"] == 0 else str(r["g"])
        row = rows.setdefault(key, BodyRow(key))
        for target in (row, total):
            target.organisations.add(r["form"], r["n_org"])
            target.members.add(r["form"], r["n_members"])
            target.committee_members.add(r["form"], r["n_committee"])
    _name_rows(rows, end)
    return Figures(unit, start, end, sorted(rows.values(), key=lambda r: r.sort), total)


KIND_ORDER = {"committee": 0, "standing": 1, "inspection": 2, "cell_meeting": 3}


def _name_rows(rows: dict[str, BodyRow], on: date) -> None:
    """Names and order: the highest units first (by path length), then committee, standing
    committee, UBKT; the grassroots row last. A row is named as the reports write it on `on`
    (the range's last day, `orgs.shortnames`), its full name beside."""
    ids = [int(k) for k in rows if k != GRASSROOTS]
    for body in with_short_names(Body.objects.filter(pk__in=ids).select_related("unit"), on):
        row = rows[str(body.pk)]
        row.name, row.full_name = str(short_name_of(body)), body.name
        row.sort = (0, len(body.unit.path), body.unit.path, KIND_ORDER.get(body.kind, 9))
    if GRASSROOTS in rows:
        rows[GRASSROOTS].name = GRASSROOTS_GROUP
        rows[GRASSROOTS].full_name = GRASSROOTS_NAME
        rows[GRASSROOTS].sort = (1,)


# --- the rows behind a number (and the list's filters) -------------------------------------------


def valid_body_key(key: str) -> bool:
    return key in ("", GRASSROOTS) or key.isdigit()


def body_filter(unit: OrgUnit | None, key: str) -> Q:
    """Decisions of one deciding body, or of the grassroots row (relative to U)."""
    if not key:
        return Q()
    if key == GRASSROOTS:
        if unit is None:
            return Q(body__unit__kind__level__in=GRASSROOTS_LEVELS)
        return _grassroots_q(unit)
    return Q(body_id=int(key))


def metric_filter(metric: str) -> Q:
    org = Q(subject_kind=DisciplineSubject.ORGANISATION)
    return {
        ORGANISATIONS: org,
        MEMBERS: ~org,
        COMMITTEE_MEMBERS: ~org & Q(committee_unit__isnull=False),
    }.get(metric, Q())
