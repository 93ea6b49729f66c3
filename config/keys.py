"""The keys KTGS needs, each separate: Django's secret key (sessions, CSRF, signed values) and
the audit key (the keyed hash chain, docs/security.md "Khóa — keys"); later the letters key.

In production every key comes from the environment (`KTGS_SECRET_KEY`, `KTGS_AUDIT_KEY`), kept
apart from the data folder and from backups. Outside production, a key the environment does not
give is generated once into the keys folder (`KTGS_KEYS_DIR`, by default `keys/` beside the data
folder, never inside it): the folder is 0700, each key file 0600.
"""

import os
import secrets
from pathlib import Path


def keys_dir(data_dir: Path) -> Path:
    default = data_dir.parent / "keys"
    return Path(os.environ.get("KTGS_KEYS_DIR", default)).expanduser().resolve()


def local_key(folder: Path, name: str) -> str:
    """The key in `folder/name`, generated (48 random bytes, URL-safe) when it is not there."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    folder.chmod(0o700)
    path = folder / name
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(secrets.token_urlsafe(48) + "\n")
    return path.read_text(encoding="ascii").strip()
