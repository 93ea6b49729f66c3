"""The ONLY place that decides what a user may see and do.

A user's scope is the union of the subtrees of the units where they hold a role today. Pages and
selectors ask `visible_to(user)` for a `Scope` and filter with it; a record outside the scope is a
404 (its existence does not leak), one inside it that the role may not change is a 403.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q
from django.utils import timezone

from ktgs.accounts.models import Assignment, Role

READ, EDIT, DECIDE, ADMINISTER = "read", "edit", "decide", "administer"

# What each role may do in the subtrees where it is held.
ROLE_ACTIONS: dict[str, frozenset[str]] = {
    Role.SYSADMIN: frozenset({READ, ADMINISTER}),
    Role.UBKT_LEADER: frozenset({READ, EDIT, DECIDE}),
    Role.INSPECTOR: frozenset({READ, EDIT}),
    Role.GRASSROOTS_OFFICER: frozenset({READ, EDIT}),
    Role.COMMITTEE_LEADER: frozenset({READ}),
}


@dataclass(frozen=True)
class Grant:
    path: str
    role: str


@dataclass(frozen=True)
class Scope:
    """What one user may reach: (unit path, role) grants, and their clearance."""

    grants: tuple[Grant, ...] = ()
    clearance: str = ""
    roots: tuple[str, ...] = field(default=())

    @property
    def is_empty(self) -> bool:
        return not self.grants

    def q(self, path_field: str = "path", action: str | None = None) -> Q:
        """Q limiting a queryset to rows whose unit path (reached by `path_field`) is in scope
        — or, with `action`, under a grant whose role allows that action."""
        roots = self.roots if action is None else self._roots_for(action)
        if not roots:
            return Q(pk__in=[])
        q = Q()
        for root in roots:
            q |= Q(**{f"{path_field}__startswith": root})
        return q

    def _roots_for(self, action: str) -> tuple[str, ...]:
        return _roots([g.path for g in self.grants if action in ROLE_ACTIONS.get(g.role, ())])

    def contains(self, path: str) -> bool:
        return any(path.startswith(root) for root in self.roots)

    def may(self, action: str, path: str) -> bool:
        return any(
            path.startswith(g.path) and action in ROLE_ACTIONS.get(g.role, ()) for g in self.grants
        )

    def may_anywhere(self, action: str) -> bool:
        return any(action in ROLE_ACTIONS.get(g.role, ()) for g in self.grants)


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
    return Scope(grants=grants, clearance=user.clearance, roots=_roots([g.path for g in grants]))
