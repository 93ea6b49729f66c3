"""Fetch the npm packages of requirements/npm.txt into .venv/npm/<name>/, without node or npm.

Each line names a package, its version, the registry's `dist.integrity` (sha512) and the file to
keep. The tarball is read from the npm registry (KTGS_NPM_REGISTRY, default the public one), its
digest checked against the pinned integrity — a mismatch stops, nothing is written — and the
file extracted from `package/`. Standard library only: it runs before anything is installed.

    python scripts/npm_fetch.py            # what is missing
"""

import base64
import hashlib
import io
import os
import sys
import tarfile
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PINS = ROOT / "requirements" / "npm.txt"
TARGET = ROOT / ".venv" / "npm"
REGISTRY = os.environ.get("KTGS_NPM_REGISTRY", "https://registry.npmjs.org").rstrip("/")


def pins() -> list[tuple[str, str, str, str]]:
    rows = []
    for line in PINS.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, version, integrity, keep = line.split()
            rows.append((name, version, integrity, keep))
    return rows


def fetch(name: str, version: str, integrity: str, keep: str) -> Path:
    folder = TARGET / name
    stamp = folder / f".{version}"
    if stamp.exists():
        return folder / keep
    url = f"{REGISTRY}/{name}/-/{name.split('/')[-1]}-{version}.tgz"
    with urllib.request.urlopen(url, timeout=60) as response:
        data = response.read()
    algorithm, expected = integrity.split("-", 1)
    digest = base64.b64encode(hashlib.new(algorithm, data).digest()).decode()
    if digest != expected:
        raise SystemExit(f"{name} {version}: the tarball's {algorithm} differs from the pin")
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        member = tar.extractfile(f"package/{keep}")
        if member is None:
            raise SystemExit(f"{name} {version}: no package/{keep} in the tarball")
        content = member.read()
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob(".*"):
        old.unlink()
    (folder / keep).write_bytes(content)
    stamp.touch()
    return folder / keep


def main() -> int:
    for row in pins():
        try:
            path = fetch(*row)
        except OSError as exc:
            print(
                f"Không tải được gói npm {row[0]} {row[1]} từ {REGISTRY}: {exc}. Cần mạng tới "
                "kho gói (như pip), hoặc đặt KTGS_NPM_REGISTRY là một kho gói npm nội bộ.",
                file=sys.stderr,
            )
            return 1
        print(f"{row[0]} {row[1]}: {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
