"""`record_read()` / `record_reads()`: the access log of confidential reads (mật and above).

Pages call it after showing a record; it writes a `ReadEvent` only when the record's secrecy is
mật or tối mật. It is not the audit trail: no hash chain, no lock, no transaction of its own."""

from collections.abc import Callable, Iterable

from django.db import models

from ktgs.audit.context import Actor, current_actor
from ktgs.audit.models import ReadEvent
from ktgs.core.models import Secrecy

LOGGED_LEVELS = frozenset({Secrecy.CONFIDENTIAL, Secrecy.SECRET})


def record_read(
    target: models.Model, *, unit_id: int | None = None, actor: Actor | None = None
) -> ReadEvent | None:
    """Log that the current user (or `actor`) read `target`, if it is marked mật or above."""
    secrecy = getattr(target, "secrecy", Secrecy.NORMAL)
    if secrecy not in LOGGED_LEVELS:
        return None
    actor = actor or current_actor.get()
    return ReadEvent.objects.create(
        user_id=actor.id,
        user_name=actor.name,
        ip=actor.ip,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        secrecy=secrecy,
        unit_id=unit_id,
    )


def record_reads(
    targets: Iterable[models.Model],
    *,
    unit_id: Callable[[models.Model], int | None] = lambda target: None,
    actor: Actor | None = None,
) -> int:
    """A list page's reads: a list that shows what a record marked mật or above says (an
    inspection's topic, who a case or decision is about) reads it, as its own page does. One
    bulk insert for the page (none when no such record is shown), not a query per row.

    Log that the current user (or `actor`) read each of `targets` marked mật or above;
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
