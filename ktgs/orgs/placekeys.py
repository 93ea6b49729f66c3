"""`OrgUnit.place_key`: the folded name of the unit's superior in today's tree, so that a picker
finds "Chi bộ Văn phòng — Đảng bộ Sở Y tế" from "van phong y te" without a join.

It is derived data, like `path`: every write that changes a unit's name or its place in today's
tree calls one of these (unit create, edit, rename, move, merge; the import; the demo), and a
test checks that no unit's key differs from its superior's name. Not audited, no version bump: the
event is the rename or the move.
"""

import re
from collections.abc import Iterable

from django.db.models import Q

from ktgs.orgs.models import PATH_STEP, OrgUnit, unit_search_key

BATCH = 500


def _children_q(path: str) -> Q:
    return Q(path__startswith=path, path__regex=rf"^{re.escape(path)}[^.]{{{PATH_STEP - 1}}}\.$")


def _write(rows: Iterable[tuple[int, str, str]], names: dict[str, str]) -> int:
    """rows: (pk, path, place_key stored); names: {path: search key of the unit there}."""
    changed = []
    for pk, path, stored in rows:
        key = names.get(path[:-PATH_STEP], "") if len(path) > PATH_STEP else ""
        if key != stored:
            changed.append(OrgUnit(pk=pk, place_key=key))
    OrgUnit.objects.bulk_update(changed, ["place_key"], batch_size=BATCH)
    return len(changed)


def sync_place_keys(units: Iterable[OrgUnit]) -> int:
    """After `units` were renamed or moved: their own keys and their direct children's."""
    paths = {u.path for u in OrgUnit.objects.filter(pk__in=[u.pk for u in units])}
    if not paths:
        return 0
    wanted = Q(path__in=paths)
    for path in paths:
        wanted |= _children_q(path)
    rows = list(OrgUnit.objects.filter(wanted).values_list("pk", "path", "place_key"))
    parents = {p[:-PATH_STEP] for _pk, p, _k in rows if len(p) > PATH_STEP}
    names = {
        path: unit_search_key(name, short)
        for path, name, short in OrgUnit.objects.filter(path__in=parents).values_list(
            "path", "name", "short_name"
        )
    }
    return _write(rows, names)


def sync_all_place_keys() -> int:
    """Every unit's key (after an import, in the migration): one pass over the units."""
    rows = list(OrgUnit.objects.values_list("pk", "path", "place_key", "name", "short_name"))
    names = {path: unit_search_key(name, short) for _pk, path, _k, name, short in rows}
    return _write(((pk, path, key) for pk, path, key, _n, _s in rows), names)
