"""The chain's head (last sequence number and hash), kept OUTSIDE the database.

Deleting the newest rows leaves a chain that verifies by itself; the head kept here (and copied
into every backup) shows it is shorter than it was. One small JSON file per database, written
atomically, owner-only, after each commit that appended to the chain. It is signed with the
audit key ({"seq", "hash", "key": key id, "mac"}), so whoever holds the database and the data
folder but not the key cannot write a head for a shortened chain.
"""

import hashlib
import hmac
import json
import os
import re
from pathlib import Path

from django.conf import settings
from django.db import connection

from ktgs.audit import keys
from ktgs.audit.chain import key_id


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


def mac(key: str, seq: int, hash_: str) -> str:
    message = f"ktgs-audit-head\n{seq}\n{hash_}".encode()
    return hmac.new(key.encode("utf-8"), message, hashlib.sha256).hexdigest()


def signed(seq: int, hash_: str) -> dict:
    """The head as written: signed with the current audit key when there is one."""
    head = {"seq": seq, "hash": hash_}
    if key := keys.current():
        head.update(key=key_id(key), mac=mac(key, seq, hash_))
    return head


def signature_problem(head: dict) -> str:
    """'' when the head's signature holds; otherwise why not (Vietnamese)."""
    if "mac" not in head:
        return "Đầu chuỗi ghi ngoài không có chữ ký khóa nhật ký."
    key = keys.keyring().get(str(head.get("key")))
    if key is None:
        return (
            f"Không có khóa nhật ký {head.get('key')} để kiểm tra đầu chuỗi ghi ngoài "
            "(đặt KTGS_AUDIT_KEY hoặc KTGS_AUDIT_KEYS_OLD)."
        )
    if not hmac.compare_digest(mac(key, int(head["seq"]), str(head["hash"])), str(head["mac"])):
        return "Đầu chuỗi ghi ngoài sai chữ ký khóa nhật ký (đã bị sửa hoặc giả)."
    return ""


def advance(seq: int, hash_: str, *, upgrade: bool = False) -> None:
    """Move the head to `seq` after its commit. A head that is missing (past the first event),
    unreadable or wrongly signed is left as it is, so `ktgs audit verify` still names it; an
    unsigned head (from before the audit key) is replaced only by the switch to the key."""
    try:
        current = read()
    except (OSError, ValueError):
        return
    if current is None:
        if seq == 1:
            write(signed(seq, hash_))
        return
    if "mac" in current and signature_problem(current):
        return
    if "mac" not in current and keys.current() and not upgrade:
        return
    if int(current["seq"]) < seq:
        write(signed(seq, hash_))


def write(head: dict) -> None:
    path = head_path()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(head, f)
    os.replace(tmp, path)
