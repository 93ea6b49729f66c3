"""Run `ktgs` in a child process on its own data folder (and database), as an operator would.

Backup and restore work on whole databases, which the shared test database (one transaction per
test, the demo inside) cannot offer; so these tests drive real commands on throwaway data.
"""

import atexit
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import uuid
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings

REPO = Path(__file__).resolve().parents[3]
ADMIN_PASSWORD = "mot-cau-mat-khau-dai-cho-thu-nghiem"
CHECKSUMS = (
    "import django, json; django.setup(); from ktgs.ops.checksums import table_checksums; "
    "print(json.dumps(table_checksums()))"
)


def engine() -> str:
    return "postgresql" if "postgresql" in settings.DATABASES["default"]["ENGINE"] else "sqlite"


def ktgs(*args: str, data_dir: Path, database_url: str | None = None, check: bool = True, **extra):
    env = {
        **os.environ,
        "KTGS_DATA_DIR": str(data_dir),
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    env.update(extra)
    env.pop("DATABASE_URL", None)
    env.pop("KTGS_AUDIT_HEAD_DIR", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    result = subprocess.run(
        [sys.executable, *args] if args[0] == "-c" else [sys.executable, "-m", "ktgs", *args],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"ktgs {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


# per process and engine: a data folder (and on PostgreSQL a database) that `ktgs migrate` made
_MIGRATED: dict[str, tuple[Path, str | None]] = {}


def migrated(data_dir: Path, database_url: str | None = None) -> None:
    """What `ktgs migrate` makes of an empty data folder (and, on PostgreSQL, of the database
    `database_url` names, created here — dropped first if it exists), in 0.2 s instead of ~15:
    the migrations run for real once per test process, into a folder (and database) of its
    own, which each call then copies — the data folder with its SQLite file and audit head,
    the database by `CREATE DATABASE … TEMPLATE`. For a test whose subject is what comes after;
    a test of `migrate` itself runs `ktgs()`."""
    from ktgs.ops.tests.test_backup_postgres import Server  # after Django's settings

    server = Server() if database_url else None
    kind = "postgresql" if server else "sqlite"
    if kind not in _MIGRATED:
        base = Path(tempfile.mkdtemp(prefix="ktgs-migrated-"))
        atexit.register(shutil.rmtree, base, ignore_errors=True)
        template, template_url = None, None
        if server:
            template = f"ktgs_migrated_{uuid.uuid4().hex[:8]}"
            template_url = server.create(template)
            atexit.register(server.drop, template)
        ktgs("migrate", "--no-input", "-v", "0", data_dir=base / "data", database_url=template_url)
        _MIGRATED[kind] = (base / "data", template)
    source, template = _MIGRATED[kind]
    shutil.copytree(source, data_dir, dirs_exist_ok=True)  # modes kept (0700 / 0600)
    if server:
        name = urlsplit(database_url).path.lstrip("/")
        server.drop(name)
        with server.connect() as conn:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        heads = data_dir / "audit-head"  # the head file is named after the database
        (heads / f"postgresql-{template}.json").rename(heads / f"postgresql-{name}.json")


def checksums(data_dir: Path, database_url: str | None = None) -> dict:
    return json.loads(ktgs("-c", CHECKSUMS, data_dir=data_dir, database_url=database_url).stdout)


def make_source(data_dir: Path, database_url: str | None = None) -> None:
    """A small demo bloc, an administrator, uploaded files; four audit events in all (`migrate`
    writes the switch to the audit key first)."""
    run = {"data_dir": data_dir, "database_url": database_url}
    migrated(data_dir, database_url)
    ktgs("demo", "--members", "100", **run)
    ktgs("createadmin", "quantri2", "--unit", "HA", **run, KTGS_ADMIN_PASSWORD=ADMIN_PASSWORD)
    files = data_dir / "files" / "biên bản"
    files.mkdir(parents=True)
    (files / "kết luận 01.pdf").write_bytes(b"%PDF-1.4 \x00\xff k\xe1\xba\xbft lu\xe1\xba\xadn")
    (data_dir / "files" / "note.txt").write_text("Đơn số 12", encoding="utf-8")


def archive_names(path: Path) -> list[str]:
    with tarfile.open(path) as tar:
        return tar.getnames()


def read_member(path: Path, name: str) -> bytes:
    with tarfile.open(path) as tar:
        return tar.extractfile(name).read()


def rewrite_archive(source: Path, dest: Path, changes: dict) -> None:
    """Copy the archive, replacing members: {name: new bytes, or a function old -> new}."""
    with tarfile.open(source) as old, tarfile.open(dest, "w:gz") as new:
        for info in old:
            data = old.extractfile(info).read()
            change = changes.get(info.name)
            if change is not None:
                data = change(data) if callable(change) else change
            info.size = len(data)
            new.addfile(info, io.BytesIO(data))
