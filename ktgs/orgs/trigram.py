"""The trigram indexes of the folded search keys on PostgreSQL (docs/decisions/0012).

`LIKE '%nguyen van%'` on `Member.search_key` (and the units' `search_key`/`place_key`, which the
name picker reads) is served by GIN indexes with `gin_trgm_ops`, from the `pg_trgm` extension.
`pg_trgm` is a trusted extension (PostgreSQL 13+): the owner of the database may create it. Where
it cannot be created (an older server, a role without the right, the contrib package missing),
nothing fails: `migrate` says so, the searches scan (correct, slower: docs/benchmarks.md), the
system check `orgs.W001` names what is missing, and the next `ktgs migrate` after
`CREATE EXTENSION pg_trgm;` (run once by a superuser) creates the indexes — `install` runs after
every `migrate` and does nothing when they exist.
"""

import logging

from django.db import DatabaseError, transaction

log = logging.getLogger(__name__)

INDEXES = (
    ("orgs_orgunit_search_trgm", "orgs_orgunit", "search_key"),
    ("orgs_orgunit_place_trgm", "orgs_orgunit", "place_key"),
    ("orgs_member_search_trgm", "orgs_member", "search_key"),
)
NO_EXTENSION = (
    "PostgreSQL: không tạo được extension pg_trgm ({error}); tìm kiếm theo tên vẫn đúng nhưng "
    "quét cả bảng. Người quản trị cơ sở dữ liệu chạy một lần `CREATE EXTENSION pg_trgm;` "
    "(quyền superuser) rồi chạy lại `ktgs migrate` để tạo chỉ mục."
)


def applicable(connection) -> bool:
    """PostgreSQL, with the folded-key columns there (migrated at least to orgs 0009)."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM information_schema.columns WHERE table_schema = "
            "current_schema() AND (table_name, column_name) IN "
            "(('orgs_orgunit', 'place_key'), ('orgs_member', 'search_key'))"
        )
        return cursor.fetchone()[0] == 2


def missing(connection) -> list[str]:
    """The names of the trigram indexes not in the database (PostgreSQL; [] elsewhere)."""
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() "
            "AND indexname = ANY(%s)",
            [[name for name, _table, _column in INDEXES]],
        )
        present = {name for (name,) in cursor.fetchall()}
    return [name for name, _table, _column in INDEXES if name not in present]


def install(connection) -> str:
    """Create `pg_trgm` and the indexes where missing; "" when done (or not PostgreSQL), else
    why not (said, never raised: the application works without them)."""
    if connection.vendor != "postgresql" or not missing(connection):
        return ""
    try:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DatabaseError as exc:
        why = NO_EXTENSION.format(error=str(exc).strip().splitlines()[0])
        log.warning(why)
        return why
    with connection.cursor() as cursor:
        for name, table, column in INDEXES:
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({column} gin_trgm_ops)"
            )
    return ""


def drop(connection) -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for name, _table, _column in INDEXES:
            cursor.execute(f"DROP INDEX IF EXISTS {name}")
