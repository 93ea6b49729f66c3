"""Row counts and per-table checksums, the same on SQLite and PostgreSQL for the same data.

Each table is read in primary-key order, streamed in chunks, and every row is hashed as one line
of canonical JSON: the values in column order, dates and times in ISO form (times in UTC),
decimals as text, booleans as 0/1, bytes as hex, JSON values with sorted keys. Tables that belong
to a Django model are read through the model, so both engines hand back the same Python values;
a table no model knows, or whose columns differ from its model's (migrations not yet run), is
read raw, in primary-key order — still equal before and after a restore on the same engine.
"""

import hashlib
import json
import uuid
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from ipaddress import IPv4Address, IPv6Address

from django.apps import apps
from django.db import connections
from django.db.migrations.recorder import MigrationRecorder

from ktgs.audit.models import AuditEvent
from ktgs.audit.verify import SWITCH_ACTIONS

CHUNK = 2000
# Rows that `ktgs migrate` writes by itself (the unit kinds): an empty database has them.
SEEDED_BY_MIGRATIONS = frozenset({"orgs_orgkind", "orgs_orgkind_allowed_parents"})


def _plain(value):
    """One value in its engine-independent form (JSON-ready)."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.isoformat(timespec="microseconds")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, Decimal | uuid.UUID | IPv4Address | IPv6Address):
        return str(value)
    if isinstance(value, timedelta):
        return value // timedelta(microseconds=1)
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    return value


def canonical_row(values) -> bytes:
    data = [_plain(v) for v in values]
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.encode("utf-8") + b"\n"


def _models_by_table() -> dict:
    by_table = {MigrationRecorder.Migration._meta.db_table: MigrationRecorder.Migration}
    for model in apps.get_models(include_auto_created=True):
        opts = model._meta
        if opts.managed and not opts.proxy:
            by_table.setdefault(opts.db_table, model)
    return by_table


def _model_rows(model, using: str):
    names = [f.attname for f in model._meta.concrete_fields]
    rows = model._base_manager.using(using).order_by("pk").values_list(*names)
    return rows.iterator(chunk_size=CHUNK)


def _raw_rows(table: str, using: str):
    conn = connections[using]
    quote = conn.ops.quote_name
    with conn.cursor() as cursor:
        keys = conn.introspection.get_primary_key_columns(cursor, table) or []
        if not keys:
            columns = conn.introspection.get_table_description(cursor, table)
            keys = [c.name for c in columns]
        order = ", ".join(quote(k) for k in keys)
        cursor.execute(f"SELECT * FROM {quote(table)} ORDER BY {order}")
        while chunk := cursor.fetchmany(CHUNK):
            yield from chunk


def _matches(model, table: str, using: str) -> bool:
    """The table has exactly the model's columns (not so before pending migrations run)."""
    conn = connections[using]
    with conn.cursor() as cursor:
        columns = {c.name for c in conn.introspection.get_table_description(cursor, table)}
    return columns == {f.column for f in model._meta.concrete_fields}


def table_checksum(table: str, using: str = "default", models: dict | None = None) -> dict:
    model = (models if models is not None else _models_by_table()).get(table)
    if model is not None and _matches(model, table, using):
        rows = _model_rows(model, using)
    else:
        rows = _raw_rows(table, using)
    digest, count = hashlib.sha256(), 0
    for row in rows:
        digest.update(canonical_row(row))
        count += 1
    return {"rows": count, "sha256": digest.hexdigest()}


def table_names(using: str = "default") -> list[str]:
    return sorted(connections[using].introspection.table_names())


def table_checksums(using: str = "default") -> dict[str, dict]:
    """{table: {"rows": n, "sha256": hex}} for every table of the database."""
    models = _models_by_table()
    return {table: table_checksum(table, using, models) for table in table_names(using)}


def populated_ktgs_tables(using: str = "default") -> list[str]:
    """KTGS tables (of the ktgs.* apps) holding rows other than what migrations seed."""
    present = set(table_names(using)) - SEEDED_BY_MIGRATIONS
    return [
        table
        for table, model in sorted(_models_by_table().items())
        if table in present and _is_ktgs(model) and _has_data(model, using)
    ]


def _has_data(model, using: str) -> bool:
    rows = model._base_manager.using(using)
    if model is AuditEvent:  # `ktgs migrate` writes the switch to the audit key by itself
        rows = rows.exclude(action__in=SWITCH_ACTIONS)
    return rows.exists()


def _is_ktgs(model) -> bool:
    app = model._meta.app_config  # None for Django's migration recorder
    return app is not None and app.name.startswith("ktgs.")


def differences(expected: dict[str, dict], actual: dict[str, dict]) -> list[str]:
    """Vietnamese lines naming each table whose rows or checksum differ."""
    lines = []
    for table in sorted(set(expected) | set(actual)):
        want, got = expected.get(table), actual.get(table)
        if want is None:
            lines.append(f"Bảng {table} có sau khôi phục nhưng không có trong bản sao lưu.")
        elif got is None:
            lines.append(f"Bảng {table} có trong bản sao lưu nhưng không có sau khôi phục.")
        elif want["rows"] != got["rows"]:
            lines.append(f"Bảng {table}: {got['rows']} dòng, bản sao lưu ghi {want['rows']} dòng.")
        elif want["sha256"] != got["sha256"]:
            lines.append(f"Bảng {table}: cùng {got['rows']} dòng nhưng nội dung khác (checksum).")
    return lines
