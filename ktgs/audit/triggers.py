"""Database triggers that make `audit_auditevent` append-only, on SQLite and PostgreSQL.

Test-only way round them: `ktgs.audit.testing.triggers_lifted()` removes them for the duration of
a block (used by the tests that tamper with the chain on purpose, never by the application).
"""

TABLE = "audit_auditevent"
MESSAGE = "Nhật ký thao tác chỉ được ghi thêm, không được sửa hay xóa."

SQLITE = [
    f"CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON {TABLE} "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
    f"CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON {TABLE} "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
]
SQLITE_DROP = ["DROP TRIGGER IF EXISTS audit_no_update", "DROP TRIGGER IF EXISTS audit_no_delete"]

POSTGRES = [
    "CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
    f"BEGIN RAISE EXCEPTION '{MESSAGE}'; END $$",
    f"CREATE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON {TABLE} "
    "FOR EACH ROW EXECUTE FUNCTION audit_append_only()",
    f"CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON {TABLE} "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()",
]
POSTGRES_DROP = [
    f"DROP TRIGGER IF EXISTS audit_no_change ON {TABLE}",
    f"DROP TRIGGER IF EXISTS audit_no_truncate ON {TABLE}",
]


def _statements(connection, *, drop: bool) -> list[str]:
    if connection.vendor == "sqlite":
        return SQLITE_DROP if drop else SQLITE
    if connection.vendor == "postgresql":
        return POSTGRES_DROP if drop else POSTGRES
    raise NotImplementedError(f"KTGS chưa hỗ trợ cơ sở dữ liệu {connection.vendor}.")


def install(connection) -> None:
    """(Re)create the triggers: any trigger of the same name, changed or not, is replaced."""
    with connection.cursor() as cursor:
        for sql in _statements(connection, drop=True) + _statements(connection, drop=False):
            cursor.execute(sql)


def remove(connection) -> None:
    with connection.cursor() as cursor:
        for sql in _statements(connection, drop=True):
            cursor.execute(sql)


# name → what its definition must say (SQLite: sqlite_master.sql; PostgreSQL: the trigger's
# definition and its function's body)
EXPECTED = {
    "sqlite": {"audit_no_update": "BEFORE UPDATE", "audit_no_delete": "BEFORE DELETE"},
    "postgresql": {
        "audit_no_change": "BEFORE DELETE OR UPDATE",  # as pg_get_triggerdef writes it
        "audit_no_truncate": "BEFORE TRUNCATE",
    },
}
SQLITE_FOUND = "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s"
POSTGRES_FOUND = (
    "SELECT t.tgname, pg_get_triggerdef(t.oid) || ' ' || p.prosrc FROM pg_trigger t "
    "JOIN pg_proc p ON p.oid = t.tgfoid WHERE t.tgrelid = %s::regclass AND NOT t.tgisinternal "
    "AND t.tgenabled IN ('O', 'A')"
)
RAISES = {"sqlite": "RAISE(ABORT", "postgresql": "RAISE EXCEPTION"}


def missing(connection) -> list[str]:
    """The append-only triggers that are absent, disabled or no longer refuse the change."""
    expected = EXPECTED.get(connection.vendor)
    if expected is None:
        raise NotImplementedError(f"KTGS chưa hỗ trợ cơ sở dữ liệu {connection.vendor}.")
    query = SQLITE_FOUND if connection.vendor == "sqlite" else POSTGRES_FOUND
    with connection.cursor() as cursor:
        cursor.execute(query, [TABLE])
        found = {name: " ".join(sql.split()).upper() for name, sql in cursor.fetchall()}
    raises = RAISES[connection.vendor]
    return [
        name
        for name, event in expected.items()
        if event not in found.get(name, "") or raises not in found.get(name, "")
    ]


def table_exists(connection) -> bool:
    with connection.cursor() as cursor:
        return TABLE in connection.introspection.table_names(cursor)
