"""Reads of inspections and supervisions, limited to what the user may see.

List pages use a fixed number of queries whatever the number of rows: the subjects come in one
prefetch, the next open step of each inspection in one subquery.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from ktgs.accounts.access import RECORDS_CHANGE, RECORDS_VIEW
from ktgs.inspections.choices import SUPERVISION_KINDS, FollowUpStatus
from ktgs.inspections.models import FollowUp, Inspection, InspectionStep, InspectionSubject
from ktgs.rules.calendar import add_working_days

WARN_WORKING_DAYS = 5  # amber from 5 working days before a due date

__all__ = ["RECORDS_CHANGE", "RECORDS_VIEW"]


def soon_limit(today: date | None = None) -> date:
    """Due on or before this day and not done: "sắp đến hạn" (amber)."""
    return add_working_days(today or timezone.localdate(), WARN_WORKING_DAYS)


def due_state(due_on: date | None, done: bool, today: date, limit: date) -> str:
    """ "done", "none" (no due date), "late" (red), "soon" (amber) or "ok"."""
    if done:
        return "done"
    if due_on is None:
        return "none"
    if due_on < today:
        return "late"
    if due_on <= limit:
        return "soon"
    return "ok"


def visible_inspections(scope, *, listing: bool = False) -> QuerySet[Inspection]:
    """`listing`: for a list of the user's inspections (`Scope.visible`)."""
    return scope.visible(Inspection.objects.live(), listing=listing)


def inspection_get(*, scope, pk: int) -> Inspection | None:
    row = (
        Inspection.objects.live()
        .filter(pk=pk)
        .select_related("body", "unit__kind", "programme_item__programme", "origin")
        .first()
    )
    return row if row is not None and scope.sees(row) else None


def may_change(scope, inspection: Inspection) -> bool:
    """Writes belong to the performing unit's side (`Inspection.change_unit_paths`)."""
    return scope.may_change(inspection)


@dataclass(frozen=True)
class ListFilter:
    kind: str = ""
    unit_path: str = ""  # performing units in this subtree
    year: int | None = None
    state: str = ""  # "open", "concluded"
    q: str = ""
    subject_member: object = None  # a subject is this member
    subject_path: str = ""  # a subject (organisation or member) lies in this subtree


def inspection_list(*, scope, f: ListFilter) -> QuerySet[Inspection]:
    rows = visible_inspections(scope, listing=True)
    if f.kind == "inspection":
        rows = rows.exclude(kind__in=SUPERVISION_KINDS)
    elif f.kind == "supervision":
        rows = rows.filter(kind__in=SUPERVISION_KINDS)
    elif f.kind:
        rows = rows.filter(kind=f.kind)
    if f.unit_path:
        rows = rows.filter(unit__path__startswith=f.unit_path)
    if f.year:
        rows = rows.filter(decided_on__year=f.year)
    if f.state == "open":
        rows = rows.filter(concluded_on__isnull=True)
    elif f.state == "concluded":
        rows = rows.filter(concluded_on__isnull=False)
    if f.q:
        rows = rows.filter(Q(topic__icontains=f.q) | Q(decision_number__icontains=f.q))
    if f.subject_member is not None or f.subject_path:
        rows = rows.filter(subject_filter(member=f.subject_member, unit_path=f.subject_path))
    return _shown(rows)


def _shown(rows: QuerySet[Inspection]) -> QuerySet[Inspection]:
    """What the list shows of each of `rows`: its body and unit, its next open step and that
    step's due date, its subjects' names; the newest decision first."""
    open_steps = InspectionStep.objects.filter(
        inspection=OuterRef("pk"), done_on__isnull=True, skipped=False
    ).order_by("position")
    return (
        rows.select_related("body", "unit")
        .annotate(
            next_step=Subquery(open_steps.values("step")[:1]),
            next_due=Subquery(open_steps.values("due_on")[:1]),
        )
        .prefetch_related(
            Prefetch("subjects", queryset=InspectionSubject.objects.only("inspection_id", "name"))
        )
        .order_by("-decided_on", "-pk")
    )


def inspection_list_read() -> QuerySet[Inspection]:
    """Where the list reads its page's rows by id (`keyset_page(read=…)`): the ids are walked
    in `inspection_list`, whose access filter would cost more to apply again to them."""
    return _shown(Inspection.objects.all())


def due_steps(*, scope, today: date, limit: date) -> QuerySet[InspectionStep]:
    """Open steps due on or before `limit` (soon or late) of visible open inspections."""
    return (
        InspectionStep.objects.filter(
            done_on__isnull=True,
            skipped=False,
            due_on__isnull=False,
            due_on__lte=limit,
            inspection__in=visible_inspections(scope).filter(concluded_on__isnull=True),
        )
        .select_related("inspection__body")
        .order_by("due_on", "inspection_id")
    )


def open_follow_ups(*, scope) -> QuerySet[FollowUp]:
    """Open follow-ups of visible inspections, overdue first (then by due date)."""
    return (
        FollowUp.objects.filter(
            status=FollowUpStatus.OPEN, inspection__in=visible_inspections(scope)
        )
        .select_related("owner_unit", "inspection", "subject")
        .order_by("due_on", "pk")
    )


# --- a member's or a unit's story: what they were a subject of ------------------------------


SUBJECT_UNIT_PATH = "subjects__unit__path"  # an inspection is read through its subjects' units


def subjects_of(*, member=None, unit=None) -> QuerySet[InspectionSubject]:
    """The subject rows of `member` (or of `unit`: the organisation, or a member of this cell
    on the decision date) in live inspections, whoever may see them."""
    mine = InspectionSubject.objects.filter(inspection__voided_at__isnull=True)
    return mine.filter(member=member) if member is not None else mine.filter(unit=unit)


def subject_rows(
    *, scope, member=None, unit=None, limit: int, total: int | None = None
) -> tuple[list, int]:
    """The rows of `subjects_of(member, unit)` in inspections the user sees, newest first, at
    most `limit`, with their inspection, body, follow-ups and discipline proposal; and how many
    rows of inspections the user does not see have it (scope or clearance). `total`: how many
    rows `subjects_of` holds, when the caller has counted them. At most four queries whatever
    the number: none or one when there is none (most members and units: the joins below are
    then not even planned), two or three when the user sees every row (the rows not seen are
    then not counted)."""
    mine = subjects_of(member=member, unit=unit)
    total = mine.count() if total is None else total
    if not total:
        return [], 0
    if unit is not None and scope.reads_through(Inspection, SUBJECT_UNIT_PATH, unit.path):
        seen = mine.filter(inspection__secrecy__in=scope.secrecy_levels)  # no other path joined
    else:
        seen = mine.filter(inspection__in=visible_inspections(scope).values("pk"))
    rows = list(
        seen.select_related("inspection__body", "discipline_proposal")
        .prefetch_related(
            Prefetch(
                "follow_ups",
                queryset=FollowUp.objects.select_related("owner_unit").order_by("due_on", "pk"),
            )
        )
        .order_by("-inspection__decided_on", "-inspection_id", "pk")[:limit]
    )
    if len(rows) == total:  # every row is seen (and listed): none hidden
        return rows, 0
    hidden = mine.exclude(pk__in=seen.values("pk")).values("inspection_id").distinct().count()
    return rows, hidden


def subject_filter(*, member=None, unit_path: str = "") -> Q:
    """Q on Inspection: a subject is `member`, or lies in the subtree `unit_path` (an
    organisation there, or a member whose cell on the decision date was there)."""
    subjects = InspectionSubject.objects.filter(inspection=OuterRef("pk"))
    if member is not None:
        subjects = subjects.filter(member=member)
    if unit_path:
        subjects = subjects.filter(unit__path__startswith=unit_path)
    return Q(Exists(subjects))
