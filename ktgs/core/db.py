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
