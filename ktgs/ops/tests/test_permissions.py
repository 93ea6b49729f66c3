"""Live data is owner-only (0600 files, 0700 folders) when the application creates it, and
`ktgs check` warns (ops.W001) when it is not; the quick start's keys sit outside the data folder."""

import stat
from pathlib import Path

import pytest

from ktgs.documents.services import attachment_add
from ktgs.documents.tests import files
from ktgs.ops.checks import live_files_owner_only
from ktgs.ops.tests.helpers import engine, ktgs
from ktgs.orgs.models import Member


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.skipif(engine() != "sqlite", reason="the SQLite files (SQLite run)")
def test_database_and_keys_are_owner_only_and_check_warns_when_loosened(tmp_path):
    data_dir = tmp_path / "data"
    no_keys = {  # the quick start: generated
        "KTGS_AUDIT_KEY": "",
        "KTGS_SECRET_KEY": "",
        "KTGS_LETTERS_KEY": "",
        "KTGS_LETTERS_INDEX_KEY": "",
    }
    ktgs("migrate", "--no-input", "-v", "0", data_dir=data_dir, **no_keys)
    assert mode(data_dir) == 0o700 and mode(data_dir / "ktgs.sqlite3") == 0o600
    keys = tmp_path / "keys"
    assert mode(keys) == 0o700
    assert {p.name: mode(p) for p in keys.iterdir()} == {
        "secret_key": 0o600,
        "audit_key": 0o600,
        "letters_key": 0o600,
        "letters_index_key": 0o600,
    }
    clean = ktgs("check", data_dir=data_dir, **no_keys)
    assert "ops.W001" not in clean.stdout + clean.stderr
    (data_dir / "ktgs.sqlite3").chmod(0o644)
    loose = ktgs("check", data_dir=data_dir, **no_keys)
    assert "ops.W001" in loose.stderr and "ktgs.sqlite3 (644)" in loose.stderr


@pytest.mark.django_db
def test_attachments_are_written_owner_only_and_check_warns_on_0644(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "files"
    member = Member.objects.live().filter(current_unit__code__startswith="HA.DBK.001.")[0]
    added = attachment_add(member, files.upload("biên bản.pdf", files.pdf()))
    stored = Path(settings.MEDIA_ROOT) / added.path
    assert mode(stored) == 0o600
    folder = stored.parent
    while folder != tmp_path:
        assert mode(folder) == 0o700, folder
        folder = folder.parent
    assert [w.id for w in live_files_owner_only()] == []
    stored.chmod(0o644)
    (warning,) = live_files_owner_only()
    assert warning.id == "ops.W001" and stored.name in warning.msg
