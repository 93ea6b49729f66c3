"""A tiny RFC 6238 TOTP generator for tests, independent of django-otp: what a phone computes."""

import hashlib
import hmac
import struct
import time
from base64 import b32decode


def totp_code(secret: str, at: float | None = None, digits: int = 6, step: int = 30) -> str:
    """The code an authenticator app shows for the base32 `secret` (spaces allowed) at `at`."""
    key = b32decode(secret.replace(" ", "").upper())
    counter = int((time.time() if at is None else at) // step)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**digits).zfill(digits)
