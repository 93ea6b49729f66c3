"""`ktgs backup` / `ktgs restore` on PostgreSQL (pg_dump / pg_restore), in the PostgreSQL run of
the suite: two throwaway databases beside the test database, dropped afterwards."""

import json
import stat
import uuid
from urllib.parse import quote

import pytest
from django.conf import settings

from ktgs.ops.tests.helpers import (
    checksums,
    engine,
    ktgs,
    make_source,
    migrated,
    read_member,
)

pytestmark = pytest.mark.skipif(engine() != "postgresql", reason="the PostgreSQL path (PG run)")

DETERMINISTIC = ("orgs_orgunit", "orgs_unitlink", "orgs_membership", "orgs_committeeseat")


class Server:
    """The test run's PostgreSQL server, reached as the test run's role."""

    def __init__(self):
        self.db = settings.DATABASES["default"]

    def connect(self):
        import psycopg

        db = self.db
        return psycopg.connect(
            dbname="postgres",
            host=db["HOST"] or None,
            port=db["PORT"] or None,
            user=db["USER"] or None,
            password=db["PASSWORD"] or None,
            autocommit=True,
        )

    def url(self, name: str) -> str:
        db = self.db
        auth = quote(db["USER"] or "", safe="")
        if db["PASSWORD"]:
            auth += ":" + quote(db["PASSWORD"], safe="")
        return f"postgres://{auth}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{name}"

    def create(self, name: str) -> str:
        with self.connect() as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def drop(self, name: str) -> None:
        with self.connect() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def execute(self, name: str, sql: str):
        import psycopg

        with psycopg.connect(self.url(name), autocommit=True) as conn:
            return conn.execute(sql)


@pytest.fixture(scope="module")
def server():
    return Server()


@pytest.fixture(scope="module")
def databases(server):
    suffix = uuid.uuid4().hex[:10]
    names = {role: f"ktgs_ops_{suffix}_{role}" for role in ("source", "target", "migrated")}
    urls = {role: server.create(name) for role, name in names.items()}
    yield names, urls
    for name in names.values():
        server.drop(name)


@pytest.fixture(scope="module")
def source(databases, tmp_path_factory):
    _, urls = databases
    data_dir = tmp_path_factory.mktemp("pg-source")
    make_source(data_dir, urls["source"])
    archive = data_dir / "new-folder" / "nightly.tar.gz"  # the folder is created, owner-only
    ktgs("backup", "--output", str(archive), data_dir=data_dir, database_url=urls["source"])
    return data_dir, archive


@pytest.fixture(scope="module")
def restored(databases, source, tmp_path_factory):
    _, urls = databases
    data_dir = tmp_path_factory.mktemp("pg-restored")
    result = ktgs("restore", str(source[1]), data_dir=data_dir, database_url=urls["target"])
    return data_dir, result


def test_round_trip_gives_equal_tables_files_and_a_verifying_chain(databases, source, restored):
    _, urls = databases
    data_dir, result = restored
    archive = source[1]
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    assert stat.S_IMODE(archive.parent.stat().st_mode) == 0o700
    assert "database.pgdump" in json.loads(read_member(archive, "manifest.json"))["database"]
    assert "khớp checksum" in result.stdout and "Chuỗi hợp lệ: 4 sự kiện" in result.stdout
    assert checksums(data_dir, urls["target"]) == checksums(source[0], urls["source"])
    rel = "biên bản/kết luận 01.pdf"
    assert (data_dir / "files" / rel).read_bytes() == (source[0] / "files" / rel).read_bytes()
    verified = ktgs("audit", "verify", data_dir=data_dir, database_url=urls["target"])
    assert "4 sự kiện, khớp đầu chuỗi đã ghi" in verified.stdout


def test_restored_audit_table_is_still_append_only(databases, restored, server):
    import psycopg

    names, _ = databases
    with pytest.raises(psycopg.errors.RaiseException, match="chỉ được ghi thêm"):
        server.execute(names["target"], "DELETE FROM audit_auditevent")


def test_restore_refuses_a_target_that_has_data(databases, source):
    _, urls = databases
    result = ktgs(
        "restore", str(source[1]), data_dir=source[0], database_url=urls["source"], check=False
    )
    assert result.returncode != 0 and "Cơ sở dữ liệu đích không trống" in result.stderr


def test_restore_refuses_a_database_that_already_has_tables(databases, source, server, tmp_path):
    names, urls = databases
    server.execute(names["migrated"], "CREATE TABLE leftover (id integer PRIMARY KEY)")
    result = ktgs(
        "restore", str(source[1]), data_dir=tmp_path, database_url=urls["migrated"], check=False
    )
    assert result.returncode != 0 and "đã có bảng" in result.stderr and "createdb" in result.stderr


def test_restore_refuses_a_backup_of_another_engine(source, tmp_path):
    result = ktgs("restore", str(source[1]), data_dir=tmp_path, check=False)  # SQLite target
    assert result.returncode != 0
    assert "là của PostgreSQL" in result.stderr and "SQLite" in result.stderr


def test_checksums_are_the_same_on_sqlite_for_the_same_demo(source, tmp_path):
    """The demo is deterministic: its tree and memberships hash alike on both engines."""
    migrated(tmp_path)
    ktgs("demo", "--members", "100", data_dir=tmp_path)
    on_sqlite = checksums(tmp_path)
    manifest = json.loads(read_member(source[1], "manifest.json"))
    for table in DETERMINISTIC:
        assert manifest["tables"][table] == on_sqlite[table], table
