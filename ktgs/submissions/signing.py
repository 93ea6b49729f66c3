"""Ed25519 signing of report packages (`cryptography`; docs/submissions.md, «Gói báo cáo giữa
hai hệ thống»; decision 0011).

A unit's private key is a PEM file `KTGS_PACKAGE_KEYS_DIR/<unit code>.pem` (0700 folder, 0600
file), never in the database or a backup; its public key (PEM) and fingerprint (SHA-256 of the raw
32-byte public key, hex) are what the superior registers. The signature is detached, over the
exact bytes of the payload (canonical JSON: sorted keys, no whitespace, non-ASCII kept)."""

import base64
import hashlib
import json
import os
import re
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings


class KeyProblem(ValueError):
    """A key that cannot be read (Vietnamese message)."""


def canonical(data) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def private_key_path(code: str) -> Path:
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", code)
    return Path(settings.KTGS_PACKAGE_KEYS_DIR) / f"{safe}.pem"


def generate() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def write_private(code: str, key: Ed25519PrivateKey) -> None:
    """The unit's key file, owner-only, written atomically (an earlier file is replaced)."""
    path = private_key_path(code)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(path.parent, 0o700)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(pem)
    os.replace(tmp, path)


def load_private(code: str) -> Ed25519PrivateKey | None:
    path = private_key_path(code)
    if not path.exists():
        return None
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyProblem(f"Tệp khóa {path} không phải khóa Ed25519.")
    return key


def public_pem(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")


def fingerprint(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


def pretty(fp: str) -> str:
    """A fingerprint as people compare it over the phone: groups of four."""
    return " ".join(fp[i : i + 4] for i in range(0, len(fp), 4))


def parse_public(text: str) -> Ed25519PublicKey:
    """The public key a superior pastes (PEM); a clear message for anything else."""
    try:
        key = serialization.load_pem_public_key((text or "").strip().encode("ascii"))
    except (ValueError, UnicodeEncodeError, TypeError):
        raise KeyProblem(
            "Khóa công khai không đọc được: đồng chí dán nguyên văn khóa PEM đơn vị gửi, từ dòng "
            "«-----BEGIN PUBLIC KEY-----» đến «-----END PUBLIC KEY-----»."
        ) from None
    if not isinstance(key, Ed25519PublicKey):
        raise KeyProblem("Khóa công khai không phải khóa Ed25519 do KTGS tạo.")
    return key


def sign(key: Ed25519PrivateKey, payload: bytes) -> str:
    return base64.b64encode(key.sign(payload)).decode("ascii")


def verify(key: Ed25519PublicKey, payload: bytes, signature: str) -> bool:
    try:
        key.verify(base64.b64decode(signature, validate=True), payload)
    except (InvalidSignature, ValueError):
        return False
    return True
