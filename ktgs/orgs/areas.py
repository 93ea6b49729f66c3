"""`Member.area`, the cache that lets a whole province's list walk its own members in name order
(docs/decisions/0012): the path of the member's cell cut to `AREA_LENGTH`.

`Member.save` keeps it for one member. A bulk write (an import, a merge) and a moved subtree
change it in one statement here: `sync(paths)` for the members registered under those paths,
which `counters.refresh` calls with the paths every change of cell or of tree passes it;
`sync_all()` for the whole register. `drifted()` counts the members whose area is wrong.
"""

from collections.abc import Iterable

from django.db.models import OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Concat, Substr

from ktgs.orgs.models import AREA_LENGTH, Member, OrgUnit


def whole(paths) -> str:
    """The area that `paths` are exactly (one path, one level below a root), else ""."""
    paths = list(paths)
    return paths[0] if len(paths) == 1 and len(paths[0]) == AREA_LENGTH else ""


def named(rows: QuerySet[Member], field: str = "walked_key") -> QuerySet[Member]:
    """`rows` with their folded key as `field`, written so that no index serves a `contains` on
    it: an area is walked in name order, never read through the trigram index, whose common
    trigrams ("thi", "van") cost a rare name more than the whole area's walk (decision 0012)."""
    return rows.alias(**{field: Concat("search_key", Value(""))})


def _wrong() -> Q:
    return ~Q(area=Substr("current_unit__path", 1, AREA_LENGTH))


def _write(rows) -> int:
    cell_area = OrgUnit.objects.filter(pk=OuterRef("current_unit_id")).values("path")[:1]
    return Member.objects.filter(pk__in=rows.values("pk")).update(
        area=Substr(Subquery(cell_area), 1, AREA_LENGTH)
    )


def sync(paths: Iterable[str]) -> int:
    """Set the area of every member registered under one of `paths` whose area is not their
    cell's; return how many were written."""
    under = Q(pk__in=[])
    for path in set(paths):
        under |= Q(current_unit__path__startswith=path)
    return _write(Member.objects.filter(under, current_unit__isnull=False).filter(_wrong()))


def _drifting():
    return Member.objects.filter(current_unit__isnull=False).filter(_wrong())


def sync_all() -> int:
    """The whole register's areas (a bulk load, the check's repair)."""
    return _write(_drifting())


def drifted() -> int:
    """Registered members whose area is not their cell's."""
    return _drifting().count()
