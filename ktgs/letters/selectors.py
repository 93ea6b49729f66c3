"""Reads of letters, always through the user's scope (`accounts.access`): a letter outside it —
or about the user's own unit — is as missing as one that does not exist. No read here returns
a filer field: the identity is read only by `identity.identity_read`."""

from dataclasses import dataclass
from datetime import date

from django.db.models import BooleanField, Case, Exists, OuterRef, Value, When

from ktgs.accounts.access import RECORDS_CHANGE, RECORDS_VIEW
from ktgs.letters import counting
from ktgs.letters.models import Letter, LetterItem, LetterLink

__all__ = [
    "RECORDS_CHANGE",
    "RECORDS_VIEW",
    "LetterFilter",
    "letter_get",
    "letter_list",
    "links_visible",
]

# Fields a list or a page may load; the filer's tokens are deferred so they never travel
# with a row that is not the identity read.
FILER_FIELDS = ("filer_name", "filer_address", "filer_phone", "filer_citizen_id")


def visible_letters(scope):
    return scope.visible(Letter.objects.live()).defer(*FILER_FIELDS)


# The dates a list may be filtered on: the day the letter was received, routed, accepted for
# resolution, concluded — the dates `counting` counts each figure by.
DATE_FIELDS = ("received_on", "routed_on", "accepted_on", "concluded_on")
ANY_ITEM_VERDICT = "*"  # LetterFilter.item_verdict: any item with a verdict


@dataclass(frozen=True)
class LetterFilter:
    """What the letters list is filtered on (`filters.read_list_query` reads it from the page's
    query); each field empty / None is no filter. Each filter is the condition `counting` counts
    a figure by, so a figure's link lists exactly the letters it counts."""

    unit_path: str = ""  # the receiving body's unit and its subtree
    date_field: str = "received_on"  # one of DATE_FIELDS: what `start` / `end` bound
    start: date | None = None
    end: date | None = None
    kind: str = ""
    anonymous: bool | None = None
    status: str = ""
    ground: str = ""
    verdict: str = ""  # the whole letter's (counting.LETTER_VERDICT_Q)
    item_verdict: str = ""  # a letter with at least one item of it (or ANY_ITEM_VERDICT)
    pending_on: date | None = None  # being resolved on that day (counting.pending_on)
    overdue: bool = False  # of those, past their due date on that day (counting.overdue_on)


def filter_letters(rows, f: LetterFilter):
    if f.unit_path:
        rows = rows.filter(unit__path__startswith=f.unit_path)
    if f.start:
        rows = rows.filter(**{f"{f.date_field}__gte": f.start})
    if f.end:
        rows = rows.filter(**{f"{f.date_field}__lte": f.end})
    if f.kind:
        rows = rows.filter(kind=f.kind)
    if f.anonymous is not None:
        rows = rows.filter(anonymous=f.anonymous)
    if f.status:
        rows = rows.filter(status=f.status)
    if f.ground:
        rows = rows.filter(ground=f.ground)
    if f.pending_on:
        day = f.pending_on
        rows = rows.filter(counting.overdue_on(day) if f.overdue else counting.pending_on(day))
    if f.item_verdict:
        rows = rows.filter(Exists(_items_of(f.item_verdict).filter(letter=OuterRef("pk"))))
    if f.verdict:
        rows = counting.with_item_tallies(rows).filter(counting.LETTER_VERDICT_Q[f.verdict])
    return rows


def _items_of(verdict: str):
    items = LetterItem.objects.all()
    return (
        items.exclude(verdict="") if verdict == ANY_ITEM_VERDICT else items.filter(verdict=verdict)
    )


def items_count(rows, verdict: str) -> int:
    """How many items of the letters `rows` have the verdict (any, for ANY_ITEM_VERDICT): the
    figure «nội dung đã kết luận» of those letters."""
    return _items_of(verdict).filter(letter__in=rows.order_by().values("pk")).count()


def letter_list(*, scope, f: LetterFilter | None = None, figures: bool = False):
    """The letters of the filter, newest first. `figures`: every live letter the filter takes,
    whatever the reader may see (the rows behind a figure; the caller has checked RECORDS_VIEW
    on the filter's unit), each marked `restricted` when the reader may not see it — a page
    shows such a row without its number, summary or accused; otherwise only the letters the
    reader sees (`restricted` False)."""
    f = f or LetterFilter()
    if figures:
        seen = visible_letters(scope).filter(pk=OuterRef("pk"))
        rows = Letter.objects.live().defer(*FILER_FIELDS)
        rows = filter_letters(rows, f).annotate(
            restricted=Case(When(Exists(seen), then=Value(False)), default=Value(True))
        )
    else:
        rows = filter_letters(visible_letters(scope), f).annotate(
            restricted=Value(False, output_field=BooleanField())
        )
    return (
        rows.select_related("body", "unit")
        .prefetch_related("accused_members", "accused_units")
        .order_by("-received_on", "-number", "-pk")
    )


def letter_get(*, scope, pk: int) -> Letter | None:
    letter = (
        scope.visible(Letter.objects.live())
        .select_related("body", "unit", "handler")
        .prefetch_related("accused_members", "accused_units", "items")
        .filter(pk=pk)
        .first()
    )
    return letter


def links_visible(scope, letter: Letter) -> list[tuple[Letter, LetterLink]]:
    """The letters this one is linked with (either way) that the user sees."""
    seen = {
        row.pk: row
        for row in visible_letters(scope).filter(pk__in=_linked_ids(letter)).select_related("body")
    }
    out = []
    for link in LetterLink.objects.filter(letter=letter):
        if link.earlier_id in seen:
            out.append((seen[link.earlier_id], link))
    for link in LetterLink.objects.filter(earlier=letter):
        if link.letter_id in seen:
            out.append((seen[link.letter_id], link))
    return out


def _linked_ids(letter: Letter) -> set[int]:
    ids = set(LetterLink.objects.filter(letter=letter).values_list("earlier_id", flat=True))
    ids |= set(LetterLink.objects.filter(earlier=letter).values_list("letter_id", flat=True))
    return ids
