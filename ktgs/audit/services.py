"""`record()`: the one writer of history. Services call it inside their own transaction."""

import json
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

from django.db import connection, models, transaction
from django.utils import timezone

from ktgs.audit import head
from ktgs.audit.chain import CHAINED_FIELDS, GENESIS, link_hash
from ktgs.audit.context import Actor, current_actor
from ktgs.audit.models import AuditEvent

AUDIT_LOCK_KEY = 5_800_201  # any constant: the advisory lock that serialises the chain


def _plain(value):
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple):  # e.g. changes={"field": [old, new]} holding dates
        return [_plain(v) for v in value]
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
    _lock_chain()
    last = AuditEvent.objects.order_by("-seq").values("seq", "hash").first()
    event = AuditEvent(
        seq=(last["seq"] + 1) if last else 1,
        at=timezone.now(),
        action=action,
        actor_id=actor.id,
        actor_name=actor.name,
        ip=actor.ip,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=str(target)[:255] if target is not None else "",
        unit_id=unit_id,
        changes=_json_safe(changes or {}),
        details=_json_safe(details or {}),
    )
    event.prev_hash = last["hash"] if last else GENESIS
    event.hash = link_hash(event.prev_hash, {f: getattr(event, f) for f in CHAINED_FIELDS})
    event.save(force_insert=True)
    transaction.on_commit(lambda: head.advance(event.seq, event.hash))
    return event


def _json_safe(data: dict) -> dict:
    """Values as JSON stores and returns them, so the hash is the same before and after."""
    return json.loads(json.dumps({k: _plain(v) for k, v in data.items()}, ensure_ascii=False))


def _lock_chain() -> None:
    """One writer at a time appends to the chain. SQLite's IMMEDIATE transactions already hold
    the database's write lock; PostgreSQL takes a transaction-scoped advisory lock."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [AUDIT_LOCK_KEY])
