"""The backup archive: one owner-only .tar.gz holding

    manifest.json       format, KTGS version, engine, time, per-table rows and checksums,
                        the audit chain's head, and each uploaded file's size and SHA-256
    database.sqlite3    (SQLite) an online copy of the database file, or
    database.pgdump     (PostgreSQL) `pg_dump --format=custom`
    audit-head.json     the chain's head as kept outside the database (when there is one)
    files/...           the uploaded files (settings.MEDIA_ROOT)

Reading never trusts the archive's paths: only regular files under the names above are taken,
and each is written inside the destination folder.
"""

import hashlib
import io
import json
import os
import tarfile
import time
from pathlib import Path, PurePosixPath

from ktgs.ops.errors import OpsError

FORMAT = "ktgs-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
HEAD = "audit-head.json"
FILES = "files"
DATABASE = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
BUFFER = 1024 * 1024


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(BUFFER):
            digest.update(block)
    return digest.hexdigest()


def list_files(root: Path) -> list[dict]:
    """Regular files under `root` (sorted, relative POSIX paths) with size and SHA-256."""
    if not root.is_dir():
        return []
    found = []
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            rel = path.relative_to(root).as_posix()
            found.append({"path": rel, "size": path.stat().st_size, "sha256": sha256_file(path)})
    return found


def open_private(path: Path):
    """A new file readable by its owner only; refuses to overwrite."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.fchmod(fd, 0o600)  # whatever the umask
    return os.fdopen(fd, "wb")


def _reset_owner(info: tarfile.TarInfo) -> tarfile.TarInfo:
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    info.mode = 0o600 if info.isfile() else 0o700
    return info


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = _reset_owner(tarfile.TarInfo(name))
    info.size, info.mtime = len(data), int(time.time())
    tar.addfile(info, io.BytesIO(data))


class _Hashing:
    """A file reader that hashes what it hands out."""

    def __init__(self, f):
        self.f, self.digest = f, hashlib.sha256()

    def read(self, size=-1) -> bytes:
        block = self.f.read(size)
        self.digest.update(block)
        return block


def _add_file(tar: tarfile.TarFile, media: Path, item: dict) -> None:
    """Add one uploaded file, checking it is still what the manifest lists."""
    source = media / item["path"]
    info = _reset_owner(tar.gettarinfo(source, arcname=f"{FILES}/{item['path']}"))
    with source.open("rb") as f:
        reader = _Hashing(f)
        tar.addfile(info, reader)
    if info.size != item["size"] or reader.digest.hexdigest() != item["sha256"]:
        raise OpsError(f"Tệp {item['path']} thay đổi trong lúc sao lưu; hãy sao lưu lại.")


def write(path: Path, *, manifest: dict, database: Path, head: dict | None, media: Path) -> None:
    """Write the archive to `path` (a new file, mode 0600) via a temporary name."""
    partial = path.with_name(f".{path.name}.partial")
    try:
        with open_private(partial) as out, tarfile.open(fileobj=out, mode="w:gz") as tar:
            _add_bytes(tar, MANIFEST, _json_bytes(manifest))
            tar.add(database, arcname=DATABASE[manifest["engine"]], filter=_reset_owner)
            if head is not None:
                _add_bytes(tar, HEAD, _json_bytes(head))
            for item in manifest["files"]:
                _add_file(tar, media, item)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def _json_bytes(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")


def read_manifest(path: Path) -> dict:
    try:
        with tarfile.open(path, mode="r:*") as tar:
            first = tar.next()  # written first, so a large archive is not read twice
            if first is None or first.name != MANIFEST or not first.isfile():
                raise ValueError("thiếu manifest.json ở đầu tệp")
            manifest = json.load(tar.extractfile(first))
    except (OSError, EOFError, tarfile.TarError, ValueError) as exc:
        raise OpsError(f"Không đọc được bản sao lưu {path}: {exc}") from exc
    if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
        raise OpsError(f"{path} không phải bản sao lưu KTGS (định dạng {FORMAT_VERSION}).")
    return manifest


def _safe_target(root: Path, name: str) -> Path:
    parts = PurePosixPath(name).parts
    if not parts or name.startswith("/") or any(p in ("", ".", "..") for p in parts):
        raise OpsError(f"Bản sao lưu chứa đường dẫn không hợp lệ: {name!r}.")
    return root.joinpath(*parts)


def extract(path: Path, *, engine: str, into: Path) -> None:
    """Unpack the database, the head and the files into `into` (owner-only, no links)."""
    try:
        _extract(path, {DATABASE[engine], HEAD}, into)
    except (OSError, EOFError, tarfile.TarError) as exc:
        raise OpsError(f"Bản sao lưu {path} bị hỏng hoặc không đọc được: {exc}") from exc


def _extract(path: Path, wanted: set[str], into: Path) -> None:
    with tarfile.open(path, mode="r:*") as tar:
        for member in tar:
            if member.name == MANIFEST:
                continue
            if member.name not in wanted and not member.name.startswith(f"{FILES}/"):
                raise OpsError(f"Bản sao lưu chứa mục lạ: {member.name!r}.")
            if not member.isfile():
                raise OpsError(f"Bản sao lưu chứa mục không phải tệp: {member.name!r}.")
            target = _safe_target(into, member.name)
            target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            with tar.extractfile(member) as source, open_private(target) as out:
                while block := source.read(BUFFER):
                    out.write(block)
