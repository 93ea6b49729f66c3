"""Look-ups over many values without an `IN (…)` list past the engine's limit on query variables.

A file of 300,000 member codes would make one `code IN (?, ?, …)` of 300,000 variables: SQLite
refuses it («too many SQL variables»: 32,766 by default, 999 on older builds) and PostgreSQL
plans it slowly. `values_in` asks in chunks of at most CHUNK values (fewer when the connection
says its limit is lower), on both engines, so the same code path is tested everywhere.
"""

from collections.abc import Callable, Iterable, Iterator

from django.db import connections

CHUNK = 900  # under 999 (the oldest SQLite limit) with room for the query's own variables
SPARE = 50  # variables left for the rest of the query when the engine's limit is small


def chunk_size(using: str = "default") -> int:
    """How many values one `IN (…)` may carry on the connection `using`."""
    limit = connections[using].features.max_query_params
    if not limit:
        return CHUNK
    return max(1, min(CHUNK, limit - SPARE))


def chunks(values: Iterable, size: int) -> Iterator[list]:
    """The values (deduplicated, in their first order) in lists of at most `size`."""
    unique = list(dict.fromkeys(values))
    for start in range(0, len(unique), size):
        yield unique[start : start + size]


def values_in(queryset, field: str, values: Iterable, fetch: Callable | None = None) -> Iterator:
    """The rows of `queryset.filter(<field>__in=values)`, asked chunk by chunk.

    `fetch(chunk_queryset)` turns each chunk's queryset into rows (e.g.
    `lambda qs: qs.values_list("code", "path")`); the default yields the objects. The rows of
    one chunk come in the queryset's order; across chunks, in the order of the values."""
    fetch = fetch or iter
    for chunk in chunks(values, chunk_size(queryset.db)):
        yield from fetch(queryset.filter(**{f"{field}__in": chunk}))


def by_refs(queryset, refs: Iterable[str], pks: Iterable[int], fetch: Callable | None = None):
    """The rows of `queryset` named by a «Mã hồ sơ»: their `external_ref` is one of `refs`, or
    they have none and their pk is one of `pks` (KTGS-<id> of a record entered on a page). The
    two sets are disjoint, so each row comes once."""
    refs = [r for r in refs if r]
    yield from values_in(queryset.exclude(external_ref=""), "external_ref", refs, fetch)
    yield from values_in(queryset.filter(external_ref=""), "pk", pks, fetch)
