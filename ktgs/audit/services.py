"""`record()`: the one writer of history. Services call it inside their own transaction."""

import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ImproperlyConfigured
from django.db import connection, models, transaction
from django.utils import timezone

from ktgs.audit import head, keys
from ktgs.audit.chain import GENESIS, KEYED_FIELDS, SHA256, link_hash, link_key_id
from ktgs.audit.context import Actor, current_actor
from ktgs.audit.models import AuditEvent

KEYED = "audit.chain.keyed"  # the first event linked with the audit key
ROTATED = "audit.chain.key_rotated"  # the first event linked with a new audit key
AUDIT_LOCK_KEY = 5_800_201  # any constant: the advisory lock that serialises the chain
_pending: ContextVar[list | None] = ContextVar("audit_pending", default=None)


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
    fields = {
        "action": action,
        "actor": actor,
        "target": target,
        "unit_id": unit_id,
        "changes": _json_safe(changes or {}),
        "details": _json_safe(details or {}),
    }
    pending = _pending.get()
    if pending is not None:  # appended when the deferred block ends
        pending.append(fields)
        return AuditEvent(action=action, unit_id=unit_id, changes=fields["changes"])
    _lock_chain()
    return _append(_switch_key_if_needed(actor), **fields)


@contextmanager
def deferred() -> Iterator[None]:
    """Events recorded inside the block are appended to the chain together when it ends without
    an error, still inside the caller's transaction (an error appends nothing: the transaction
    rolls back anyway). The chain lock — on PostgreSQL held until the commit — is then taken for
    that short append only, not from the first record of a long bulk write (an import) to its
    end, which would stop every other service's `record()` meanwhile."""
    if _pending.get() is not None:  # nested: the outer block appends
        yield
        return
    pending: list[dict] = []
    token = _pending.set(pending)
    try:
        yield
    finally:
        _pending.reset(token)
    if pending:
        _lock_chain()
        last = _switch_key_if_needed(pending[0]["actor"])
        for fields in pending:
            event = _append(last, **fields)
            last = {"seq": event.seq, "hash": event.hash, "link": event.link}


def chain_key_sync() -> AuditEvent | None:
    """Link the chain with the current audit key now (after `migrate`): the event switching to
    the keyed chain, or to a new key, when it is not written yet. None when nothing changed."""
    with transaction.atomic():
        _lock_chain()
        last = _last()
        if last is not None and last["link"] == keys.current_link():
            return None
        return _append_switch(last, current_actor.get()) if keys.current() else None


def _last() -> dict | None:
    return AuditEvent.objects.order_by("-seq").values("seq", "hash", "link").first()


def _switch_key_if_needed(actor: Actor) -> dict | None:
    """The last event, after writing the switch to the current key when the chain needs it.

    Events already written keep their links: the chain is never recomputed. The first event
    linked with a key is `audit.chain.keyed`; the first one with a new key
    `audit.chain.key_rotated` (which names the old key's id)."""
    last = _last()
    link = keys.current_link()
    if last is None and link == SHA256 or last is not None and last["link"] == link:
        return last
    if link == SHA256:
        raise ImproperlyConfigured(
            "Chuỗi nhật ký thao tác đã dùng khóa: đặt KTGS_AUDIT_KEY (không ghi tiếp không khóa)."
        )
    switch = _append_switch(last, actor)
    return {"seq": switch.seq, "hash": switch.hash, "link": switch.link}


def _append_switch(last: dict | None, actor: Actor) -> AuditEvent:
    new_id = link_key_id(keys.current_link())
    old_id = link_key_id(last["link"]) if last else None
    if old_id is None:
        return _append(last, action=KEYED, actor=actor, details={"key": new_id}, upgrade=True)
    return _append(last, action=ROTATED, actor=actor, details={"from": old_id, "to": new_id})


def _append(last: dict | None, *, action: str, actor: Actor, upgrade=False, **fields):
    target = fields.pop("target", None)
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
        link=keys.current_link(),
        **fields,
    )
    event.prev_hash = last["hash"] if last else GENESIS
    row = {f: getattr(event, f) for f in KEYED_FIELDS}
    event.hash = link_hash(event.prev_hash, row, keys.current())
    event.save(force_insert=True)
    transaction.on_commit(lambda: head.advance(event.seq, event.hash, upgrade=upgrade))
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
