"""Reads of programmes, limited to what the user may see, and their progress.

A programme is seen by whoever may read records in its body's unit (`records.view`). An item
is "planned" until a live inspection is created from it, then "started", and "concluded" once
such an inspection has its conclusion notice (`concluded_on`). Progress counts every live
inspection whatever the reader's clearance (an official figure); links go only to the
inspections the reader may open. Fixed number of queries whatever the number of items.
"""

from dataclasses import dataclass, field

from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from ktgs.accounts.access import RECORDS_CHANGE, RECORDS_VIEW
from ktgs.inspections.models import Inspection
from ktgs.orgs.models import Body
from ktgs.programmes.models import Programme, ProgrammeItem, ProgrammeItemSubject
from ktgs.programmes.services import PROGRAMME_BODIES

PLANNED, STARTED, CONCLUDED = "planned", "started", "concluded"
STATUS_LABELS = {PLANNED: "Chưa thực hiện", STARTED: "Đang thực hiện", CONCLUDED: "Đã kết luận"}
QUARTERS = (1, 2, 3, 4)
ROMAN = ("I", "II", "III", "IV")

__all__ = ["RECORDS_CHANGE", "RECORDS_VIEW"]


# --- programmes -------------------------------------------------------------------------------


def visible_programmes(scope) -> QuerySet[Programme]:
    return Programme.objects.live().filter(scope.q("body__unit__path", action=RECORDS_VIEW))


def programme_get(*, scope, pk: int) -> Programme | None:
    return visible_programmes(scope).filter(pk=pk).select_related("body__unit").first()


def may_change(scope, programme: Programme) -> bool:
    """The programme's own rule (`Programme.change_unit_paths`) for it and its items."""
    return scope.may_change(programme)


def _live_inspections(prefix: str = "") -> Q:
    return Q(
        **{f"{prefix}inspections__isnull": False, f"{prefix}inspections__voided_at__isnull": True}
    )


def programme_list(*, scope, year: int | None = None, body_id: int | None = None):
    """Visible programmes with their item counts: planned (all items), started, concluded."""
    rows = visible_programmes(scope)
    if year:
        rows = rows.filter(year=year)
    if body_id:
        rows = rows.filter(body_id=body_id)
    concluded = _live_inspections("items__") & Q(items__inspections__concluded_on__isnull=False)
    return (
        rows.select_related("body__unit")
        .annotate(
            n_items=Count("items", distinct=True),
            n_started=Count("items", filter=_live_inspections("items__"), distinct=True),
            n_concluded=Count("items", filter=concluded, distinct=True),
        )
        .order_by("-year", "body__unit__path", "body__kind")
    )


def programme_bodies(*, scope) -> QuerySet[Body]:
    """Bodies that have a programme the user sees (the list's filter)."""
    return (
        Body.objects.filter(pk__in=visible_programmes(scope).values("body_id"))
        .select_related("unit")
        .order_by("unit__path", "kind")
    )


def programme_years(*, scope) -> list[int]:
    return list(
        visible_programmes(scope).order_by("-year").values_list("year", flat=True).distinct()
    )


def bodies_for_create(*, scope) -> QuerySet[Body]:
    """Committees, standing committees and UBKTs of units where the user may write records."""
    return (
        Body.objects.filter(
            scope.q("unit__path", action=RECORDS_CHANGE),
            kind__in=PROGRAMME_BODIES,
            unit__voided_at__isnull=True,
            unit__closed_on__isnull=True,
        )
        .select_related("unit")
        .order_by("unit__path", "kind")
    )


# --- items and progress ---------------------------------------------------------------------


def _planned_quarter():
    """The item's quarter, or its month's quarter when only the month is stored."""
    by_month = Case(
        When(month__lte=3, then=Value(1)),
        When(month__lte=6, then=Value(2)),
        When(month__lte=9, then=Value(3)),
        When(month__lte=12, then=Value(4)),
        default=None,
        output_field=IntegerField(),
    )
    return Coalesce("quarter", by_month, output_field=IntegerField())


def _with_status(items: QuerySet[ProgrammeItem]) -> QuerySet[ProgrammeItem]:
    live = Inspection.objects.live().filter(programme_item=OuterRef("pk"))
    return items.annotate(
        started=Exists(live),
        concluded=Exists(live.filter(concluded_on__isnull=False)),
        planned_q=_planned_quarter(),
    )


def item_list(*, scope, programme: Programme) -> list[ProgrammeItem]:
    """The programme's items with `status`, their subjects and the inspections made from them
    that the user may open (`shown_inspections`); 4 queries."""
    visible = scope.visible(Inspection.objects.live()).order_by("decided_on", "pk")
    subjects = ProgrammeItemSubject.objects.select_related("unit", "member").order_by("pk")
    items = list(
        _with_status(programme.items.all())
        .prefetch_related(
            Prefetch("subjects", queryset=subjects),
            Prefetch("inspections", queryset=visible, to_attr="shown_inspections"),
        )
        .order_by("position")
    )
    levels = set(scope.secrecy_levels)
    for item in items:  # the programme's own rows, already fetched: no query
        item.status = CONCLUDED if item.concluded else STARTED if item.started else PLANNED
        item.status_label = STATUS_LABELS[item.status]
        item.subject_rows = [
            (s, s.member_id is None or s.member.secrecy in levels) for s in item.subjects.all()
        ]
    return items


@dataclass
class Tally:
    label: str
    planned: int = 0
    started: int = 0
    concluded: int = 0

    def percent(self, n: int) -> int:
        return round(100 * n / self.planned) if self.planned else 0

    @property
    def started_percent(self) -> int:
        return self.percent(self.started)

    @property
    def concluded_percent(self) -> int:
        return self.percent(self.concluded)


@dataclass
class Progress:
    total: Tally
    quarters: list[Tally] = field(default_factory=list)


def programme_progress(programme: Programme) -> Progress:
    """Planned / started / concluded items, overall and per quarter: one grouped query.
    ("Started" counts items started or concluded; "concluded" those concluded.)"""
    rows = (
        _with_status(ProgrammeItem.objects.filter(programme=programme))
        .values("planned_q")
        .annotate(
            planned=Count("pk"),
            started_n=Count("pk", filter=Q(started=True)),
            concluded_n=Count("pk", filter=Q(concluded=True)),
        )
        .order_by("planned_q")
    )
    by_q = {r["planned_q"]: r for r in rows}
    quarters = []
    for q in QUARTERS:
        r = by_q.get(q, {})
        quarters.append(
            Tally(
                f"Quý {ROMAN[q - 1]}",
                r.get("planned", 0),
                r.get("started_n", 0),
                r.get("concluded_n", 0),
            )
        )
    total = Tally(
        "Cả năm",
        sum(r["planned"] for r in by_q.values()),
        sum(r["started_n"] for r in by_q.values()),
        sum(r["concluded_n"] for r in by_q.values()),
    )
    return Progress(total=total, quarters=quarters)
