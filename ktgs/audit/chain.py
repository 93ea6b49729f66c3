"""The chain: a canonical serialisation of each event, linked to the previous one.

Canonical form: JSON with sorted keys, no whitespace, non-ASCII kept, the time as UTC
`YYYY-MM-DDTHH:MM:SS.ffffffZ`, ids as strings. The same bytes come out of SQLite and PostgreSQL,
so a chain written on one verifies on the other.

Each event names its link (`AuditEvent.link`):
  "sha256"               SHA-256(prev_hash || canonical): the events written before the audit
                         key existed. Anyone holding the database can recompute them.
  "hmac-sha256:<key id>" HMAC-SHA256(audit key, prev_hash || canonical, `link` included): only
                         the holder of the key can write or recompute them.
The key id is a fingerprint of the key (HMAC of a fixed label), never the key.
"""

import hashlib
import hmac
import json
from datetime import UTC, datetime

GENESIS = "0" * 64
SHA256 = "sha256"
HMAC_PREFIX = "hmac-sha256:"
CHAINED_FIELDS = (
    "seq", "at", "action", "actor_id", "actor_name", "ip", "target_type", "target_id",
    "target_label", "unit_id", "changes", "details",
)  # fmt: skip
KEYED_FIELDS = (*CHAINED_FIELDS, "link")


def _utc(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(row: dict, fields: tuple[str, ...] = CHAINED_FIELDS) -> str:
    data = {}
    for name in fields:
        value = row.get(name)
        if name == "at":
            value = _utc(value)
        elif name in ("seq", "actor_id", "unit_id") and value is not None:
            value = str(value)
        data[name] = value
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def key_id(key: str) -> str:
    return hmac.new(key.encode("utf-8"), b"ktgs-audit-key-id", hashlib.sha256).hexdigest()[:16]


def keyed_link(key: str) -> str:
    return HMAC_PREFIX + key_id(key)


def link_key_id(link: str) -> str | None:
    """The key id a link names, or None for a SHA-256 link."""
    return link.removeprefix(HMAC_PREFIX) if link.startswith(HMAC_PREFIX) else None


def link_hash(prev_hash: str, row: dict, key: str | None = None) -> str:
    """SHA-256 link without a key (the events before the keyed chain), HMAC-SHA256 with one."""
    if key is None:
        return hashlib.sha256((prev_hash + canonical(row)).encode("utf-8")).hexdigest()
    message = (prev_hash + canonical(row, KEYED_FIELDS)).encode("utf-8")
    return hmac.new(key.encode("utf-8"), message, hashlib.sha256).hexdigest()
