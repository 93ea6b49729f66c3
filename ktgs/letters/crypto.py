"""The filer's identity at rest: Fernet encryption (`cryptography`'s MultiFernet, for rotation)
and keyed blind indexes (HMAC-SHA256) for finding letters of the same filer.

Keys (config/settings.py, docs/security.md "Khóa — keys"): `KTGS_LETTERS_KEY` encrypts,
`KTGS_LETTERS_KEYS_OLD` (earlier keys) still decrypt until `ktgs letters rotate-key` has
re-encrypted every identity, `KTGS_LETTERS_INDEX_KEY` keys the blind indexes. A configured key is
any long random text (as the generated ones: 48 random bytes, URL-safe); the Fernet key is
derived from it with HKDF-SHA256, so a key never serves two purposes.

Nothing here logs or returns a key; nothing else stores a filer's field in plaintext or under an
unkeyed hash.
"""

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

from ktgs.core.vietnamese import fold, nfc

__all__ = ["InvalidToken", "blind_index", "decrypt", "encrypt", "rotate"]

_FERNET_INFO = b"ktgs letters filer identity v1"


def _fernet(key: str) -> Fernet:
    if not key:
        raise RuntimeError("Chưa có khóa đơn thư (KTGS_LETTERS_KEY).")
    raw = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_FERNET_INFO).derive(
        key.encode("utf-8")
    )
    return Fernet(base64.urlsafe_b64encode(raw))


def cipher() -> MultiFernet:
    """The current key first (it encrypts), then the old ones (they only decrypt)."""
    keys = [settings.KTGS_LETTERS_KEY, *settings.KTGS_LETTERS_KEYS_OLD]
    return MultiFernet([_fernet(k) for k in keys])


def current_only() -> Fernet:
    return _fernet(settings.KTGS_LETTERS_KEY)


def encrypt(text: str) -> str:
    """The token for `text`; an empty text stays empty (nothing to hide, nothing to find)."""
    if not text:
        return ""
    return cipher().encrypt(text.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    if not token:
        return ""
    return cipher().decrypt(token.encode("ascii")).decode("utf-8")


def rotate(token: str) -> str:
    """`token` re-encrypted under the current key (MultiFernet.rotate)."""
    if not token:
        return ""
    return cipher().rotate(token.encode("ascii")).decode("ascii")


def under_current_key(token: str) -> bool:
    if not token:
        return True
    try:
        current_only().decrypt(token.encode("ascii"))
    except InvalidToken:
        return False
    return True


def _index(purpose: str, value: str) -> str:
    key = settings.KTGS_LETTERS_INDEX_KEY
    if not key:
        raise RuntimeError("Chưa có khóa chỉ mục đơn thư (KTGS_LETTERS_INDEX_KEY).")
    message = f"{purpose}\x1f{value}".encode()
    return hmac.new(key.encode("utf-8"), message, hashlib.sha256).hexdigest()


def blind_index(*, name: str = "", citizen_id: str = "") -> tuple[str, str]:
    """(name index, citizen ID index): keyed hashes of the folded name and of the ID's digits;
    "" for a field not given. Two spellings of one name (tones, case, spaces) match."""
    folded = fold(nfc(name)) if name else ""
    digits = "".join(ch for ch in citizen_id if ch.isdigit()) if citizen_id else ""
    return (
        _index("name", folded) if folded else "",
        _index("citizen_id", digits) if digits else "",
    )
