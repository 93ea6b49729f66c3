"""Per-unit counters: what the tree and unit pages read on every view, kept by the services.

Counting the members of a subtree on each page view costs a scan of every member in it (the
nation's root: 5.6 million rows). `UnitCount` keeps, per unit, its direct members and its
subtree's members, probationary members (by official date) and live units per kind; a page reads
one row per unit shown (decision 0013).

Who keeps them: every service that changes where a member is registered today, whether they
count (void, official date) or the shape of today's tree (create, move, merge, split, close)
calls `refresh(paths)` in its own transaction, before its audit event. Bulk writers (the import,
the demo) call `rebuild()` once after writing. `check()` recomputes everything from the members
and units and lists the drift; `fix()` writes the recomputed figures, audited
(`ktgs counters check [--fix]`).

On PostgreSQL `refresh` locks the counter rows of the units it recomputes, root first, so two
concurrent changes under the same province recompute it one after the other (the second sees the
first's figures); on SQLite writes are serialised anyway.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.db.models import Count, Q
from django.db.models.functions import Length
from django.utils import timezone

from ktgs.audit.services import record
from ktgs.core import bulk
from ktgs.core.chunks import chunk_size, chunks
from ktgs.orgs import areas
from ktgs.orgs.models import PATH_STEP, Member, OrgUnit, UnitCount

COUNTERS = ("members", "sub_members", "sub_pending", "sub_kinds")


@dataclass(slots=True)
class Figures:
    members: int = 0
    sub_members: int = 0
    sub_pending: dict = field(default_factory=dict)
    sub_kinds: dict = field(default_factory=dict)

    def add(self, other: "Figures") -> None:
        self.sub_members += other.sub_members
        _merge(self.sub_pending, other.sub_pending)
        _merge(self.sub_kinds, other.sub_kinds)


def _merge(into: dict, more: dict) -> None:
    for key, n in more.items():
        into[key] = into.get(key, 0) + n


def ids_on_paths(paths: Iterable[str]) -> set[int]:
    """Every unit named in the paths: each path's unit and its ancestors."""
    return {
        int(path[i : i + PATH_STEP - 1], 36)
        for path in paths
        if path
        for i in range(0, len(path), PATH_STEP)
    }


def _pending_key(official_on: date | None) -> str:
    return official_on.isoformat() if official_on else ""


def _prune(pending: dict, today: date) -> dict:
    """Only the entries that may still be probationary after `today`, sorted, no zeros."""
    key = today.isoformat()
    return {k: n for k, n in sorted(pending.items()) if n and (not k or k > key)}


def _live_members(member_model=Member):
    return member_model.objects.filter(voided_at__isnull=True, current_unit__isnull=False)


def _direct(today: date, unit_ids: Iterable[int] | None, member_model=Member):
    """{unit id: members}, {unit id: {official date: n}} of members registered there today (all
    units when `unit_ids` is None): two grouped queries (per chunk of ids)."""
    members: dict[int, int] = {}
    pending: dict[int, dict] = {}
    live = _live_members(member_model)
    groups = [None] if unit_ids is None else list(chunks(sorted(unit_ids), chunk_size()))
    for chunk in groups:
        rows = live if chunk is None else live.filter(current_unit_id__in=chunk)
        for unit_id, n in rows.values_list("current_unit_id").annotate(n=Count("pk")).order_by():
            members[unit_id] = n
        late = rows.filter(Q(official_on__isnull=True) | Q(official_on__gt=today))
        grouped = late.values_list("current_unit_id", "official_on").annotate(n=Count("pk"))
        for unit_id, official_on, n in grouped.order_by():
            pending.setdefault(unit_id, {})[_pending_key(official_on)] = n
    return members, pending


def _own(unit_id: int, kind_id: int, counts: bool, members: dict, pending: dict) -> Figures:
    """A unit's own contribution: its direct members and itself when live and open."""
    n = members.get(unit_id, 0)
    return Figures(
        members=n,
        sub_members=n,
        sub_pending=dict(pending.get(unit_id, {})),
        sub_kinds={str(kind_id): 1} if counts else {},
    )


def _counts(voided_at, closed_on) -> bool:
    return voided_at is None and closed_on is None


# --- kept by the services --------------------------------------------------------------------


def refresh(paths: Iterable[str], *, today: date | None = None) -> None:
    """Recompute the counters of every unit on `paths` (a unit's path names it and its
    ancestors): pass the paths of the units a change touched, as they were before and as they
    are after it. Direct figures come from two grouped queries over those units' members; each
    unit's subtree figures from its own and its children's counter rows, deepest unit first.
    Must run inside the caller's transaction. The members' areas under those paths are synced
    first (`areas.sync`): every change of a member's cell or of a subtree's place passes here."""
    paths = list(paths)
    areas.sync(paths)
    ids = ids_on_paths(paths)
    if not ids:
        return
    today = today or timezone.localdate()
    units = {}
    for chunk in chunks(sorted(ids), chunk_size()):
        fields = ("pk", "path", "kind_id", "voided_at", "closed_on")
        for pk, path, kind_id, voided_at, closed_on in OrgUnit.objects.filter(
            pk__in=chunk
        ).values_list(*fields):
            units[pk] = (path, kind_id, _counts(voided_at, closed_on))
    UnitCount.objects.bulk_create(
        [UnitCount(unit_id=pk, counted_on=today) for pk in units], ignore_conflicts=True
    )
    rows = {}
    for chunk in chunks(sorted(units, key=lambda pk: units[pk][0]), chunk_size()):
        locked = (  # root first: every refresh locks in the same order
            UnitCount.objects.select_for_update(of=("self",))
            .filter(unit_id__in=chunk)
            .order_by("unit__path")
        )
        rows |= {row.unit_id: row for row in locked}
    members, pending = _direct(today, units)
    for pk in sorted(units, key=lambda pk: -len(units[pk][0])):
        path, kind_id, counts = units[pk]
        figures = _own(pk, kind_id, counts, members, pending)
        children = (
            UnitCount.objects.filter(unit__path__startswith=path)
            .annotate(path_len=Length("unit__path"))
            .filter(path_len=len(path) + PATH_STEP)
            .values_list("sub_members", "sub_pending", "sub_kinds")
        )
        for sub_members, sub_pending, sub_kinds in children:
            figures.add(Figures(0, sub_members, sub_pending, sub_kinds))
        row = rows[pk]
        row.members, row.sub_members = figures.members, figures.sub_members
        row.sub_pending, row.sub_kinds = _prune(figures.sub_pending, today), figures.sub_kinds
        row.counted_on = today
        row.save(update_fields=[*COUNTERS, "counted_on"])


# --- recomputed from scratch -----------------------------------------------------------------


def recompute(today: date, *, unit_model=OrgUnit, member_model=Member) -> dict[int, Figures]:
    """Every unit's figures from the members and units alone: three queries, the roll-up in
    memory (children before parents: the longest paths first)."""
    units = list(unit_model.objects.values_list("pk", "path", "kind_id", "voided_at", "closed_on"))
    members, pending = _direct(today, None, member_model)
    figures = {
        pk: _own(pk, kind_id, _counts(voided_at, closed_on), members, pending)
        for pk, _path, kind_id, voided_at, closed_on in units
    }
    by_path = {path: pk for pk, path, *_rest in units}
    for pk, path, *_rest in sorted(units, key=lambda u: -len(u[1])):
        parent = by_path.get(path[:-PATH_STEP]) if len(path) > PATH_STEP else None
        if parent is not None:
            figures[parent].add(figures[pk])
    for f in figures.values():
        f.sub_pending = _prune(f.sub_pending, today)
    return figures


@dataclass
class Drift:
    unit_id: int
    code: str
    counter: str  # members, sub_members, sub_pending[2027-03-01], sub_kinds[cell], row
    stored: object
    recomputed: object


def _drifts(unit_id, code, row: Figures | None, want: Figures, today: date, kind_codes: dict):
    if row is None:
        return [Drift(unit_id, code, "row", None, "thiếu dòng số liệu")]
    out = []
    for name in ("members", "sub_members"):
        if getattr(row, name) != getattr(want, name):
            out.append(Drift(unit_id, code, name, getattr(row, name), getattr(want, name)))
    for name, have in (
        ("sub_pending", _prune(row.sub_pending, today)),
        ("sub_kinds", row.sub_kinds),
    ):
        wanted = getattr(want, name)
        for key in sorted(set(have) | set(wanted)):
            if have.get(key, 0) != wanted.get(key, 0):
                shown = kind_codes.get(key, key) if name == "sub_kinds" else key or "chưa có ngày"
                label = f"{name}[{shown}]"
                out.append(Drift(unit_id, code, label, have.get(key, 0), wanted.get(key, 0)))
    return out


def check(*, today: date | None = None) -> list[Drift]:
    """The stored counters that differ from a recomputation (nothing written)."""
    today = today or timezone.localdate()
    return _compare(today, UnitCount, OrgUnit, Member)[0]


def _compare(today, count_model, unit_model, member_model):
    want = recompute(today, unit_model=unit_model, member_model=member_model)
    stored = {  # unit id → (row id, figures): tuples, not model instances (250,000 rows)
        unit_id: (pk, Figures(members, sub_members, sub_pending, sub_kinds))
        for pk, unit_id, members, sub_members, sub_pending, sub_kinds in count_model.objects.values_list(
            "pk", "unit_id", *COUNTERS
        ).iterator(chunk_size=5000)
    }
    codes = dict(unit_model.objects.values_list("pk", "code"))
    kind_model = unit_model._meta.get_field("kind").related_model
    kind_codes = {str(pk): code for pk, code in kind_model.objects.values_list("pk", "code")}
    drifts = []
    for pk in sorted(want, key=lambda pk: codes[pk]):
        have = stored.get(pk)
        drifts += _drifts(pk, codes[pk], have and have[1], want[pk], today, kind_codes)
    return drifts, want, stored


def rebuild(
    *,
    today: date | None = None,
    count_model=UnitCount,
    unit_model=OrgUnit,
    member_model=Member,
    sync_areas: bool = True,
) -> list[Drift]:
    """Write the recomputed figures of every unit whose stored ones differ (bulk: the import,
    the demo, the migration), and the members' areas (`areas.sync_all`, unless the caller wrote
    them itself); return the drift found. No audit event: `fix` is the audited form, bulk
    writers audit their own operation."""
    today = today or timezone.localdate()
    if sync_areas and member_model is Member:
        areas.sync_all()
    drifts, want, stored = _compare(today, count_model, unit_model, member_model)
    touched = {d.unit_id for d in drifts}

    def values(f: Figures) -> dict:
        return {
            "members": f.members,
            "sub_members": f.sub_members,
            "sub_pending": f.sub_pending,
            "sub_kinds": f.sub_kinds,
            "counted_on": today,
        }

    bulk.insert(
        count_model,
        ({"unit_id": pk, **values(want[pk])} for pk in sorted(touched) if pk not in stored),
    )
    bulk.update(
        count_model,
        [(stored[pk][0], values(want[pk])) for pk in sorted(touched) if pk in stored],
    )
    return drifts


@transaction.atomic
def fix(*, today: date | None = None, wrong_areas: int | None = None) -> list[Drift]:
    """Rewrite the drifted counters and members' areas from a recomputation, with one audit
    event naming them. `wrong_areas`: the members whose area is wrong, when the caller has just
    counted them (`areas.drifted()`: a scan of every member)."""
    wrong_areas = areas.drifted() if wrong_areas is None else wrong_areas
    drifts = rebuild(today=today)
    if drifts or wrong_areas:
        record(
            "orgs.counters.fixed",
            details={
                "units": len({d.unit_id for d in drifts}),
                "areas": wrong_areas,
                "drifts": [
                    {"unit": d.code, "counter": d.counter, "stored": d.stored, "now": d.recomputed}
                    for d in drifts[:200]
                ],
            },
        )
    return drifts
