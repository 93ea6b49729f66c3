"""The hash chain: a canonical serialisation of each event, linked to the previous one.

Canonical form: JSON with sorted keys, no whitespace, non-ASCII kept, the time as UTC
`YYYY-MM-DDTHH:MM:SS.ffffffZ`, ids as strings. The same bytes come out of SQLite and PostgreSQL,
so a chain written on one verifies on the other.
"""

import hashlib
import json
from datetime import UTC, datetime

GENESIS = "0" * 64
CHAINED_FIELDS = (
    "seq", "at", "action", "actor_id", "actor_name", "ip", "target_type", "target_id",
    "target_label", "unit_id", "changes", "details",
)  # fmt: skip


def _utc(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(row: dict) -> str:
    data = {}
    for name in CHAINED_FIELDS:
        value = row.get(name)
        if name == "at":
            value = _utc(value)
        elif name in ("seq", "actor_id", "unit_id") and value is not None:
            value = str(value)
        data[name] = value
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def link_hash(prev_hash: str, row: dict) -> str:
    return hashlib.sha256((prev_hash + canonical(row)).encode("utf-8")).hexdigest()
