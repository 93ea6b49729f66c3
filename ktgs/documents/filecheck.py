"""What an uploaded file really is: the allowed kinds (as data) and the content checks.

A file is accepted when its extension names an allowed kind AND its content is that kind:
the `filetype` library reads the first bytes; Office Open XML and OpenDocument files are zips
whose table of contents is read (never extracted) to check their parts and refuse zip bombs;
Word/Excel 97–2003 files are OLE2 compound files. Refusals name the file and what it looks like.
"""

import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath

import filetype
from django.core.exceptions import ValidationError

from ktgs.core.validators import forbidden_char


@dataclass(frozen=True)
class Kind:
    code: str  # canonical extension of the stored file
    label: str  # what a user calls it
    mime: str
    extensions: tuple[str, ...]


KINDS: dict[str, Kind] = {
    k.code: k
    for k in (
        Kind("pdf", "PDF", "application/pdf", ("pdf",)),
        Kind(
            "docx",
            "Word (.docx)",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ("docx",),
        ),
        Kind(
            "xlsx",
            "Excel (.xlsx)",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ("xlsx",),
        ),
        Kind("doc", "Word 97–2003 (.doc)", "application/msword", ("doc",)),
        Kind("xls", "Excel 97–2003 (.xls)", "application/vnd.ms-excel", ("xls",)),
        Kind("jpg", "ảnh JPEG", "image/jpeg", ("jpg", "jpeg")),
        Kind("png", "ảnh PNG", "image/png", ("png",)),
        Kind("odt", "OpenDocument (.odt)", "application/vnd.oasis.opendocument.text", ("odt",)),
    )
}
BY_EXTENSION = {ext: kind for kind in KINDS.values() for ext in kind.extensions}
ALLOWED_TEXT = ", ".join(k.code.upper() for k in KINDS.values())

# What other content looks like, for the refusal message (filetype's extension → words).
LOOKS_LIKE = {
    "zip": "một tệp nén ZIP",
    "rar": "một tệp nén RAR",
    "7z": "một tệp nén 7z",
    "gz": "một tệp nén gzip",
    "exe": "một chương trình chạy được (EXE)",
    "elf": "một chương trình chạy được",
    "gif": "ảnh GIF",
    "webp": "ảnh WebP",
    "bmp": "ảnh BMP",
    "tif": "ảnh TIFF",
    "heic": "ảnh HEIC",
    "rtf": "văn bản RTF",
    "ppt": "PowerPoint 97–2003",
    "pptx": "PowerPoint (.pptx)",
    "ods": "bảng tính OpenDocument (.ods)",
    "sqlite": "một cơ sở dữ liệu SQLite",
    "mp4": "một đoạn phim MP4",
    "mp3": "một tệp âm thanh MP3",
}
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
HEAD_BYTES = 8192

# Zip limits: checked on the table of contents, before anything is decompressed.
ZIP_MAX_ENTRIES = 5_000
ZIP_MAX_TOTAL = 300 * 1024 * 1024  # bytes once unpacked
ZIP_MAX_RATIO = 200  # unpacked / packed, per entry and overall
OOXML_PARTS = {"docx": "word/", "xlsx": "xl/"}


def clean_name(raw: str) -> str:
    """The original file name as kept for download: last path part, NFC, no control chars."""
    name = PureWindowsPath(PurePosixPath(raw or "").name).name  # "C:\\fakepath\\a.pdf" → "a.pdf"
    name = " ".join(unicodedata.normalize("NFC", name).split())
    if not name or name in {".", ".."}:
        raise ValidationError("Tệp tải lên không có tên.", code="no_name")
    if forbidden_char(name) is not None:
        raise ValidationError(
            f"Tên tệp “{name!r}” có ký tự điều khiển; hãy đổi tên tệp rồi tải lên lại.",
            code="control_character",
        )
    return name[:255]


def claimed_kind(name: str) -> Kind:
    ext = PurePosixPath(name).suffix.lower().lstrip(".")
    kind = BY_EXTENSION.get(ext)
    if kind is None:
        shown = f"đuôi .{ext}" if ext else "không có đuôi"
        raise ValidationError(
            f"Tệp “{name}” ({shown}) không thuộc loại được đính kèm. Chỉ nhận: {ALLOWED_TEXT}.",
            code="kind_not_allowed",
        )
    return kind


def check_content(name: str, kind: Kind, fileobj) -> None:
    """Raise a ValidationError naming the file unless its content is `kind`."""
    fileobj.seek(0)
    head = fileobj.read(HEAD_BYTES)
    guess = filetype.guess(head) if head else None
    found = guess.extension if guess else None
    if kind.code in ("docx", "xlsx", "odt"):
        ok = found in {"zip", "docx", "xlsx", "odt", "pptx", "ods", "odp", "epub"}
        if ok:
            _check_zip(name, kind, fileobj)
            return
    elif kind.code in ("doc", "xls"):
        ok = head.startswith(OLE2) and found in (None, kind.code)
    else:
        ok = found == kind.code
    if not ok:
        raise ValidationError(
            f"Tệp “{name}” mang đuôi của {kind.label} nhưng nội dung không phải {kind.label}: "
            f"{_looks_like(head, found)}. Hãy mở tệp kiểm tra lại, lưu đúng định dạng rồi tải lên.",
            code="content_mismatch",
        )


def _looks_like(head: bytes, found: str | None) -> str:
    if not head:
        return "tệp rỗng"
    if found in KINDS:
        return f"trông như {KINDS[found].label}"
    if found in LOOKS_LIKE:
        return f"trông như {LOOKS_LIKE[found]}"
    if head.startswith(OLE2):
        return "trông như một tệp Office 97–2003 loại khác"
    sample = head.lstrip()[:512]
    if sample[:1] == b"<" and b"html" in sample.lower():
        return "trông như một trang web (HTML)"
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError:
        return "không nhận ra được loại nội dung"
    return "trông như văn bản thuần (text)"


def _check_zip(name: str, kind: Kind, fileobj) -> None:
    fileobj.seek(0)
    try:
        with zipfile.ZipFile(fileobj) as archive:
            entries = archive.infolist()
            _refuse_bomb(name, entries)
            names = {e.filename for e in entries}
            if kind.code == "odt":
                ok = "mimetype" in names and _small_read(archive, "mimetype") == kind.mime.encode()
            else:
                ok = "[Content_Types].xml" in names and any(
                    n.startswith(OOXML_PARTS[kind.code]) for n in names
                )
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        ok = False
    if not ok:
        raise ValidationError(
            f"Tệp “{name}” mang đuôi của {kind.label} nhưng bên trong không phải {kind.label} "
            "(tệp nén thiếu các phần của loại này, hoặc bị hỏng). Hãy mở tệp bằng chương trình "
            "soạn thảo, lưu lại đúng định dạng rồi tải lên.",
            code="content_mismatch",
        )


def _refuse_bomb(name: str, entries) -> None:
    total = sum(e.file_size for e in entries)
    packed = sum(e.compress_size for e in entries)
    worst = max((e.file_size / max(e.compress_size, 1) for e in entries), default=0)
    if (
        len(entries) > ZIP_MAX_ENTRIES
        or total > ZIP_MAX_TOTAL
        or worst > ZIP_MAX_RATIO
        or total > ZIP_MAX_RATIO * max(packed, 1)
    ):
        raise ValidationError(
            f"Tệp “{name}” bị từ chối: nội dung nén bất thường (khi giải nén lớn gấp hàng trăm "
            "lần hoặc quá nhiều phần), có thể là tệp độc hại. Hãy lưu lại tệp rồi tải lên.",
            code="zip_bomb",
        )


def _small_read(archive: zipfile.ZipFile, member: str) -> bytes:
    with archive.open(member) as handle:
        return handle.read(200).strip()
