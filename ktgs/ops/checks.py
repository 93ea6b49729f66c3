"""System check: the live data is owner-only, like the backups (0600 files, 0700 folders).

The application creates it so (the process umask is 077, config/settings.py); a data folder made
by an older version, copied, or unpacked by hand may not be. Checked: the data folder, the SQLite
database with its WAL/shared-memory/journal files, the uploaded files (MEDIA_ROOT), the audit
head folder and, outside production, the keys folder.
"""

import os
import stat
from pathlib import Path

from django.conf import settings
from django.core.checks import Warning, register
from django.db import connection

SHOWN = 3  # paths named in the warning


@register()
def live_files_owner_only(app_configs=None, **kwargs):
    loose = []
    for path in _checked_paths():
        loose += [p for p in _loose(path) if p not in loose]
        if len(loose) > SHOWN:
            break
    if not loose:
        return []
    named = ", ".join(f"{p} ({oct(stat.S_IMODE(p.lstat().st_mode))[2:]})" for p in loose[:SHOWN])
    return [
        Warning(
            f"Dữ liệu đang dùng không chỉ chủ sở hữu đọc được: {named}"
            + (" …" if len(loose) > SHOWN else "")
            + ". Tệp phải là 0600, thư mục 0700 (như bản sao lưu).",
            hint=f"Chạy với người dùng của ứng dụng: chmod -R go= {settings.DATA_DIR}",
            id="ops.W001",
        )
    ]


def _checked_paths() -> list[Path]:
    paths = [Path(settings.DATA_DIR)]
    if connection.vendor == "sqlite" and not connection.is_in_memory_db():
        database = Path(connection.settings_dict["NAME"])
        paths += [Path(f"{database}{suffix}") for suffix in ("", "-wal", "-shm", "-journal")]
    paths.append(Path(settings.MEDIA_ROOT))
    head_dir = getattr(settings, "KTGS_AUDIT_HEAD_DIR", Path(settings.DATA_DIR) / "audit-head")
    paths.append(Path(head_dir))
    if keys_dir := getattr(settings, "KEYS_DIR", None):
        paths.append(Path(keys_dir))
    return paths


def _loose(path: Path) -> list[Path]:
    """`path` and what lies under it (symbolic links not followed) with group/other rights."""
    if not path.exists() or path.is_symlink():
        return []
    found = [path] if _is_loose(path) else []
    if path.is_dir():
        for root, dirs, files in os.walk(path):
            for name in [*dirs, *files]:
                child = Path(root) / name
                if not child.is_symlink() and _is_loose(child):
                    found.append(child)
                    if len(found) > SHOWN:
                        return found
    return found


def _is_loose(path: Path) -> bool:
    return bool(stat.S_IMODE(path.lstat().st_mode) & 0o077)
