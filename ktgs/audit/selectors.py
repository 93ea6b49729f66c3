"""Reads of the audit trail for its two pages, limited to what the user may see.

`audit` comes before `orgs` and `accounts` in the dependency order, so this module imports
neither. It uses the user's scope through the shape `request.scope` has (`grants`, each with
`path` and `role`; `secrecy_levels`), and it resolves an event's unit id — a plain integer, not a
foreign key — by looking the unit model up by name at call time (`apps.get_model("orgs",
"OrgUnit")`), in `_units()` only: a read of a later app's table, never an import of its code.

Who sees what (the decision lives here until accounts/access.py takes it over):
* The search page is for users holding `ubkt_leader` or `sysadmin` somewhere (`may_search`).
  It lists the events whose unit lies in a subtree where the user holds one of those roles;
  a system administrator also sees the events of no unit (users, imports, the demo load).
* Values — the before/after of changed fields, the details, the record's label — are shown for
  an event whose unit lies under a `ubkt_leader` grant (search page) or under any grant but
  `sysadmin` (the "Lịch sử" panel). Under a `sysadmin` grant alone, and for events of no unit,
  a page shows who, when, what and which fields, never the values.
* On the search page, an event about a record above the user's clearance, or hidden from them by
  the record's own exception (`SecretRecord.access_excluded`), shows no label and no values.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.apps import apps
from django.db.models import Q, QuerySet
from django.utils import timezone

from ktgs.audit.labels import TARGET_LABELS, model_for
from ktgs.audit.models import AuditEvent, ReadEvent
from ktgs.core.models import SecretRecord

LEADER, ADMIN = "ubkt_leader", "sysadmin"
SEARCH_ROLES = frozenset({LEADER, ADMIN})


# --- policy ----------------------------------------------------------------------------------


def _paths(scope, roles) -> list[str]:
    return [g.path for g in scope.grants if g.role in roles]


def may_search(scope) -> bool:
    """May the user open the audit search page? (else 403)"""
    return bool(_paths(scope, SEARCH_ROLES))


def may_see_values(scope) -> bool:
    """Does the search page show this user any values at all? (no: administrators only)"""
    return bool(_paths(scope, {LEADER}))


def _value_roles(scope, *, panel: bool) -> set[str]:
    if panel:
        return {g.role for g in scope.grants} - {ADMIN}
    return {LEADER}


def _under(paths: list[str], field: str = "path") -> Q:
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(**{f"{field}__startswith": path})
    return q


# --- lookups ---------------------------------------------------------------------------------


def _units():
    return apps.get_model("orgs", "OrgUnit")


def search_unit(*, scope, code: str):
    """The unit with `code` if it lies where the user may search, else None."""
    return _units().objects.filter(_under(_paths(scope, SEARCH_ROLES)), code=code).first()


def record_types() -> list[tuple[str, str]]:
    """(target type, label) for the search form: the labelled types and every secret record."""
    types = dict(TARGET_LABELS)
    for model in apps.get_models():
        if issubclass(model, SecretRecord):
            types.setdefault(model._meta.label_lower, str(model._meta.verbose_name).capitalize())
    return sorted(types.items(), key=lambda item: item[1])


# --- the search page -------------------------------------------------------------------------


@dataclass(frozen=True)
class Search:
    since: date | None = None
    until: date | None = None
    action: str = ""
    actor: str = ""
    target_type: str = ""
    target_id: str = ""
    unit: object | None = None  # an OrgUnit from search_unit()


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def event_search(*, scope, search: Search) -> QuerySet[AuditEvent]:
    units = _units().objects.filter(_under(_paths(scope, SEARCH_ROLES)))
    if search.unit is not None:
        units = units.filter(path__startswith=search.unit.path)
    where = Q(unit_id__in=units.values("pk"))
    if search.unit is None and _paths(scope, {ADMIN}):
        where |= Q(unit_id__isnull=True)
    events = AuditEvent.objects.filter(where)
    if search.since:
        events = events.filter(at__gte=_start_of(search.since))
    if search.until:
        events = events.filter(at__lt=_start_of(search.until + timedelta(days=1)))
    exact = {
        "action": search.action,
        "target_type": search.target_type,
        "target_id": search.target_id,
    }
    events = events.filter(**{name: value for name, value in exact.items() if value})
    if search.actor:
        events = events.filter(actor_name__icontains=search.actor)
    return events.order_by("-seq")


# --- the read log (reads of records marked mật or above) ---------------------------------------


@dataclass(frozen=True)
class ReadSearch:
    roots: tuple[str, ...]  # the subtrees the reader of the log covers
    unit: object | None = None  # an OrgUnit inside them
    user_id: int | None = None
    since: date | None = None
    until: date | None = None
    before: int | None = None  # the id of the last row of the previous page (keyset)


def read_log(search: ReadSearch, *, limit: int) -> list[ReadEvent]:
    """The reads of records concerning units in `search.roots` (or `search.unit`'s subtree),
    newest first, `limit` + 1 rows (one more tells there is a next page). Keyset paging on
    (at, id) over the (unit_id, at) and (user_id, at) indexes: no COUNT of the table."""
    units = _units().objects.filter(_under(list(search.roots)))
    if search.unit is not None:
        units = units.filter(path__startswith=search.unit.path)
    rows = ReadEvent.objects.filter(unit_id__in=units.values("pk"))
    if search.user_id is not None:
        rows = rows.filter(user_id=search.user_id)
    if search.since:
        rows = rows.filter(at__gte=_start_of(search.since))
    if search.until:
        rows = rows.filter(at__lt=_start_of(search.until + timedelta(days=1)))
    if search.before is not None:
        last = ReadEvent.objects.filter(pk=search.before).values_list("at", flat=True).first()
        if last is not None:
            rows = rows.filter(Q(at__lt=last) | Q(at=last, pk__lt=search.before))
    return list(rows.order_by("-at", "-pk")[: limit + 1])


# --- the "Lịch sử" panel ---------------------------------------------------------------------


def target_history(*, target, limit: int) -> list[AuditEvent]:
    """The newest `limit` + 1 events about `target` (one more, to tell there are more)."""
    rows = AuditEvent.objects.filter(
        target_type=target._meta.label_lower, target_id=str(target.pk)
    ).order_by("-seq")
    return list(rows[: limit + 1])


def correction_history(*, targets: list, limit: int) -> list[AuditEvent]:
    """The newest `limit` + 1 corrections ("….corrected" events) of these records."""
    if not targets:
        return []
    q = Q()
    for t in targets:
        q |= Q(target_type=t._meta.label_lower, target_id=str(t.pk))
    rows = AuditEvent.objects.filter(q, action__endswith=".corrected").order_by("-seq")
    return list(rows[: limit + 1])


# --- what each listed event may show ---------------------------------------------------------


def annotate(events: list[AuditEvent], *, scope, panel: bool) -> list[AuditEvent]:
    """Set `unit` (or None), `show_values` and `target_hidden` on each event: one query for
    the units, and on the search page one per type of secret record listed."""
    ids = {e.unit_id for e in events if e.unit_id is not None}
    units = _units().objects.only("code", "name", "path").in_bulk(ids) if ids else {}
    paths = _paths(scope, _value_roles(scope, panel=panel))
    for event in events:
        event.unit = units.get(event.unit_id)
        event.show_values = event.unit is not None and any(
            event.unit.path.startswith(p) for p in paths
        )
        event.target_hidden = False
    if not panel:
        _hide_secret_targets(events, scope)
    return events


def _hide_secret_targets(events: list[AuditEvent], scope) -> None:
    by_type = defaultdict(list)
    for event in events:
        if event.target_type and event.target_id:
            by_type[event.target_type].append(event)
    for target_type, listed in by_type.items():
        model = model_for(target_type)
        if model is None or not issubclass(model, SecretRecord):
            continue
        records = model._base_manager.in_bulk({e.target_id for e in listed})
        records = {str(pk): record for pk, record in records.items()}
        for event in listed:
            record = records.get(event.target_id)
            if record is not None and _hidden_from(record, scope):
                event.target_hidden, event.show_values = True, False


def _hidden_from(record, scope) -> bool:
    return record.secrecy not in scope.secrecy_levels or record.access_excluded(scope)
