"""The ONLY place that decides what a user may see and do.

A user's scope is the subtrees of the units where they hold a role today, and their clearance.
Pages and selectors ask `visible_to(user)` for a `Scope` (pages get it as `request.scope`) and
filter with it. The rule, per record type, is in docs/security.md:

* Units (the tree, unit pages, figures) are seen in every subtree where the user holds any role.
* A record (a member today; later inspections, decisions, letters) is seen when one of the units
  it concerns lies in a subtree where the user's role may read, AND its secrecy is not above the
  user's clearance, AND its model's exception hook does not hide it. The model says which units
  it concerns and what its exceptions are (`core.models.SecretRecord`), so this module imports
  no domain app.

A record outside the scope is a 404 (its existence does not leak); one inside it that the role
may not change is a 403.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from ktgs.accounts.models import Assignment, Role
from ktgs.core.models import Secrecy, levels_up_to

READ, EDIT, DECIDE, ADMINISTER = "read", "edit", "decide", "administer"

# What each role may do in the subtrees where it is held. A system administrator manages users,
# units and settings and reads no records (no member, case, decision or letter).
ROLE_ACTIONS: dict[str, frozenset[str]] = {
    Role.SYSADMIN: frozenset({ADMINISTER}),
    Role.UBKT_LEADER: frozenset({READ, EDIT, DECIDE}),
    Role.INSPECTOR: frozenset({READ, EDIT}),
    Role.GRASSROOTS_OFFICER: frozenset({READ, EDIT}),
    Role.COMMITTEE_LEADER: frozenset({READ}),
}

# Page families: what a page (or write) needs — any one of these actions in the unit concerned.
# Views name the family they need: `request.scope.may(UNITS_CHANGE, unit.path)`.
UNITS_VIEW = "units.view"  # home figures, the tree, unit pages: no person's data
UNITS_CHANGE = "units.change"  # create a unit, rename it, move it (see Scope.manages)
RECORDS_VIEW = "records.view"  # members (and later inspections, decisions, letters)
RECORDS_CHANGE = "records.change"  # add, edit, transfer, void a record
RECORDS_DECIDE = "records.decide"  # issue a decision (discipline, conclusions)
USERS_MANAGE = "users.manage"  # users, role assignments, settings
PAGE_FAMILIES: dict[str, frozenset[str]] = {
    UNITS_VIEW: frozenset({READ, ADMINISTER}),
    UNITS_CHANGE: frozenset({EDIT, ADMINISTER}),
    RECORDS_VIEW: frozenset({READ}),
    RECORDS_CHANGE: frozenset({EDIT}),
    RECORDS_DECIDE: frozenset({DECIDE}),
    USERS_MANAGE: frozenset({ADMINISTER}),
}


def _actions(what: str) -> frozenset[str]:
    """The actions that satisfy `what`: a page family, or a single action."""
    return PAGE_FAMILIES.get(what, frozenset({what}))


@dataclass(frozen=True)
class Grant:
    path: str
    role: str


@dataclass(frozen=True)
class Scope:
    """What one user may reach: (unit path, role) grants, and their clearance."""

    grants: tuple[Grant, ...] = ()
    clearance: str = Secrecy.NORMAL
    roots: tuple[str, ...] = field(default=())
    user_id: int | None = None
    member_id: int | None = None  # the party member the user is (User.member), when known

    @property
    def is_empty(self) -> bool:
        return not self.grants

    @property
    def secrecy_levels(self) -> tuple[str, ...]:
        """The secrecy levels this user may read (thường < mật < tối mật)."""
        return levels_up_to(self.clearance)

    def q(self, path_field: str = "path", action: str | None = None) -> Q:
        """Q limiting a queryset to rows whose unit path (reached by `path_field`) is in scope
        — or, with `action` (an action or a page family), under a grant that allows it."""
        roots = self.roots if action is None else self._roots_for(action)
        return _under(roots, (path_field,))

    def roots_for(self, action: str) -> tuple[str, ...]:
        """The top paths of the subtrees where the user may do `action` (or a page family)."""
        return self._roots_for(action)

    def _roots_for(self, action: str) -> tuple[str, ...]:
        allowed = _actions(action)
        return _roots([g.path for g in self.grants if allowed & ROLE_ACTIONS.get(g.role, set())])

    def contains(self, path: str) -> bool:
        return any(path.startswith(root) for root in self.roots)

    def may(self, action: str, path: str) -> bool:
        """May the user do `action` (an action or a page family) in the unit at `path`?"""
        allowed = _actions(action)
        return any(
            path.startswith(g.path) and allowed & ROLE_ACTIONS.get(g.role, set())
            for g in self.grants
        )

    def may_change(self, record, family: str = RECORDS_CHANGE) -> bool:
        """May the user change `record` and its sub-records (steps, files, votes...)? `family`
        in one of the units the record's own rule names (`record.change_unit_paths()`, one rule
        per record type; not every unit it concerns). The caller has checked `sees(record)`."""
        return any(self.may(family, path) for path in record.change_unit_paths())

    def manages(self, path: str) -> bool:
        """May the user rename or move the unit at `path`? That is the call of the body that
        manages it, its superior: `units.change` held in a unit ABOVE it, not in the unit itself
        (a grassroots officer does not rename its own đảng bộ). A system administrator may in
        every unit their grant covers, their own unit included. Creating a unit under `path`
        needs only `may(UNITS_CHANGE, path)`: the new unit's superior is `path`."""
        allowed = _actions(UNITS_CHANGE)
        return any(
            path.startswith(g.path)
            and allowed & (actions := ROLE_ACTIONS.get(g.role, frozenset()))
            and (path != g.path or ADMINISTER in actions)
            for g in self.grants
        )

    def may_anywhere(self, action: str) -> bool:
        allowed = _actions(action)
        return any(allowed & ROLE_ACTIONS.get(g.role, set()) for g in self.grants)

    # --- records: units it concerns, secrecy, exceptions ------------------------------------

    def visible(self, queryset: QuerySet, *, listing: bool = False) -> QuerySet:
        """`queryset` limited to the records this user sees; its model follows the protocol of
        `core.models.SecretRecord` (ACCESS_PATHS, access_exclusion).

        For a model with several access paths the filter takes one of two forms, each the fast
        one where the other is slow (docs/benchmarks.md, «seventh pass»):

        * checked (the default): each row the query reaches is checked by its paths, under one
          OR (a to-many path by EXISTS). Right for the records of one member, unit or record,
          and for a reader of a whole tree, whose lists walk their order and keep nearly every
          row (a member's inspections at the nation tier: 4 ms; gathered: 83 ms for a province's
          reader, 1 s for the nation's);
        * gathered, with `listing` (the caller lists the user's records: a page of them, their
          count) when every subtree the user reads lies below the top of its tree: the ids each
          path reaches, one indexed subquery per path, their union — a province's few thousand
          among the nation's (its inspections list: 0.28 s where checking took 5.9 s)."""
        model = queryset.model
        many = len(model.ACCESS_PATHS) > 1
        reached = self._gathered if listing and many and self._below_top() else self._checked
        rows = queryset.filter(reached(model), secrecy__in=self.secrecy_levels)
        exclusion = model.access_exclusion(self)
        if exclusion is not None:
            rows = rows.exclude(exclusion)
        return rows

    def _below_top(self) -> bool:
        """Does every subtree the user reads records in lie below the top of its tree (a path
        of more than one segment)?"""
        return all(root.count(".") > 1 for root in self._roots_for(RECORDS_VIEW))

    def _checked(self, model) -> Q:
        """Rows with a unit, by any of the model's access paths, where the user may read: each
        path a condition on the row (a to-many one by EXISTS, which repeats no row)."""
        roots = self._roots_for(RECORDS_VIEW)
        q = Q()
        for path in model.ACCESS_PATHS:
            relation, rest = _to_many(model, path)
            if relation is None:
                q |= _under(roots, (path,))
            else:
                related = relation.related_model._base_manager.filter(
                    _under(roots, (rest,)), **{relation.field.attname: OuterRef("pk")}
                )
                q |= Q(Exists(related))
        return q

    def _gathered(self, model) -> Q:
        """The same rows as `_checked`: the ids each access path reaches (one indexed
        subquery per path, a to-many path read on the related table alone), their union."""
        roots = self._roots_for(RECORDS_VIEW)
        ids = [_ids_through(model, path, roots) for path in model.ACCESS_PATHS]
        return Q(pk__in=ids[0].union(*ids[1:], all=True))

    def reads_through(self, model, path_field: str, path: str) -> bool:
        """Are the rows of `model` known to reach the unit at `path` by `path_field` (one of
        the model's ACCESS_PATHS) all seen, their clearance allowing? Yes when the user may
        read at `path` and the model excludes no reader beyond scope and clearance: `visible()`
        keeps every such row whose secrecy the clearance allows, so a caller may filter them by
        `secrecy_levels` alone and skip the join of the other paths."""
        return (
            path_field in model.ACCESS_PATHS
            and model.access_exclusion(self) is None
            and self.may(RECORDS_VIEW, path)
        )

    def sees(self, record) -> bool:
        """Does the user see this one record? The same rule as `visible()`."""
        if getattr(record, "secrecy", None) not in self.secrecy_levels:
            return False
        roots = self._roots_for(RECORDS_VIEW)
        if not any(p.startswith(r) for p in record.access_unit_paths() for r in roots):
            return False
        return not record.access_excluded(self)


def _under(roots: tuple[str, ...], path_fields: tuple[str, ...]) -> Q:
    """Q for rows with any of `path_fields` in one of the subtrees `roots`."""
    if not roots or not path_fields:
        return Q(pk__in=[])
    q = Q()
    for path_field in path_fields:
        for root in roots:
            q |= Q(**{f"{path_field}__startswith": root})
    return q


def _to_many(model, path: str):
    """(the reverse to-many relation `path` starts with, the rest of the path), or (None, "")
    for a path through to-one relations only."""
    first, _, rest = path.partition("__")
    relation = model._meta.get_field(first)
    return (relation, rest) if relation.one_to_many and rest else (None, "")


def _ids_through(model, path: str, roots: tuple[str, ...]) -> QuerySet:
    """The ids of `model` whose unit, reached by `path`, lies in one of the subtrees `roots`.
    A path that starts with a to-many relation (`subjects__unit__path`) is read on the related
    model (`InspectionSubject`: its `inspection_id`), without joining `model` again."""
    relation, rest = _to_many(model, path)
    if relation is not None:
        related = relation.related_model._base_manager.filter(_under(roots, (rest,)))
        return related.order_by().values(relation.field.attname)
    return model._base_manager.filter(_under(roots, (path,))).order_by().values("pk")


def _roots(paths: list[str]) -> tuple[str, ...]:
    """Drop paths that lie inside another path of the list."""
    roots: list[str] = []
    for path in sorted(set(paths)):
        if not any(path.startswith(r) for r in roots):
            roots.append(path)
    return tuple(roots)


def visible_to(user, on: date | None = None) -> Scope:
    if user is None or not user.is_authenticated or not user.is_active:
        return Scope()
    on = on or timezone.localdate()
    rows = Assignment.objects.filter(
        Assignment.q_on(on), user=user, unit__voided_at__isnull=True
    ).values_list("unit__path", "role")
    grants = tuple(Grant(path, role) for path, role in rows)
    return Scope(
        grants=grants,
        clearance=user.clearance,
        roots=_roots([g.path for g in grants]),
        user_id=user.pk,
        member_id=user.member_id,
    )


# Who must sign in with a second factor (a TOTP code); anyone else may choose to (issue 3, 6).
TWO_FACTOR_ROLES: frozenset[str] = frozenset({Role.SYSADMIN, Role.UBKT_LEADER})


def two_factor_required(on: date | None = None) -> Q:
    """Q on User: who must use a second factor on `on` (today) — a superuser, or a user holding
    a role of TWO_FACTOR_ROLES in an assignment current that day, in any unit."""
    holders = Assignment.objects.filter(
        Assignment.q_on(on or timezone.localdate()), role__in=TWO_FACTOR_ROLES
    ).values("user_id")
    return Q(is_superuser=True) | Q(pk__in=holders)
