"""The attack of issue 10 (finding 4), as run against the data folder of a real installation:
with write access to the SQLite file and the data folder, drop the triggers, edit an event,
recompute every SHA-256 link and rewrite the head; or cut the newest events and delete the head.
`ktgs audit verify` must fail, `ktgs check` must report the missing triggers, and `ktgs migrate`
must put them back."""

import hashlib
import json
import sqlite3

import pytest

from ktgs.audit.chain import CHAINED_FIELDS, GENESIS, canonical
from ktgs.ops.tests.helpers import engine, ktgs, migrated

pytestmark = pytest.mark.skipif(engine() != "sqlite", reason="the SQLite file (SQLite run)")


@pytest.fixture
def data_dir(tmp_path):
    data_dir = tmp_path / "data"
    migrated(data_dir)
    ktgs("demo", "--members", "100", data_dir=data_dir)
    assert "Chuỗi hợp lệ: 2 sự kiện" in ktgs("audit", "verify", data_dir=data_dir).stdout
    return data_dir


def open_db(data_dir):
    db = sqlite3.connect(data_dir / "ktgs.sqlite3")
    db.row_factory = sqlite3.Row
    return db


def drop_triggers(db):
    db.execute("DROP TRIGGER audit_no_update")
    db.execute("DROP TRIGGER audit_no_delete")


def recompute_everything(db, data_dir):
    """Every link recomputed with SHA-256 (the key is not in the data folder), head rewritten."""
    from datetime import UTC, datetime

    prev = GENESIS
    for row in db.execute("SELECT * FROM audit_auditevent ORDER BY seq").fetchall():
        data = {name: row[name] for name in CHAINED_FIELDS}
        data["at"] = datetime.fromisoformat(row["at"]).replace(tzinfo=UTC)  # stored UTC
        data["changes"], data["details"] = json.loads(row["changes"]), json.loads(row["details"])
        new = hashlib.sha256((prev + canonical(data)).encode()).hexdigest()
        db.execute(
            "UPDATE audit_auditevent SET prev_hash = ?, hash = ?, link = 'sha256' WHERE id = ?",
            [prev, new, row["id"]],
        )
        prev, last_seq = new, row["seq"]
    db.commit()
    (head,) = (data_dir / "audit-head").iterdir()
    head.write_text(json.dumps({"seq": last_seq, "hash": prev}))


def test_edit_recompute_and_rewrite_head_fails_verify(data_dir):
    db = open_db(data_dir)
    drop_triggers(db)
    db.execute("UPDATE audit_auditevent SET actor_name = 'người khác' WHERE action = 'demo.loaded'")
    recompute_everything(db, data_dir)
    result = ktgs("audit", "verify", data_dir=data_dir, check=False)
    assert result.returncode != 0
    assert "nội dung đã bị sửa" not in result.stderr  # every link was recomputed faithfully
    assert "không có sự kiện nào liên kết bằng khóa" in result.stderr
    assert "Thiếu trigger" in result.stderr


def test_cut_tail_and_deleted_head_fail_verify(data_dir):
    db = open_db(data_dir)
    drop_triggers(db)
    db.execute("DELETE FROM audit_auditevent WHERE seq = 2")
    db.commit()
    for head in (data_dir / "audit-head").iterdir():
        head.unlink()
    result = ktgs("audit", "verify", data_dir=data_dir, check=False)
    assert result.returncode != 0 and "Không có đầu chuỗi ghi ngoài" in result.stderr


def test_missing_triggers_fail_check_and_migrate_restores_them(data_dir):
    drop_triggers(open_db(data_dir))
    checked = ktgs("check", data_dir=data_dir, check=False)
    assert checked.returncode != 0 and "audit.E001" in checked.stderr
    ktgs("migrate", "--no-input", "-v", "0", data_dir=data_dir)
    assert "audit.E001" not in ktgs("check", data_dir=data_dir).stderr
    assert "Chuỗi hợp lệ: 2 sự kiện" in ktgs("audit", "verify", data_dir=data_dir).stdout
