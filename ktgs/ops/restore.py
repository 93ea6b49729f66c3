"""`ktgs restore`: into an EMPTY database of the same engine, then prove the copy is equal.

Order: read the manifest and refuse early (other engine, target not empty, files folder not
empty); unpack into a private folder and check the files' hashes; put the database in place;
recompute every table's row count and checksum and compare with the manifest; move the files
into MEDIA_ROOT; write the chain's head and verify the audit chain. Any difference is an error
naming what differs — the restored copy must then not be used.
"""

import json
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from ktgs.audit import head
from ktgs.audit.verify import verify
from ktgs.ops import archive
from ktgs.ops.backup import ENGINE_NAMES, ENGINES, engine
from ktgs.ops.checksums import differences, table_checksums
from ktgs.ops.errors import OpsError

NOT_EQUAL = (
    "Đã chép dữ liệu vào cơ sở dữ liệu đích nhưng bản khôi phục KHÔNG khớp bản sao lưu — "
    "không dùng cơ sở dữ liệu này:\n"
)


@dataclass(frozen=True)
class Restored:
    manifest: dict
    audit_message: str


def check_engine(manifest: dict, vendor: str) -> None:
    if manifest["engine"] != vendor:
        raise OpsError(
            f"Bản sao lưu này là của {ENGINE_NAMES.get(manifest['engine'], manifest['engine'])}, "
            f"còn cơ sở dữ liệu đích là {ENGINE_NAMES[vendor]}: chỉ khôi phục được vào cùng loại "
            "cơ sở dữ liệu (đặt DATABASE_URL cho đúng)."
        )


def check_media_empty(media: Path) -> None:
    if media.is_dir() and any(media.iterdir()):
        raise OpsError(
            f"Thư mục tệp đính kèm đích {media} không trống; chỉ khôi phục vào thư mục trống."
        )


def check_files(root: Path, expected: list[dict], *, where: str) -> None:
    if archive.list_files(root) != expected:
        raise OpsError(f"Tệp đính kèm {where} không khớp danh sách trong bản sao lưu.")


def move_files(source: Path, media: Path) -> None:
    if not source.is_dir():
        return
    media.mkdir(parents=True, exist_ok=True, mode=0o700)
    for item in sorted(source.iterdir()):
        shutil.move(str(item), str(media / item.name))


def restore_head(extracted: Path, manifest: dict) -> None:
    """The head as it was recorded (and signed) when the backup was made; for a backup made
    before any head was written, the backup's own chain end."""
    if (extracted / archive.HEAD).is_file():
        head.write(json.loads((extracted / archive.HEAD).read_text(encoding="utf-8")))
    elif end := manifest["audit"]["chain_end"]:
        head.write(head.signed(end["seq"], end["hash"]))
    else:
        head.head_path().unlink(missing_ok=True)


def verify_chain(manifest: dict) -> str:
    verdict = verify()
    if not verdict.ok:
        raise OpsError(NOT_EQUAL + "Chuỗi nhật ký thao tác: " + verdict.message)
    if end := manifest["audit"]["chain_end"]:
        head.advance(end["seq"], end["hash"])
    return verdict.message


def restore_backup(path: Path) -> Restored:
    manifest = archive.read_manifest(path)
    vendor = engine()
    check_engine(manifest, vendor)
    media = Path(settings.MEDIA_ROOT)
    ENGINES[vendor].check_empty()
    check_media_empty(media)
    data_dir = Path(settings.DATA_DIR)
    with tempfile.TemporaryDirectory(prefix=".ktgs-restore-", dir=data_dir) as work:
        extracted = Path(work)
        archive.extract(path, engine=vendor, into=extracted)
        check_files(extracted / archive.FILES, manifest["files"], where="trong bản sao lưu")
        ENGINES[vendor].install(extracted / archive.DATABASE[vendor])
        if problems := differences(manifest["tables"], table_checksums()):
            raise OpsError(NOT_EQUAL + "\n".join(problems))
        move_files(extracted / archive.FILES, media)
        check_files(media, manifest["files"], where="sau khôi phục")
        restore_head(extracted, manifest)
    return Restored(manifest, verify_chain(manifest))
