"""Database housekeeping shared by the bulk writers (the demo load, imports)."""

from django.db import connection


def refresh_statistics() -> None:
    """Let the query planner see the new size of the tables after a bulk load.

    SQLite never gathers statistics by itself: without them a member list filtered by unit walks
    every member in name order (3 s at 150,000 members; 30 ms after ANALYZE — docs/benchmarks.md).
    PostgreSQL's autovacuum would get there within a minute; doing it now costs well under a
    second. Runs outside any transaction on PostgreSQL, and is skipped inside one."""
    if connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
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
