"""The chain's head (last sequence number and hash), kept OUTSIDE the database.

Deleting the newest rows leaves a chain that verifies by itself; the head kept here (and copied
into every backup) shows it is shorter than it was. One small JSON file per database, written
atomically, owner-only, after each commit that appended to the chain.
"""

import json
import os
import re
from pathlib import Path

from django.conf import settings
from django.db import connection


def head_path() -> Path:
    name = str(connection.settings_dict.get("NAME") or "default")
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "_", Path(name).name)[:80]
    folder = Path(getattr(settings, "KTGS_AUDIT_HEAD_DIR", settings.DATA_DIR / "audit-head"))
    return folder / f"{connection.vendor}-{slug}.json"


def read() -> dict | None:
    path = head_path()
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def advance(seq: int, hash_: str) -> None:
    current = read()
    if current is not None and current["seq"] >= seq:
        return
    write(seq, hash_)


def write(seq: int, hash_: str) -> None:
    path = head_path()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump({"seq": seq, "hash": hash_}, f)
    os.replace(tmp, path)
