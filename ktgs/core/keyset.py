"""Keyset pages of a long list, and counts capped above a limit (docs/decisions/0012).

A page is found by the row it starts after (`?sau=<id>`) or ends before (`?truoc=<id>`), or is
the last one (`?cuoi=1`): one indexed range read of `size + 1` rows in the list's order, whatever
how deep the page lies — an offset (`?page=9000`) would read and throw away every row before it.
Rows added or removed between two requests never make a page skip or repeat a row: the next page
starts strictly after the last row shown, in the order (sort fields…, unique field).

A list's order is a tuple of field names, the last one unique; a name written "-field" runs
newest (largest) first, as the audit trail's `("-seq",)`.

The cursor is a row's id, looked up only within the list itself (or, when the row has left the
list since, within `fallback`, the rows the user may see): a crafted id outside the user's reach
positions nothing and reveals nothing; the list starts again from its first page.

The number of rows is counted up to `cap + 1` only (`SELECT COUNT(*) FROM (… LIMIT cap + 1)`):
a list of millions costs what a list of `cap` costs; the page says "hơn 10.000" (a list filtered
by a typed name: "hơn 1.000"). A list that fits on its page is not counted: its rows are its
count.
"""

from contextlib import contextmanager
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connections, transaction
from django.db.models import Q, QuerySet

DEFAULT_COUNT_CAP = 10_000
DEFAULT_SEARCH_COUNT_CAP = 1_000

AFTER, BEFORE, LAST = "sau", "truoc", "cuoi"
PARAMS = (AFTER, BEFORE, LAST, "page")  # "page": the offset pages' parameter, no longer read
CURSOR_GONE = (
    "Đảng viên làm mốc của trang này không còn trong danh sách (đã chuyển đi hoặc đã đổi tên); "
    "danh sách hiện lại từ trang đầu."
)


def count_cap() -> int:
    return int(getattr(settings, "KTGS_COUNT_CAP", DEFAULT_COUNT_CAP))


def search_count_cap() -> int:
    """The cap of a list filtered by a typed name: such a list is read to find someone, and
    "hơn 1.000" says to type more; counting further would cost the most on the most common
    names (docs/decisions/0012)."""
    return int(getattr(settings, "KTGS_SEARCH_COUNT_CAP", DEFAULT_SEARCH_COUNT_CAP))


@dataclass
class Capped:
    """A count up to a cap: `value` exact when `more` is False, else "more than `value`"."""

    value: int
    more: bool


@contextmanager
def serial(using: str):
    """The queries inside run without PostgreSQL's parallel workers (`SET LOCAL
    max_parallel_workers_per_gather = 0`), in a transaction of their own, or inside a caller's in
    a savepoint rolled back after them (the setting goes with it: they must only read). Nothing
    on other engines."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield
        return
    inside = connection.in_atomic_block
    with transaction.atomic(using=using, savepoint=False):
        mark = transaction.savepoint(using=using) if inside else None
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        try:
            yield
        finally:
            if mark is not None:
                transaction.savepoint_rollback(mark, using=using)


def capped_count(rows: QuerySet, cap: int | None = None) -> Capped:
    """At most `cap + 1` rows counted: one LIMITed subquery.

    On PostgreSQL the count runs without parallel workers (`serial`): for a count bounded by its
    cap, parallel workers cost more CPU than they save time (a province's
    1,001 "nguyen van" at the nation tier: 13 ms with two workers, 7 ms without; its first 10,001
    members: 11 ms, 4 ms), and under concurrent use they take the cores other requests are
    waiting for (docs/benchmarks.md)."""
    cap = count_cap() if cap is None else cap
    counted = rows.order_by().values("pk")[: cap + 1]
    with serial(rows.db):
        n = counted.count()
    return Capped(value=min(n, cap), more=n > cap)


@dataclass
class KeysetPage:
    object_list: list
    has_previous: bool
    has_next: bool
    count: Capped
    first_id: int | None = None  # the ids the links carry
    last_id: int | None = None
    notice: str = ""  # the cursor was not found: said above the list
    params: dict = field(default_factory=dict)

    @property
    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)


def cursor(text: str | None) -> int | None:
    """A row id read from a query parameter; None when it is not one."""
    text = (text or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else None


def _name(field: str) -> str:
    return field.removeprefix("-")


def _beyond(field: str, value, *, after: bool, strict: bool = True) -> Q:
    """Rows after (or before) `value` on one field of the order: above it on an ascending
    field, below it on a descending one ("-field")."""
    upward = after != field.startswith("-")
    return Q(**{f"{_name(field)}__{'gt' if upward else 'lt'}{'' if strict else 'e'}": value})


def _chain(order: tuple[str, ...], values: tuple, *, after: bool) -> Q:
    """Rows strictly after (or before) `values` in `order` (the last field unique)."""
    q = Q()
    for i in range(len(order) - 1, -1, -1):
        here = _beyond(order[i], values[i], after=after)
        q = here if i == len(order) - 1 else here | (Q(**{_name(order[i]): values[i]}) & q)
    return q


def after(order: tuple[str, ...], values: tuple) -> Q:
    """Rows strictly after `values` in `order` (the last field unique)."""
    return _range(order, values, after=True)


def _range(order: tuple[str, ...], values: tuple, *, after: bool) -> Q:
    """`_chain`, written so that an index on the first field serves it: a range on the first
    field (≥ or ≤), the ties on it refined by the other fields."""
    if len(order) == 1:
        return _beyond(order[0], values[0], after=after)
    first = _beyond(order[0], values[0], after=after, strict=False)
    rest = _chain(order[1:], values[1:], after=after)
    tie = Q(**{_name(order[0]): values[0]})
    return first & (~tie | (tie & rest))


def _reversed(field: str) -> str:
    return _name(field) if field.startswith("-") else f"-{field}"


def keyset_page(
    rows: QuerySet,
    params,
    *,
    order: tuple[str, ...],
    size: int,
    fallback: QuerySet | None = None,
    cap: int | None = None,
    counted: QuerySet | None = None,
    count_in_walk: bool = False,
    gone: str = CURSOR_GONE,
    read: QuerySet | None = None,
) -> KeysetPage:
    """The page of `rows` that the query `params` asks for (`sau`, `truoc`, `cuoi`), in `order`
    (field names, "-field" descending, the last one unique). Queries: the cursor's key (when a cursor is
    given), the page's ids and rows, whether rows lie on the other side of the cursor, and the
    count up to `cap` (default `count_cap()`) — not run when the page holds every row — of
    `counted` when given (the same rows, written as a count reads them best) or `rows`.

    `count_in_walk`: the first page's walk of ids goes on to `cap + 1` and counts them, in place
    of a second scan of the same rows: for a small cap over rows that `counted` does not write
    another way (a typed name's list: the scan the count would make is the walk's own).

    `gone`: what the page says when the cursor's row is not in the list (the members' message
    by default).

    `read`: where the page's rows are read by id, when not from `rows` — the list's own select
    and annotations without its filter, for a filter that costs more to apply again to the
    page's ids than the ids themselves (the union of an inspection's access paths): the ids
    were walked in `rows`, so only rows of the list are read."""
    cap = count_cap() if cap is None else cap
    source = rows if read is None else read
    ordered = rows.order_by(*order)
    backwards = rows.order_by(*map(_reversed, order))
    after, before = cursor(params.get(AFTER)), cursor(params.get(BEFORE))
    cursor_id = after if after is not None else before
    notice = ""
    key = None
    if cursor_id is not None:
        key = _key_of(rows, cursor_id, order) or (
            _key_of(fallback, cursor_id, order) if fallback is not None else None
        )
        if key is None:
            notice = gone
    if key is not None and after is not None:
        found = _fetch(source, ordered.filter(_range(order, key, after=True)), size + 1)
        shown = found[:size]
        has_next = len(found) > size
        has_previous = ordered.filter(~_range(order, key, after=True)).exists()
    elif key is not None:
        found = _fetch(source, backwards.filter(_range(order, key, after=False)), size + 1)
        shown = found[:size][::-1]
        has_previous = len(found) > size
        has_next = ordered.filter(~_range(order, key, after=False)).exists()
    elif params.get(LAST) == "1" and not notice:
        found = _fetch(source, backwards, size + 1)
        shown = found[:size][::-1]
        has_previous, has_next = len(found) > size, False
    elif count_in_walk and cap > size:
        found, walked = _fetch(source, ordered, size + 1, walk=cap + 1)
        shown = found[:size]
        has_previous, has_next = False, len(found) > size
        return _page(shown, has_previous, has_next, Capped(min(walked, cap), walked > cap), notice)
    else:
        found = _fetch(source, ordered, size + 1)
        shown = found[:size]
        has_previous, has_next = False, len(found) > size
    if has_previous or has_next:
        count = capped_count(rows if counted is None else counted, cap)
    else:  # the whole list is on this page (a search finding a few members: no second query)
        count = Capped(value=len(shown), more=False)
    return _page(shown, has_previous, has_next, count, notice)


def _page(shown: list, has_previous: bool, has_next: bool, count: Capped, notice: str):
    return KeysetPage(
        object_list=shown,
        has_previous=has_previous,
        has_next=has_next,
        count=count,
        first_id=shown[0].pk if shown else None,
        last_id=shown[-1].pk if shown else None,
        notice=notice,
    )


def _fetch(rows: QuerySet, ordered: QuerySet, n: int, *, walk: int = 0):
    """The first `n` rows of `ordered` (a filtered, ordered `rows`): their ids first — a walk
    of an index holding the order and the filtered fields reads no table row — then those rows,
    with what `rows` selects and annotates, in the ids' order. The walk runs serially
    (`serial`): the planner cannot weigh a typed name's share of an area, and would split a
    walk that stops after `n` rows between workers whose start costs more (10 ms against
    0.4 ms for a province's first "nguyen van" at the nation tier).

    With `walk` (> `n`): the ids are walked up to `walk` of them, and (rows, ids walked) is
    returned; only the first `n` rows are read."""
    with serial(rows.db):
        ids = list(ordered.values_list("pk", flat=True)[: max(n, walk)])
    found = rows.order_by().in_bulk(ids[:n])
    shown = [found[pk] for pk in ids[:n] if pk in found]
    return (shown, len(ids)) if walk else shown


def _key_of(rows: QuerySet, pk: int, order: tuple[str, ...]) -> tuple | None:
    return rows.order_by().filter(pk=pk).values_list(*map(_name, order)).first()


def page_query(params, **changes):
    """`params` (a QueryDict) without the page parameters, with `changes` set: the links."""
    out = params.copy()
    for name in PARAMS:
        out.pop(name, None)
    for name, value in changes.items():
        out[name] = str(value)
    return out


def pager(query, page: KeysetPage) -> dict:
    """The links of `core/_keyset_pager.html` for the list's own query `query` (its filters):
    first, previous, next, last (bookmarkable)."""
    return {
        "first": page_query(query).urlencode(),
        "previous": page_query(query, truoc=page.first_id).urlencode() if page.has_previous else "",
        "next": page_query(query, sau=page.last_id).urlencode() if page.has_next else "",
        "last": page_query(query, cuoi=1).urlencode(),
    }
