"""`record()`: the one writer of history. Services call it inside their own transaction."""

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

from django.db import models, transaction

from ktgs.audit.context import Actor, current_actor
from ktgs.audit.models import AuditEvent


def _plain(value):
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, Decimal):
        return str(value)
    return value


def diff(before: dict, after: dict, *, confidential: Iterable[str] = ()) -> dict:
    """Changed fields as {field: [before, after]}; confidential fields named, values redacted."""
    hidden = set(confidential)
    out = {}
    for key in sorted(set(before) | set(after)):
        old, new = _plain(before.get(key)), _plain(after.get(key))
        if old != new:
            out[key] = ["***", "***"] if key in hidden else [old, new]
    return out


def record(
    action: str,
    *,
    target: models.Model | None = None,
    unit_id: int | None = None,
    changes: dict | None = None,
    details: dict | None = None,
    actor: Actor | None = None,
) -> AuditEvent:
    """Write one audit event. Must run inside the caller's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record() phải được gọi trong giao dịch của dịch vụ.")
    actor = actor or current_actor.get()
    return AuditEvent.objects.create(
        action=action,
        actor_id=actor.id,
        actor_name=actor.name,
        ip=actor.ip,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=str(target)[:255] if target is not None else "",
        unit_id=unit_id,
        changes=changes or {},
        details={k: _plain(v) for k, v in (details or {}).items()},
    )
