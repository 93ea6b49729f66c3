"""The flags of a closed period, kept (docs/submissions.md, «Số liệu thay đổi sau khi chốt»).

Computing them (`services.closure_flags`) costs each included unit's figures again — about nine
aggregate queries per unit. They change only when a record changes, and every change made
through KTGS records an audit event naming its record's unit. So the flags are stored with the
audit chain's head of the moment (`PeriodClosure.checked_*`), and recomputed only when an event
has been recorded since in the superior's subtree (one indexed query), or when a user asks
(«Kiểm tra lại»: a change written outside KTGS's services leaves no event)."""

from django.db.models import Max
from django.utils import timezone

from ktgs.audit.models import AuditEvent
from ktgs.orgs.models import OrgUnit
from ktgs.submissions import services
from ktgs.submissions.models import PeriodClosure

OWN_ACTIONS = ("submissions.", "reports.")  # recorded by submitting and reporting themselves


def _events_since(closure: PeriodClosure, seq: int):
    rows = AuditEvent.objects.filter(
        seq__gt=seq,
        unit_id__in=OrgUnit.objects.filter(path__startswith=closure.unit.path).values("pk"),
    )
    for prefix in OWN_ACTIONS:
        rows = rows.exclude(action__startswith=prefix)
    return rows


def closure_flags(closure: PeriodClosure, *, force: bool = False) -> list[services.Flag]:
    """The closure's flags: the stored ones while no event was recorded in its subtree since
    they were computed; otherwise (or when `force`) computed again and stored."""
    fresh = closure.checked_seq is not None and not force
    if fresh and not _events_since(closure, closure.checked_seq).exists():
        return _read(closure.checked_flags)
    head = AuditEvent.objects.aggregate(n=Max("seq"))["n"] or 0
    flags = services.closure_flags(closure)
    stored = [
        {
            "unit": f.unit.pk,
            "changes": [list(c) for c in f.changes],
            "events": [e.pk for e in f.events],
        }
        for f in flags
    ]
    now = timezone.now()
    PeriodClosure.objects.filter(pk=closure.pk).update(
        checked_flags=stored, checked_seq=head, checked_at=now
    )
    closure.checked_flags, closure.checked_seq, closure.checked_at = stored, head, now
    return flags


def _read(stored: list) -> list[services.Flag]:
    """Stored flags as `services.Flag`s: their units and events in two queries."""
    units = OrgUnit.objects.in_bulk([f["unit"] for f in stored])
    events = AuditEvent.objects.in_bulk([pk for f in stored for pk in f["events"]])
    return [
        services.Flag(
            units[f["unit"]],
            [tuple(c) for c in f["changes"]],
            [events[pk] for pk in f["events"] if pk in events],
        )
        for f in stored
        if f["unit"] in units
    ]
