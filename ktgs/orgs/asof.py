"""Reads of the tree "as of" a past date: the units, links, names and memberships holding that day.

Today's pages use the path cache (`selectors`); these use the dated rows. A subtree on a date is
one recursive CTE over `UnitLink` (SQLite and PostgreSQL both run `WITH RECURSIVE` inside an
`IN (…)`), so every figure is a fixed number of set-based queries whatever the size of the tree
(docs/decisions/0001, 0005). A unit is present on D when it was established on or before D, not
closed on or before D, and not voided; its name on D is the dated name (`UnitName`).
"""

from dataclasses import dataclass
from datetime import date

from django.db import connection
from django.db.models import Count, F, Min, OuterRef, Q, QuerySet, Subquery
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils import timezone

from ktgs.core.models import Dated
from ktgs.core.vietnamese import format_date, parse_date
from ktgs.orgs.choices import MembershipEnd
from ktgs.orgs.models import Membership, OrgKind, OrgUnit, UnitLink, UnitName
from ktgs.orgs.selectors import Glance, TreeNode, glance_of, scope_roots

_LINK = UnitLink._meta.db_table
_UNIT = OrgUnit._meta.db_table
_KIND = OrgKind._meta.db_table
_MEMBERSHIP = Membership._meta.db_table
_MEMBER = Membership._meta.get_field("member").related_model._meta.db_table
_HOLDS = "l.starts_on <= %s AND (l.ends_on IS NULL OR l.ends_on > %s)"


# --- the date asked for ----------------------------------------------------------------------


@dataclass
class AsOf:
    day: date | None  # None: today (the fast path)
    error: str = ""  # why the date typed was not used
    text: str = ""  # as typed, to show it back


def earliest_day() -> date | None:
    return OrgUnit.objects.live().aggregate(first=Min("established_on"))["first"]


def read_as_of(params) -> AsOf:
    """The `ngay` GET parameter (dd/mm/yyyy): a past date, or today with a message saying why."""
    text = (params.get("ngay") or "").strip()
    if not text:
        return AsOf(day=None)
    try:
        day = parse_date(text)
    except ValueError as exc:
        return AsOf(day=None, text=text, error=f"Xem số liệu theo ngày: {exc}")
    today = timezone.localdate()
    if day > today:
        return AsOf(
            day=None,
            text=text,
            error=f"Ngày {format_date(day)} chưa đến; số liệu dưới đây tính đến hôm nay "
            f"({format_date(today)}).",
        )
    if day == today:
        return AsOf(day=None, text=text)
    first = earliest_day()
    if first is None or day < first:
        since = f" (sớm nhất là ngày {format_date(first)})" if first else ""
        return AsOf(
            day=None,
            text=text,
            error=f"Chưa có dữ liệu tổ chức đảng vào ngày {format_date(day)}{since}; số liệu "
            "dưới đây tính đến hôm nay.",
        )
    return AsOf(day=day, text=format_date(day))


# --- units on a date -------------------------------------------------------------------------


def present_on(day: date) -> QuerySet[OrgUnit]:
    """Units that existed on `day`, each annotated `name_on` (its name that day)."""
    # The open row (today's name) is not read: `OrgUnit.name` is, so that a correction of the
    # current name ("Sửa tên") shows on every date since the last rename.
    dated_name = UnitName.objects.filter(
        Dated.q_on(day), unit=OuterRef("pk"), ends_on__isnull=False
    ).values("name")[:1]
    return (
        OrgUnit.objects.live()
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=day), established_on__lte=day)
        .annotate(name_on=Coalesce(Subquery(dated_name), F("name")))
    )


def _named(units: list[OrgUnit]) -> list[OrgUnit]:
    """Show each unit under its name on the day asked (rows already fetched)."""
    for unit in units:
        unit.name = unit.name_on
    return units


def subtree_ids(unit_id: int, day: date) -> RawSQL:
    """SQL of the ids in the subtree of `unit_id` (itself included) on `day`."""
    sql = (
        "WITH RECURSIVE sub(id) AS ("
        " SELECT CAST(%s AS BIGINT)"
        f" UNION SELECT l.unit_id FROM {_LINK} l JOIN sub ON l.parent_id = sub.id"
        f" WHERE {_HOLDS}"
        ") SELECT id FROM sub"
    )
    return RawSQL(sql, (unit_id, day, day))


def _members_in(ids: RawSQL, day: date) -> dict:
    """Members registered on `day` in the units `ids`: total and full (official by then)."""
    return Membership.objects.filter(
        Dated.q_on(day), unit_id__in=ids, member__voided_at__isnull=True
    ).aggregate(total=Count("pk"), full=Count("pk", filter=Q(member__official_on__lte=day)))


def unit_on(unit: OrgUnit, day: date) -> OrgUnit | None:
    """`unit` as it was on `day` (its name then), or None when it did not exist that day."""
    found = present_on(day).filter(pk=unit.pk).select_related("kind").first()
    return _named([found])[0] if found is not None else None


def glance_on(unit: OrgUnit, day: date) -> Glance | None:
    """The home page's figures for `unit` on `day`: three queries (the unit that day, its
    subtree's units per kind, its members), whatever the tree's size."""
    unit = unit_on(unit, day)
    if unit is None:
        return None
    units = present_on(day).filter(pk__in=subtree_ids(unit.pk, day))
    return glance_of(unit, units, _members_in(subtree_ids(unit.pk, day), day))


# --- the tree on a date ----------------------------------------------------------------------


def _grouped_counts(parent_id: int, day: date) -> tuple[dict, dict]:
    """For each child of `parent_id` on `day`: ({child id: (units, grassroots, cells)},
    {child id: members}) over its subtree that day. Two queries."""
    walk = (
        "WITH RECURSIVE sub(id, top) AS ("
        f" SELECT l.unit_id, l.unit_id FROM {_LINK} l WHERE l.parent_id = %s AND {_HOLDS}"
        f" UNION SELECT l.unit_id, sub.top FROM {_LINK} l JOIN sub ON l.parent_id = sub.id"
        f" WHERE {_HOLDS}"
        ") "
    )
    walk_params = [parent_id, day, day, day, day]
    units_sql = (
        walk + "SELECT sub.top, COUNT(*),"
        " SUM(CASE WHEN k.is_grassroots THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN k.is_cell THEN 1 ELSE 0 END)"
        f" FROM sub JOIN {_UNIT} u ON u.id = sub.id JOIN {_KIND} k ON k.id = u.kind_id"
        " WHERE u.voided_at IS NULL AND u.established_on <= %s"
        " AND (u.closed_on IS NULL OR u.closed_on > %s) GROUP BY sub.top"
    )
    members_sql = (
        walk + "SELECT sub.top, COUNT(*)"
        f" FROM sub JOIN {_MEMBERSHIP} ms ON ms.unit_id = sub.id"
        f" JOIN {_MEMBER} m ON m.id = ms.member_id"
        " WHERE m.voided_at IS NULL AND ms.starts_on <= %s"
        " AND (ms.ends_on IS NULL OR ms.ends_on > %s) GROUP BY sub.top"
    )
    with connection.cursor() as cursor:
        cursor.execute(units_sql, [*walk_params, day, day])
        units = {top: (n, g or 0, c or 0) for top, n, g, c in cursor.fetchall()}
        cursor.execute(members_sql, [*walk_params, day, day])
        members = {top: n for top, n in cursor.fetchall()}
    return units, members


def _root_node(unit: OrgUnit, day: date) -> TreeNode:
    units = present_on(day).filter(pk__in=subtree_ids(unit.pk, day))
    agg = units.aggregate(
        grassroots=Count("pk", filter=Q(kind__is_grassroots=True)),
        cells=Count("pk", filter=Q(kind__is_cell=True)),
        total=Count("pk"),
    )
    members = _members_in(subtree_ids(unit.pk, day), day)
    return TreeNode(
        unit=unit,
        members=members["total"],
        grassroots=agg["grassroots"],
        cells=agg["cells"],
        has_children=agg["total"] > 1,
    )


def unit_children_on(*, scope, parent: OrgUnit | None, day: date) -> list[TreeNode]:
    """Children of `parent` on `day` (the scope's roots that existed then when None), each with
    its subtree counts that day. A fixed number of queries whatever the number of children."""
    if parent is None:
        roots = list(scope_roots(scope=scope).filter(pk__in=present_on(day).values("pk")))
        return [_root_node(unit, day) for unit in _named_roots(roots, day)]
    under = UnitLink.objects.filter(Dated.q_on(day), parent=parent).values("unit_id")
    children = _named(
        list(
            present_on(day)
            .filter(scope.q("path"), pk__in=under)
            .select_related("kind")
            .order_by("kind__order", "sort_key")
        )
    )
    if not children:
        return []
    units, members = _grouped_counts(parent.pk, day)
    nodes = []
    for unit in children:
        total, grassroots, cells = units.get(unit.pk, (1, 0, 0))
        nodes.append(
            TreeNode(
                unit=unit,
                members=members.get(unit.pk, 0),
                grassroots=grassroots,
                cells=cells,
                has_children=total > 1,
            )
        )
    return nodes


def _named_roots(roots: list[OrgUnit], day: date) -> list[OrgUnit]:
    names = dict(present_on(day).filter(pk__in=[u.pk for u in roots]).values_list("pk", "name_on"))
    for unit in roots:
        unit.name = names.get(unit.pk, unit.name)
    return roots


# --- admissions and strike-offs in a period ---------------------------------------------------


def admitted_memberships(unit: OrgUnit, start: date, end: date) -> QuerySet[Membership]:
    """The registrations of admission (kết nạp) that `membership_changes` counts: the member's
    `admitted_on` in [start, end], the registration holding that day in U's subtree (as it stood
    on `end`), the member not voided."""
    admitted_day = F("member__admitted_on")
    return Membership.objects.filter(
        Q(ends_on__isnull=True) | Q(ends_on__gt=admitted_day),
        unit_id__in=subtree_ids(unit.pk, end),
        member__voided_at__isnull=True,
        member__admitted_on__gte=start,
        member__admitted_on__lte=end,
        starts_on__lte=admitted_day,
    )


def struck_off_memberships(unit: OrgUnit, start: date, end: date) -> QuerySet[Membership]:
    """The registrations ended by a strike-off (xóa tên) in [start, end] in U's subtree."""
    return Membership.objects.filter(
        unit_id__in=subtree_ids(unit.pk, end),
        member__voided_at__isnull=True,
        end_reason=MembershipEnd.STRUCK_OFF,
        ends_on__gte=start,
        ends_on__lte=end,
    )


def membership_changes(unit: OrgUnit, start: date, end: date) -> dict:
    """Members admitted (kết nạp) in [start, end] into a cell of U's subtree (as it stood on
    `end`): `Member.admitted_on` in the range and a registration holding that day in the
    subtree; and members struck off the list (xóa tên, `MembershipEnd.STRUCK_OFF`) in the range,
    by the registration it ended. Voided members never count. Two aggregate queries."""
    n = Count("member_id", distinct=True)
    admitted = admitted_memberships(unit, start, end).aggregate(n=n)["n"]
    struck = struck_off_memberships(unit, start, end).aggregate(n=n)["n"]
    return {"admitted": admitted, "struck_off": struck}
