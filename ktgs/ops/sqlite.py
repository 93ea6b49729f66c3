"""SQLite: an online copy with SQLite's backup API; restoring puts that file in place.

The backup API copies the database as one consistent snapshot while the application keeps
running (readers and the WAL writer are not stopped). Row counts and checksums are computed on
the copy, not on the live file, so the manifest describes exactly what the archive holds.
"""

import os
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.db import connection, connections

from ktgs.ops.checksums import populated_ktgs_tables, table_checksums
from ktgs.ops.errors import OpsError

ALIAS = "ktgs_ops_snapshot"
BUSY_TIMEOUT = 20  # seconds to wait for a writer to finish


def database_path() -> Path:
    return Path(connection.settings_dict["NAME"])


@contextmanager
def opened(path: Path) -> Iterator[str]:
    """A Django connection alias on another SQLite file, for the duration of the block."""
    default = connections.settings["default"]
    options = {k: v for k, v in default.get("OPTIONS", {}).items() if k != "init_command"}
    # Without the WAL init_command: the copy stays one self-contained file.
    connections.settings[ALIAS] = {**default, "NAME": str(path), "OPTIONS": options}
    try:
        yield ALIAS
    finally:
        if hasattr(connections._connections, ALIAS):
            connections[ALIAS].close()
            del connections[ALIAS]
        del connections.settings[ALIAS]


def snapshot(dest: Path) -> tuple[dict, dict | None]:
    """Copy the live database to `dest`; return its tables' checksums and its chain's end."""
    from ktgs.audit.models import AuditEvent

    source_path = database_path()
    if not source_path.is_file():
        raise OpsError(f"Không tìm thấy cơ sở dữ liệu SQLite {source_path}.")
    source = sqlite3.connect(source_path, timeout=BUSY_TIMEOUT)
    target = sqlite3.connect(dest)
    try:
        source.backup(target)
        target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal
    finally:
        target.close()
        source.close()
    with opened(dest) as alias:
        tables = table_checksums(alias)
        chain_end = AuditEvent.objects.using(alias).order_by("-seq").values("seq", "hash").first()
    return tables, chain_end


def check_empty() -> None:
    path = database_path()
    if not path.exists() or path.stat().st_size == 0:
        return
    populated = populated_ktgs_tables()
    connection.close()
    if populated:
        raise OpsError(
            f"Cơ sở dữ liệu đích không trống ({path}: có dữ liệu trong {', '.join(populated)}). "
            "Chỉ khôi phục vào cơ sở dữ liệu trống: đặt KTGS_DATA_DIR là một thư mục mới."
        )


def install(source: Path) -> None:
    """Put the backed-up file in place of the (empty or absent) target database."""
    target = database_path()
    connection.close()
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    staged = target.with_name(f".{target.name}.restoring")
    shutil.copyfile(source, staged)
    staged.chmod(0o600)
    for suffix in ("-wal", "-shm", "-journal"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    os.replace(staged, target)
