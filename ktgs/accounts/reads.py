"""`record_reads()`: the read log of a list page. A list that shows what a record marked mật or
tối mật says (an inspection's topic, who a discipline case or decision is about) is a reading
of that record, as its own page is (`audit.reads.record_read`): one `ReadEvent` per such record
on the page, written in ONE bulk insert (none when the page shows no such record), not a query
per row.

It belongs next to `audit.reads.record_read`; it lives here only while ktgs/audit is being
changed on another branch (see the issue 10 report): move it there and keep this name.
"""

from collections.abc import Callable, Iterable

from django.db import models

from ktgs.audit.context import Actor, current_actor
from ktgs.audit.models import ReadEvent
from ktgs.audit.reads import LOGGED_LEVELS


def record_reads(
    targets: Iterable[models.Model],
    *,
    unit_id: Callable[[models.Model], int | None] = lambda target: None,
    actor: Actor | None = None,
) -> int:
    """Log that the current user (or `actor`) read each of `targets` marked mật or above;
    `unit_id(target)` names the unit stored with each event. Returns how many were logged."""
    actor = actor or current_actor.get()
    events = [
        ReadEvent(
            user_id=actor.id,
            user_name=actor.name,
            ip=actor.ip,
            target_type=target._meta.label_lower,
            target_id=str(target.pk),
            secrecy=target.secrecy,
            unit_id=unit_id(target),
        )
        for target in targets
        if getattr(target, "secrecy", None) in LOGGED_LEVELS
    ]
    if events:
        ReadEvent.objects.bulk_create(events)
    return len(events)
