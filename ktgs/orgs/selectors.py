"""Reads of the tree and the register, already limited to a user's scope.

`scope` is the `Scope` that `accounts.access.visible_to(user)` returns (pages get it as
`request.scope`); this module only calls its `q()`, `visible()` and `sees()` and never decides
access itself. Member rows are limited by subtree AND by the user's clearance; counts (figures)
are aggregates over every live member, whatever their secrecy (docs/security.md).
Counts are aggregate queries; no function loops over a table in Python.
"""

import os
from dataclasses import dataclass
from datetime import date

from django.core.cache import cache
from django.db import connection
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Length
from django.utils import timezone

from ktgs.core import keyset
from ktgs.core.models import Dated
from ktgs.core.vietnamese import fold
from ktgs.orgs import areas
from ktgs.orgs.choices import MemberStatus
from ktgs.orgs.models import (
    PATH_STEP,
    CommitteeSeat,
    Member,
    Membership,
    OrgKind,
    OrgUnit,
    UnitCount,
    UnitLink,
)

# Page families that `accounts.access` knows (orgs may not import accounts: decision 0002).
UNITS_CHANGE = "units.change"
RECORDS_VIEW = "records.view"
RECORDS_CHANGE = "records.change"

# --- the tree on a date ----------------------------------------------------------------------


def parent_on(unit: OrgUnit, day: date) -> OrgUnit | None:
    link = UnitLink.objects.filter(Dated.q_on(day), unit=unit).select_related("parent").first()
    return link.parent if link else None


def member_cell_on(member, day: date) -> OrgUnit | None:
    """The unit where `member` was registered on `day` (None when not registered that day)."""
    row = Membership.objects.filter(Dated.q_on(day), member=member).select_related("unit").first()
    return row.unit if row is not None else None


def unit_contains_on(ancestor: OrgUnit, unit: OrgUnit, day: date) -> bool:
    """True when `unit` is `ancestor` or lies under it in the tree as it stood on `day`."""
    seen = set()
    node: OrgUnit | None = unit
    while node is not None and node.pk not in seen:
        if node.pk == ancestor.pk:
            return True
        seen.add(node.pk)
        node = parent_on(node, day)
    return False


# --- units -----------------------------------------------------------------------------------


def live_units() -> QuerySet[OrgUnit]:
    return OrgUnit.objects.live().filter(closed_on__isnull=True)


def unit_list(*, scope) -> QuerySet[OrgUnit]:
    return live_units().filter(scope.q("path")).select_related("kind")


def unit_get(*, scope, code: str, counts: bool = False) -> OrgUnit | None:
    """The unit `code` in scope, None otherwise; with its counters (`counts`) for a page that
    reads them (`direct_member_count`, `unit_children`' rows)."""
    units = unit_list(scope=scope)
    return (units.select_related("counts") if counts else units).filter(code=code).first()


def unit_get_by_pk(*, scope, pk: int) -> OrgUnit | None:
    return unit_list(scope=scope).filter(pk=pk).first()


def units_for(*, scope, action: str) -> QuerySet[OrgUnit]:
    """Units in scope where the user's role allows `action`, an action or a page family (e.g.
    "records.change": the cells where they may register members)."""
    return unit_list(scope=scope).filter(scope.q("path", action=action))


def unit_head_on(unit: OrgUnit, day: date | None = None):
    day = day or timezone.localdate()
    return (
        unit.heads.filter(Dated.q_on(day)).select_related("member", "member__current_unit").first()
    )


def scope_roots(*, scope) -> QuerySet[OrgUnit]:
    return live_units().filter(path__in=scope.roots).select_related("kind").order_by("path")


@dataclass
class TreeNode:
    unit: OrgUnit
    members: int  # current members in the subtree
    grassroots: int  # grassroots organisations in the subtree
    cells: int  # chi bộ in the subtree (all kinds of cell)
    has_children: bool


def _members_today() -> QuerySet[Member]:
    return Member.objects.live().filter(current_unit__isnull=False)


# --- the name walk of a large subtree (docs/decisions/0012) ----------------------------------

WALK_SHARE = 400  # a subtree holding 1/400 of the register: a page in ~20,000 index entries


def _register_size() -> int:
    """Live members in the whole register, roughly (it only chooses how a list is read): the
    planner's own estimate on PostgreSQL, a count elsewhere; kept ten minutes per process."""

    def size() -> int:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
                    [Member._meta.db_table],
                )
                row = cursor.fetchone()
            if row and row[0] > 0:
                return int(row[0])
        return _members_today().count()

    return cache.get_or_set("ktgs:orgs:register-size", size, 600)


def walks_well(paths) -> bool:
    """Do the subtrees at `paths` hold enough of the register (their counters) for a page of
    their members in name order to be found within a short walk of the name index?"""
    held = UnitCount.objects.filter(unit__path__in=list(paths)).aggregate(n=Sum("sub_members"))
    return (held["n"] or 0) * WALK_SHARE >= _register_size()


def members_walked(paths) -> Q:
    """Q for members whose cell lies under one of `paths`, written for the name walk of a large
    subtree (`walks_well`): each walked entry's cell checked in a hash of the subtree's unit ids
    built once, where a join looks up each cell (2,700 look-ups, 20 ms, for the first page of a
    province of the nation tier; the hash: 1 ms). The `OR current_unit IS NULL` (excluded again
    by the AND) keeps the planner from turning the `IN` back into that join. Only for lists
    without a typed name: the planner cannot estimate this form, and a name the subtree holds
    rarely would be walked for (decision 0012)."""
    units = Q(pk__in=[])
    for path in paths:
        units |= Q(path__startswith=path)
    ids = OrgUnit.objects.filter(units).order_by().values("pk")
    return (Q(current_unit_id__in=ids) | Q(current_unit__isnull=True)) & Q(
        current_unit__isnull=False
    )


def scope_area(scope) -> str:
    """The area (`Member.area`) the scope reads records in, when that is one whole area."""
    return areas.whole(scope.roots_for(RECORDS_VIEW))


def members_seen(scope, where: Q) -> QuerySet[Member]:
    """Registered, live members placed by `where` (an area's key, a hash of unit ids) whose
    secrecy and access the scope allows: `scope.visible`'s rule with the subtree written by the
    caller, for the walks of decision 0012."""
    rows = _members_today().filter(where, secrecy__in=scope.secrecy_levels)
    exclusion = Member.access_exclusion(scope)
    return rows.exclude(exclusion) if exclusion is not None else rows


def _kinds() -> dict[str, OrgKind]:
    """Every kind by the id the counters key them with (a few rows)."""
    return {str(kind.pk): kind for kind in OrgKind.objects.all()}


def _counts_of(unit: OrgUnit) -> UnitCount:
    """The unit's counters (orgs.counters), loaded with it by `select_related("counts")` or read
    here; zeros when the row is missing (`ktgs counters check` reports that as drift)."""
    try:
        return unit.counts
    except UnitCount.DoesNotExist:
        return UnitCount(unit=unit, counted_on=timezone.localdate())


CHILDREN_ORDER = ("kind__order", "sort_key", "pk")


def _tree_chunk() -> int:
    """Children shown at once under a node of the tree page («Xem thêm» for more): 100, or
    KTGS_TREE_CHUNK from the environment (tuning; the browser tests use a small one)."""
    text = os.environ.get("KTGS_TREE_CHUNK", "")
    return int(text) if text.isdigit() and int(text) > 0 else 100


TREE_CHUNK = _tree_chunk()


@dataclass
class Children:
    """A chunk of a node's children in the tree (`unit_children_chunk`)."""

    parent: OrgUnit | None
    nodes: list[TreeNode]
    more: bool  # children after the last node: the tree offers «Xem thêm»

    def __iter__(self):
        return iter(self.nodes)

    def __len__(self) -> int:
        return len(self.nodes)

    @property
    def last(self) -> OrgUnit | None:
        return self.nodes[-1].unit if self.nodes else None


def unit_children(*, scope, parent: OrgUnit | None) -> list[TreeNode]:
    """Children of `parent` (the scope's roots when None), all of them, each with its subtree
    counts. Two queries whatever the number of children or members."""
    return unit_children_chunk(scope=scope, parent=parent, limit=None).nodes


def unit_children_chunk(
    *, scope, parent: OrgUnit | None, after: int | None = None, limit: int | None = TREE_CHUNK
) -> Children:
    """At most `limit` children of `parent` (the scope's roots when None: all of them), those
    after the child `after` (a pk) in the tree's order, each with its subtree counts read from
    the per-unit counters (orgs.counters, decision 0013): a fixed number of queries whatever the
    number of children or members, a chunk costing the rows it shows."""
    if parent is None:
        children = list(scope_roots(scope=scope).select_related("counts"))
        kinds = _kinds()
        return Children(None, [_node(unit, _counts_of(unit), kinds) for unit in children], False)
    rows = (
        unit_list(scope=scope)
        .annotate(path_len=Length("path"))
        .filter(path__startswith=parent.path, path_len=len(parent.path) + PATH_STEP)
    )
    if after is not None:
        key = rows.filter(pk=after).values_list(*CHILDREN_ORDER).first()
        rows = rows.filter(keyset.after(CHILDREN_ORDER, key)) if key else rows.none()
    rows = rows.select_related("counts").order_by(*CHILDREN_ORDER)
    children = list(rows if limit is None else rows[: limit + 1])
    more = limit is not None and len(children) > limit
    children = children[:limit] if more else children
    if not children:
        return Children(parent, [], False)
    kinds = _kinds()
    return Children(parent, [_node(unit, _counts_of(unit), kinds) for unit in children], more)


def _node(unit: OrgUnit, counts: UnitCount, kinds: dict[str, OrgKind]) -> TreeNode:
    units = grassroots = cells = 0
    for kind_id, n in counts.sub_kinds.items():
        kind = kinds[kind_id]
        units += n
        grassroots += n if kind.is_grassroots else 0
        cells += n if kind.is_cell else 0
    return TreeNode(
        unit=unit,
        members=counts.sub_members,
        grassroots=grassroots,
        cells=cells,
        has_children=units > 1,
    )


# --- the bloc at a glance --------------------------------------------------------------------


@dataclass
class Glance:
    unit: OrgUnit
    grassroots_by_kind: list[tuple[str, int]]
    grassroots_total: int
    subordinate_cells: int
    members_total: int
    members_full: int
    members_probationary: int
    grassroots_cells: int = 0  # chi bộ cơ sở among the grassroots organisations


def unit_glance(unit: OrgUnit, day: date | None = None, *, kinds: dict | None = None) -> Glance:
    """Grassroots organisations by kind, cells under them, members (full / probationary), read
    from the unit's counters (orgs.counters): two queries, whatever the size of the subtree —
    none when the unit was read with `select_related("counts")` and `kinds` (`_kinds()`) is
    given. For a day before the counters were last written, the members are counted instead."""
    day = day or timezone.localdate()
    try:
        counts = unit.counts
    except UnitCount.DoesNotExist:
        counts = UnitCount(counted_on=day)
    if day >= counts.counted_on:
        members = {"total": counts.sub_members}
        members["full"] = members["total"] - counts.probationary_on(day)
    else:
        members = (
            _members_today()
            .filter(current_unit__path__startswith=unit.path)
            .aggregate(total=Count("pk"), full=Count("pk", filter=Q(official_on__lte=day)))
        )
    kinds = _kinds() if kinds is None else kinds
    rows = []  # (name, order, grassroots, cell, itself, n), as glance_of groups its subtree
    itself = str(unit.kind_id) if unit.closed_on is None and not unit.is_voided else None
    for kind_id, n in counts.sub_kinds.items():
        kind = kinds[kind_id]
        if kind_id == itself:
            rows.append((kind.name, kind.order, kind.is_grassroots, kind.is_cell, 1, 1))
            n -= 1
        if n:
            rows.append((kind.name, kind.order, kind.is_grassroots, kind.is_cell, 0, n))
    rows.sort(key=lambda row: (row[1], row[0], row[4]))
    return _glance_from(unit, rows, members)


def unit_glances(units: list[OrgUnit]) -> list[Glance]:
    """`unit_glance` of each of `units` (read with `select_related("counts")`, as
    `unit_children` reads them): one query for the kinds, whatever their number."""
    kinds = _kinds()
    return [unit_glance(unit, kinds=kinds) for unit in units]


def glance_of(unit: OrgUnit, units: QuerySet[OrgUnit], members: dict) -> Glance:
    """The figures of `unit` from its subtree `units` (itself included) and the member counts
    {"total", "full"} — today's (above) or a past day's (`asof.glance_on`). One query: the
    subtree's units counted per kind (and whether the unit itself), the figures summed from
    those few rows."""
    itself = Case(When(pk=unit.pk, then=Value(1)), default=Value(0), output_field=IntegerField())
    per_kind = (
        units.annotate(itself=itself)
        .values_list("kind__name", "kind__order", "kind__is_grassroots", "kind__is_cell", "itself")
        .annotate(n=Count("pk"))
        .order_by("kind__order")
    )
    return _glance_from(unit, per_kind, members)


def _glance_from(unit: OrgUnit, per_kind, members: dict) -> Glance:
    """The glance from the subtree's live units counted per kind and whether the unit itself:
    rows (kind name, kind order, is grassroots, is cell, itself 0/1, n)."""
    by_kind: dict[tuple[str, int], int] = {}  # grassroots organisations below the unit
    grassroots_cells = cells = 0
    for name, order, grassroots, cell, is_unit, n in per_kind:
        if grassroots and not is_unit:
            by_kind[name, order] = by_kind.get((name, order), 0) + n
            grassroots_cells += n if cell else 0
        if cell and not grassroots:  # cells under grassroots organisations (the unit too)
            cells += n
    return Glance(
        unit=unit,
        grassroots_by_kind=[(name, n) for (name, _order), n in by_kind.items()],
        grassroots_total=sum(by_kind.values()),
        subordinate_cells=cells,
        members_total=members["total"],
        members_full=members["full"],
        members_probationary=members["total"] - members["full"],
        grassroots_cells=grassroots_cells,
    )


# --- members ---------------------------------------------------------------------------------


def member_list(
    *,
    scope,
    q: str = "",
    unit: OrgUnit | None = None,
    subtree: bool = True,
    status: str = "",
    committee_only: bool = False,
    day: date | None = None,
    as_of: date | None = None,
    walk: bool = False,
) -> QuerySet[Member]:
    """Current members visible in `scope` (subtree and clearance), in Vietnamese name order,
    filtered as asked. With `as_of`, the members registered on that past day instead: in the
    unit's subtree as the tree was that day, seen where their cell of that day lies in scope.

    A list of one whole area (a unit one level below a root, `Member.area`) is read by that key,
    typed name or not: the walk of the area's index in name order. Otherwise `walk=True`: the
    same rows written for reading a page of them in name order, when the list has no typed name
    or committee filter and its subtree is large (`members_walked`); for counting them, and in
    every other case, `walk=False`."""
    area = ""
    if as_of is not None:
        rows = _members_on(scope, as_of, unit, subtree)
        day = as_of
    else:
        day = day or timezone.localdate()
        roots = scope.roots_for(RECORDS_VIEW)
        within = unit is not None and subtree and any(unit.path.startswith(r) for r in roots)
        paths = [unit.path] if within else roots
        whole = unit is None or within  # the rows are the members under `paths`
        area = areas.whole(paths) if whole else ""
        walked = (
            not area and walk and not fold(q) and not committee_only and whole and walks_well(paths)
        )
        if area or walked:  # a whole area by its own key; large subtrees by hashed unit ids
            rows = members_seen(scope, Q(area=area) if area else members_walked(paths))
        else:
            rows = scope.visible(_members_today())
            if unit is not None:
                rows = (
                    rows.filter(current_unit__path__startswith=unit.path)
                    if subtree
                    else rows.filter(current_unit=unit)
                )
    key = fold(q)
    if key:
        # the folded key anywhere (`LIKE '%…%'`: the trigram index on PostgreSQL), or the code as
        # typed or in capitals (the unique index; `iexact` would compare UPPER(code), unindexed)
        code = q.strip()
        field = "search_key"
        if area:  # walked within the area, never through the trigram index (`areas.named`)
            rows, field = areas.named(rows), "walked_key"
        rows = rows.filter(Q(**{f"{field}__contains": key}) | Q(code__in={code, code.upper()}))
    if status == MemberStatus.FULL:
        rows = rows.filter(official_on__lte=day)
    elif status == MemberStatus.PROBATIONARY:
        rows = rows.filter(Q(official_on__isnull=True) | Q(official_on__gt=day))
    if committee_only:
        seated = CommitteeSeat.objects.filter(Dated.q_on(day)).values("member_id")
        rows = rows.filter(pk__in=seated)
    return rows.select_related("current_unit").order_by("sort_key", "code")


def _members_on(scope, day: date, unit: OrgUnit | None, subtree: bool) -> QuerySet[Member]:
    from ktgs.orgs.asof import subtree_ids  # asof builds on this module

    held = Membership.objects.filter(Dated.q_on(day)).filter(scope.q("unit__path", RECORDS_VIEW))
    if unit is not None:
        held = (
            held.filter(unit_id__in=subtree_ids(unit.pk, day))
            if subtree
            else held.filter(unit=unit)
        )
    rows = Member.objects.live().filter(
        pk__in=held.values("member_id"), secrecy__in=scope.secrecy_levels
    )
    exclusion = Member.access_exclusion(scope)
    return rows.exclude(exclusion) if exclusion is not None else rows


def member_get(*, scope, code: str) -> Member | None:
    """A member (current or former, not voided) that the scope sees: latest cell in a subtree
    where the user may read, secrecy not above their clearance."""
    member = Member.objects.live().select_related("current_unit").filter(code=code).first()
    return member if member is not None and scope.sees(member) else None


def member_unit(member: Member) -> OrgUnit | None:
    """The member's cell today, or the last one for a former member."""
    return member.registered_unit()


def direct_member_count(unit: OrgUnit) -> int:
    """Members registered today directly in `unit`, whatever their secrecy (a figure), from
    its counters (orgs.counters): those loaded with the unit (`unit_get(counts=True)`), else
    read now."""
    if OrgUnit.counts.is_cached(unit):
        return _counts_of(unit).members
    return UnitCount.objects.filter(unit=unit).values_list("members", flat=True).first() or 0


def member_seats(member: Member):
    return member.seats.select_related("body", "body__unit", "term").order_by("-starts_on")


def unit_seats(unit: OrgUnit, day: date | None = None):
    day = day or timezone.localdate()
    return (
        CommitteeSeat.objects.filter(Dated.q_on(day), body__unit=unit)
        .select_related("member", "member__current_unit", "body")
        .order_by("body__kind", "role", "member__sort_key")
    )
