"""Database housekeeping shared by the bulk writers (the demo load, imports)."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection


def refresh_statistics(*, vacuum: tuple[str, ...] = ()) -> None:
    """Let the query planner see the new size of the tables after a bulk load.

    SQLite never gathers statistics by itself: without them a member list filtered by unit walks
    every member in name order (3 s at 150,000 members; 30 ms after ANALYZE — docs/benchmarks.md).
    PostgreSQL's autovacuum would get there within a minute; doing it now costs well under a
    second. Runs outside any transaction on PostgreSQL, and is skipped inside one.

    `vacuum` (PostgreSQL; table names): VACUUM those tables first, so that their visibility map
    is set and the lists walking an index read no table row (an index-only scan) from the start,
    not only after autovacuum's next pass."""
    if connection.in_atomic_block:
        return
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for table in vacuum:
                cursor.execute(f"VACUUM {qn(table)}")
        cursor.execute("ANALYZE")


def recover_statistics(tables: list[str]) -> None:
    """Fresh statistics after a bulk load that failed or was killed: on PostgreSQL the rows a
    rolled-back COPY wrote stay behind as dead tuples until a VACUUM, and the planner's counts
    may be off: VACUUM ANALYZE each table (outside any transaction; skipped inside one). SQLite
    keeps nothing of a rolled-back transaction: ANALYZE alone."""
    if connection.in_atomic_block:
        return
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute("ANALYZE")
            return
        for table in tables:
            cursor.execute(f"VACUUM ANALYZE {qn(table)}")


def limit_session(name: str, statement_timeout: str) -> None:
    """PostgreSQL: name this connection's session (pg_stat_activity.application_name), end any
    of its statements running longer than `statement_timeout` ("15min"), and (PostgreSQL 14+)
    have the server notice within seconds a client that died mid-statement and cancel it,
    rather than run it — and hold its locks — to the end. Nothing to do on SQLite."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('application_name', %s, false)", [name])
        cursor.execute("SELECT set_config('statement_timeout', %s, false)", [statement_timeout])
        if connection.pg_version >= 140000:
            cursor.execute("SET client_connection_check_interval = '5s'")


@contextmanager
def indexes_rebuilt_after(models) -> Iterator[None]:
    """PostgreSQL, inside a transaction: drop the tables' secondary indexes and foreign keys,
    run the body (a bulk load), then build them again — one sort per index and one pass per
    foreign key instead of a b-tree insertion and a queued check per row. Constraint-backed
    indexes (primary key, unique fields) stay. DDL is transactional: if the body fails,
    everything is as before. Nothing to do on SQLite."""
    if connection.vendor != "postgresql" or not connection.in_atomic_block:
        yield
        return
    tables = [m._meta.db_table for m in models]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s)",
            [tables],
        )
        keys = cursor.fetchall()
        cursor.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = current_schema() "
            "AND i.tablename = ANY(%s) AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
            "WHERE c.conname = i.indexname)",
            [tables],
        )
        indexes = cursor.fetchall()
        qn = connection.ops.quote_name
        for table, name, _definition in keys:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {qn(name)}")
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {qn(name)}")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        for _name, definition in indexes:
            cursor.execute(definition)
        for table, name, definition in keys:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {qn(name)} {definition}")
