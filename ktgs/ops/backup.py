"""`ktgs backup`: the database, the uploaded files and the audit chain's head in one archive."""

import tempfile
from dataclasses import dataclass
from datetime import UTC
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

from ktgs.audit import head
from ktgs.ops import archive, postgres, sqlite
from ktgs.ops.errors import OpsError

ENGINES = {"sqlite": sqlite, "postgresql": postgres}
ENGINE_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


@dataclass(frozen=True)
class Backup:
    path: Path
    manifest: dict


def engine() -> str:
    vendor = connection.vendor
    if vendor not in ENGINES:
        raise OpsError(f"KTGS chưa sao lưu, khôi phục được cơ sở dữ liệu {vendor}.")
    return vendor


def ktgs_version() -> str:
    try:
        return version("ktgs")
    except PackageNotFoundError:
        return "unknown"


def default_name() -> str:
    return f"ktgs-{timezone.localtime():%Y%m%d-%H%M%S}.tar.gz"


def output_path(output: Path | None) -> Path:
    """Where to write: the given file, a new name in the given folder, or DATA_DIR/backups."""
    if output is None:
        path = Path(settings.DATA_DIR) / "backups" / default_name()
    elif output.is_dir():
        path = output / default_name()
    else:
        path = output
    if path.exists():
        raise OpsError(f"Tệp {path} đã có; không ghi đè bản sao lưu cũ.")
    if not path.parent.exists():
        path.parent.mkdir(parents=True, mode=0o700)
        path.parent.chmod(0o700)
    return path


def manifest_for(vendor: str, tables: dict, recorded: dict | None, end: dict | None, files):
    return {
        "format": archive.FORMAT,
        "format_version": archive.FORMAT_VERSION,
        "ktgs_version": ktgs_version(),
        "engine": vendor,
        "created_at": timezone.now().astimezone(UTC).isoformat(timespec="seconds"),
        "database": archive.DATABASE[vendor],
        "tables": tables,
        "audit": {"recorded_head": recorded, "chain_end": end},
        "files": files,
    }


def make_backup(output: Path | None = None) -> Backup:
    vendor = engine()
    path = output_path(output)
    media = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix=".ktgs-backup-", dir=path.parent) as work:
        database = Path(work) / archive.DATABASE[vendor]
        recorded = head.read()  # read BEFORE the snapshot, so it is never ahead of it
        tables, chain_end = ENGINES[vendor].snapshot(database)
        manifest = manifest_for(vendor, tables, recorded, chain_end, archive.list_files(media))
        archive.write(path, manifest=manifest, database=database, head=recorded, media=media)
    return Backup(path, manifest)
