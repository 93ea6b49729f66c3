"""`ktgs backup` / `ktgs restore` on SQLite: a round trip gives an equal database, equal files
and a verifying audit chain; the archive is owner-only; bad targets and archives are refused.
(Runs in the SQLite run of the suite; the PostgreSQL run covers test_backup_postgres.py.)"""

import json
import stat
import tarfile

import pytest

from ktgs.ops import sqlite
from ktgs.ops.checksums import table_checksums
from ktgs.ops.tests.helpers import (
    archive_names,
    engine,
    ktgs,
    make_source,
    read_member,
    rewrite_archive,
)

pytestmark = pytest.mark.skipif(engine() != "sqlite", reason="the SQLite path (SQLite run)")


@pytest.fixture
def checksums(django_db_blocker):
    """The tables' checksums of the SQLite database in a data folder, read in this process."""

    def read(data_dir):
        with django_db_blocker.unblock(), sqlite.opened(data_dir / "ktgs.sqlite3") as alias:
            return table_checksums(alias)

    return read


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("source")
    make_source(data_dir)
    ktgs("backup", data_dir=data_dir)
    (archive,) = (data_dir / "backups").iterdir()
    return data_dir, archive


@pytest.fixture(scope="module")
def restored(source, tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("restored")
    result = ktgs("restore", str(source[1]), data_dir=data_dir)
    return data_dir, result


def test_archive_is_owner_only_and_holds_database_files_and_head(source):
    data_dir, archive = source
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    assert stat.S_IMODE(archive.parent.stat().st_mode) == 0o700
    assert archive.name.startswith("ktgs-") and archive.name.endswith(".tar.gz")
    names = archive_names(archive)
    assert names[0] == "manifest.json"
    assert {"database.sqlite3", "audit-head.json", "files/biên bản/kết luận 01.pdf"} <= set(names)
    manifest = json.loads(read_member(archive, "manifest.json"))
    assert manifest["engine"] == "sqlite" and manifest["format_version"] == 1
    assert manifest["tables"]["audit_auditevent"]["rows"] == 4
    assert manifest["audit"]["chain_end"]["seq"] == 4
    assert [f["path"] for f in manifest["files"]] == ["biên bản/kết luận 01.pdf", "note.txt"]


def test_restore_gives_equal_tables_files_and_a_verifying_chain(source, restored, checksums):
    data_dir, result = restored
    assert "khớp checksum" in result.stdout and "Chuỗi hợp lệ: 4 sự kiện" in result.stdout
    assert checksums(data_dir) == checksums(source[0])
    for rel in ("biên bản/kết luận 01.pdf", "note.txt"):
        assert (data_dir / "files" / rel).read_bytes() == (source[0] / "files" / rel).read_bytes()
    verified = ktgs("audit", "verify", data_dir=data_dir)
    assert "4 sự kiện, khớp đầu chuỗi đã ghi" in verified.stdout
    head = json.loads(ktgs("audit", "head", data_dir=data_dir).stdout)
    recorded = {k: head["recorded"][k] for k in ("seq", "hash")}  # and its key id, signature
    assert recorded == head["database"] and head["database"]["seq"] == 4


def test_restored_copy_works_as_the_original(restored):
    data_dir, _ = restored
    listing = ktgs("-c", _COUNT_MEMBERS, data_dir=data_dir).stdout.split()
    assert int(listing[0]) > 100  # the demo's members, read through the application's models
    assert stat.S_IMODE((data_dir / "ktgs.sqlite3").stat().st_mode) == 0o600


def test_restore_refuses_a_target_that_has_data(source, checksums):
    data_dir, archive = source
    before = checksums(data_dir)
    result = ktgs("restore", str(archive), data_dir=data_dir, check=False)
    assert result.returncode != 0
    assert "Cơ sở dữ liệu đích không trống" in result.stderr and "orgs_member" in result.stderr
    assert checksums(data_dir) == before


def test_restore_refuses_a_backup_of_another_engine(source, tmp_path):
    forged = tmp_path / "pg.tar.gz"
    rewrite_archive(source[1], forged, {"manifest.json": _set_engine("postgresql")})
    result = ktgs("restore", str(forged), data_dir=tmp_path / "target", check=False)
    assert result.returncode != 0
    assert "là của PostgreSQL" in result.stderr and "cùng loại" in result.stderr
    assert not (tmp_path / "target" / "ktgs.sqlite3").exists()


def test_restore_names_a_table_changed_inside_the_archive(source, tmp_path):
    forged = tmp_path / "changed.tar.gz"
    rewrite_archive(source[1], forged, {"database.sqlite3": _rename_first_member})
    result = ktgs("restore", str(forged), data_dir=tmp_path / "target", check=False)
    assert result.returncode != 0
    assert "KHÔNG khớp" in result.stderr and "Bảng orgs_member" in result.stderr


def test_restore_reports_newest_events_missing_against_the_recorded_head(source, tmp_path):
    """The head kept beside the database says 5 events; the database holds 4."""
    forged = tmp_path / "short.tar.gz"
    head = json.loads(read_member(source[1], "audit-head.json"))
    longer = json.dumps({**head, "seq": head["seq"] + 1}).encode()
    rewrite_archive(source[1], forged, {"audit-head.json": longer})
    result = ktgs("restore", str(forged), data_dir=tmp_path / "target", check=False)
    assert result.returncode != 0 and "ngắn hơn đầu chuỗi" in result.stderr


def test_restore_refuses_paths_outside_its_folders(source, tmp_path):
    forged = tmp_path / "escape.tar.gz"
    with tarfile.open(source[1]) as old, tarfile.open(forged, "w:gz") as new:
        for info in old:
            data = old.extractfile(info)
            if info.name == "note.txt" or info.name.endswith("note.txt"):
                info.name = "files/../../escaped.txt"
            new.addfile(info, data)
    result = ktgs("restore", str(forged), data_dir=tmp_path / "target", check=False)
    assert result.returncode != 0 and "không hợp lệ" in result.stderr
    assert not (tmp_path / "escaped.txt").exists()


def test_a_damaged_archive_is_refused_before_the_target_is_touched(source, tmp_path):
    damaged = tmp_path / "damaged.tar.gz"
    data = source[1].read_bytes()
    damaged.write_bytes(data[: len(data) // 2])
    result = ktgs("restore", str(damaged), data_dir=tmp_path / "target", check=False)
    assert result.returncode != 0 and "bị hỏng" in result.stderr
    assert not (tmp_path / "target" / "ktgs.sqlite3").exists()


_COUNT_MEMBERS = (
    "import django; django.setup(); from ktgs.orgs.models import Member; "
    "print(Member.objects.count())"
)


def _set_engine(value: str):
    def change(data: bytes) -> bytes:
        return json.dumps({**json.loads(data), "engine": value}).encode()

    return change


def _rename_first_member(data: bytes) -> bytes:
    import sqlite3
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as work:
        path = Path(work) / "db.sqlite3"
        path.write_bytes(data)
        db = sqlite3.connect(path)
        db.execute(
            "UPDATE orgs_member SET given_name = 'Giả' WHERE id = (SELECT min(id) FROM orgs_member)"
        )
        db.commit()
        db.close()
        return path.read_bytes()


def test_restore_with_another_audit_key_does_not_verify(source, tmp_path):
    other = "another-audit-key-not-the-one-of-the-backup"
    result = ktgs(
        "restore", str(source[1]), data_dir=tmp_path / "target", check=False, KTGS_AUDIT_KEY=other
    )
    assert result.returncode != 0 and "không có khóa nhật ký" in result.stderr


def test_the_restored_chain_holds_the_backups_head(source, restored):
    data_dir, _ = restored
    verified = ktgs("audit", "verify", "--backup", str(source[1]), data_dir=data_dir)
    assert "Chuỗi hợp lệ" in verified.stdout
