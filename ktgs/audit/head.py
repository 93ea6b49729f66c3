"""The chain's head (last sequence number and hash), kept OUTSIDE the database.

Deleting the newest rows leaves a chain that verifies by itself; the head kept here (and copied
into every backup) shows it is shorter than it was. One small JSON file per database, written
atomically, owner-only, after each commit that appended to the chain. It is signed with the
audit key ({"seq", "hash", "key": key id, "mac"}), so whoever holds the database and the data
folder but not the key cannot write a head for a shortened chain.
"""

import contextlib
import hashlib
import hmac
import json
import logging
import os
import re
import time
from pathlib import Path

from django.conf import settings
from django.db import connection

from ktgs.audit import keys
from ktgs.audit.chain import key_id

log = logging.getLogger(__name__)


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
    unsigned head (from before the audit key) is replaced only by the switch to the key.

    The action is committed by now, so a head that cannot be written (data folder read-only or
    full) must not turn it into an error page: it is logged, a marker is left when the folder
    takes one, and `ktgs audit verify` reports the head as behind the chain."""
    try:
        _advance(seq, hash_, upgrade=upgrade)
    except OSError as exc:
        log.warning("audit head not written (event %s): %s", seq, exc)
        _mark_failed(seq, exc)


def _advance(seq: int, hash_: str, *, upgrade: bool) -> None:
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
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(head, f)
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)  # a full disk leaves no half-written temporary file
        raise
    failed_path().unlink(missing_ok=True)


# --- a head that could not be written ----------------------------------------------------------


def failed_path() -> Path:
    """The marker of the last head write that failed (next to the head, when it can be written)."""
    return head_path().with_suffix(".khong-ghi-duoc")


def _mark_failed(seq: int, exc: OSError) -> None:
    marker = {"seq": seq, "at": time.time(), "error": str(exc)}
    with contextlib.suppress(OSError):  # a folder that takes nothing: verify sees the lag
        failed_path().write_text(json.dumps(marker), encoding="utf-8")


def failure() -> dict | None:
    """The marker left by the last failed head write, or None."""
    try:
        return json.loads(failed_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
