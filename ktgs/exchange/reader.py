"""Read an uploaded XLSX, CSV or .zip of CSVs into raw tables, refusing unsafe files first.

Before any parsing: the size limit (KTGS_IMPORT_MAX_MB), and for zip containers (XLSX is one)
the number of entries, their declared uncompressed sizes and compression ratio, then a streamed
decompression that stops as soon as an entry yields more than it declared; the same pass refuses
an XML part declaring a DTD or an entity (`<!DOCTYPE`, `<!ENTITY`: XXE, "billion laughs"), which
Excel never writes. XLSX cells are read with calamine (Rust; it does not resolve DTDs or external
entities, and fails on them), the workbook's own XML with defusedxml. A formula cell, a merged range, an unknown sheet, a missing or unknown header is a
`Problem`; a file that cannot be read at all raises `FileRefused`.
"""

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from defusedxml import ElementTree
from django.conf import settings

from ktgs.core.vietnamese import format_int
from ktgs.exchange.errors import FileRefused
from ktgs.exchange.format import INSTRUCTIONS, Sheet, loose, sheet_named

MAX_ENTRIES = 2000
MAX_RATIO = 200  # uncompressed / compressed, per entry and overall
XML_PARTS = (".xml", ".rels", ".vml")  # the parts of a workbook that are XML
# A DTD or entity declaration, in UTF-8 and in both UTF-16 byte orders.
DTD_MARKERS = tuple(
    word.encode(codec)
    for word in ("<!DOCTYPE", "<!ENTITY")
    for codec in ("utf-8", "utf-16-le", "utf-16-be")
)
DTD_REFUSED = (
    "Tệp Excel có khai báo DTD hoặc thực thể XML (<!DOCTYPE, <!ENTITY) trong phần «{part}». "
    "Excel không bao giờ tạo ra khai báo này; tệp có thể đã bị sửa để tấn công máy chủ, nên không "
    "được đọc. Hãy mở tệp bằng Excel, chép dữ liệu sang một sổ tính mới, lưu thành «Excel "
    "Workbook (*.xlsx)» rồi tải lên lại."
)
CORRUPT_XLSX = "Tệp Excel hỏng hoặc không đúng định dạng .xlsx; hãy mở bằng Excel và lưu lại."
CSV_HOW = (
    "Hãy lưu lại tệp dạng UTF-8: trong Excel chọn Tệp → Lưu thành (File → Save As), ở ô «Kiểu "
    "tệp» chọn «CSV UTF-8 (Comma delimited) (*.csv)», rồi tải lên tệp mới."
)


@dataclass
class RawSheet:
    sheet: Sheet
    headers: list[str]  # as typed in row 1
    columns: dict[str, int]  # field → position in each row
    rows: list[tuple[int, list]] = field(default_factory=list)  # (row number, cells)
    column_letters_start: int = 0


@dataclass
class RawBook:
    sheets: list[RawSheet]
    problems: list  # importer.Problem, created through `problem`


def max_bytes() -> int:
    return int(getattr(settings, "KTGS_IMPORT_MAX_MB", 20)) * 1024 * 1024


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def read_book(path: Path, file_name: str, problem) -> RawBook:
    """`problem(sheet, row, column, message, fix)` makes one Problem."""
    size = path.stat().st_size
    limit = max_bytes()
    if size > limit:
        raise FileRefused(
            f"Tệp nặng {format_int(size // 1024)} KB, vượt giới hạn {format_int(limit // 1048576)} MB. "
            "Hãy chia thành nhiều tệp nhỏ hơn (ví dụ theo đảng bộ cơ sở)."
        )
    if size == 0:
        raise FileRefused("Tệp rỗng.")
    with path.open("rb") as f:
        head = f.read(8)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileRefused(
            "Đây là tệp Excel cũ (.xls) hoặc tệp có mật khẩu. Hãy mở trong Excel, bỏ mật khẩu "
            "nếu có, và lưu thành «Excel Workbook (*.xlsx)»."
        )
    if head.startswith(b"PK"):
        names = check_zip(path)
        if "[Content_Types].xml" in names or "xl/workbook.xml" in names:
            return _read_xlsx(path, problem)
        return _read_zipped_csv(path, names, problem)
    if file_name.lower().endswith((".csv", ".txt")):
        sheet = sheet_named(Path(file_name).stem)
        if sheet is None:
            raise FileRefused(_csv_name_refused(file_name))
        book = RawBook([], [])
        _read_csv(path.read_bytes(), sheet, file_name, book, problem)
        return book
    raise FileRefused(
        "Không đọc được tệp: chỉ nhận tệp Excel (.xlsx), tệp CSV UTF-8 (.csv) hoặc tệp .zip "
        "chứa các tệp CSV."
    )


def _csv_name_refused(file_name: str) -> str:
    from ktgs.exchange.format import SHEETS

    names = ", ".join(f"«{name}.csv»" for name in SHEETS)
    return f"Tệp CSV «{file_name}» phải mang tên của một sheet để biết đó là bảng nào: {names}."


# --- zip safety ------------------------------------------------------------------------------


def check_zip(path: Path) -> set[str]:
    """Refuse a zip bomb before anything parses it; return the entry names."""
    bomb = FileRefused(
        "Tệp nén có dấu hiệu bất thường (dung lượng khi giải nén quá lớn so với tệp), nên không "
        "được đọc. Hãy lưu lại tệp từ Excel rồi tải lên lại."
    )
    limit = max_bytes() * 10
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_ENTRIES:
                raise bomb
            total = sum(i.file_size for i in infos)
            packed = sum(i.compress_size for i in infos)
            if total > limit or total > MAX_RATIO * max(packed, 1) + 1_000_000:
                raise bomb
            for info in infos:
                if info.flag_bits & 0x1:
                    raise FileRefused("Tệp có mật khẩu: hãy bỏ mật khẩu trong Excel rồi lưu lại.")
                if info.file_size > 1_000_000 and info.file_size > MAX_RATIO * max(
                    info.compress_size, 1
                ):
                    raise bomb
                _inflate_within(archive, info, bomb)
            return set(entries(archive))
    except zipfile.BadZipFile:
        raise FileRefused("Tệp hỏng: không mở được tệp nén (.xlsx hoặc .zip).") from None


UTF8_NAME_FLAG = 0x800  # general-purpose bit 11: the name is stored in UTF-8


def entry_name(info: zipfile.ZipInfo) -> str:
    """The entry's name as its author typed it. Without the UTF-8 flag, Python decodes a name as
    cp437 (the zip standard's legacy code page), yet Info-ZIP `zip` on Linux and macOS (and many
    other tools) store UTF-8 bytes without setting the flag: «Đảng viên.csv» would read as
    «─Éß║úng vi├¬n.csv». Such a name is decoded as UTF-8 when its bytes are valid UTF-8 (cp437
    text with letters above 127 almost never is), else left in cp437."""
    if info.flag_bits & UTF8_NAME_FLAG:
        return info.filename
    try:
        raw = info.orig_filename.encode("cp437")  # cp437 maps all 256 bytes: this is lossless
        return raw.decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def entries(archive: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    """The archive's entries by name, names decoded by `entry_name`."""
    return {entry_name(info): info for info in archive.infolist()}


def _inflate_within(archive: zipfile.ZipFile, info: zipfile.ZipInfo, bomb: Exception) -> None:
    """Decompress the entry in chunks; stop as soon as it yields more than it declared. An XML
    part is also searched for a DTD or entity declaration (the tail of the previous chunk is
    kept, so a marker split between two chunks is found)."""
    produced, tail = 0, b""
    xml = info.filename.lower().endswith(XML_PARTS)
    keep = max(len(m) for m in DTD_MARKERS) - 1
    with archive.open(info) as stream:
        while chunk := stream.read(1 << 20):
            produced += len(chunk)
            if produced > info.file_size:
                raise bomb
            if xml:
                window = tail + chunk
                if any(marker in window for marker in DTD_MARKERS):
                    raise FileRefused(DTD_REFUSED.format(part=info.filename))
                tail = window[-keep:]


# --- XLSX ------------------------------------------------------------------------------------

_NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}
_FORMULA = re.compile(rb'<(?:\w+:)?c\s[^>]*?r="([A-Z]+)([0-9]+)"[^>]*>\s*<(?:\w+:)?f[\s>/]')


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """{sheet name: path of its XML part}, read with defusedxml."""
    book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target") for r in rels.findall("rel:Relationship", _NS)}
    parts = {}
    for sheet in book.findall("m:sheets/m:sheet", _NS):
        target = targets.get(sheet.get(f"{{{_NS['r']}}}id"), "")
        target = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        parts[sheet.get("name")] = str(PurePosixPath(target))
    return parts


def _formula_cells(archive: zipfile.ZipFile, part: str) -> list[tuple[str, int]]:
    try:
        xml = archive.read(part)
    except KeyError:
        return []
    return [(m.group(1).decode(), int(m.group(2))) for m in _FORMULA.finditer(xml)]


def _read_xlsx(path: Path, problem) -> RawBook:
    import python_calamine

    book = RawBook([], [])
    try:
        with zipfile.ZipFile(path) as archive:
            parts = _sheet_parts(archive)
            formulas = {name: _formula_cells(archive, part) for name, part in parts.items()}
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine and ElementTree raise their own types
        raise FileRefused(CORRUPT_XLSX) from exc
    try:
        _read_sheets(workbook, formulas, book, problem)
    except python_calamine.CalamineError as exc:  # a sheet's XML calamine cannot read
        raise FileRefused(CORRUPT_XLSX) from exc
    return book


def _read_sheets(workbook, formulas: dict, book: RawBook, problem) -> None:
    seen = set()
    for name in workbook.sheet_names:
        if loose(name) == loose(INSTRUCTIONS):
            continue
        sheet = sheet_named(name)
        if sheet is None:
            book.problems.append(_unknown_sheet(name, problem))
            continue
        if sheet.name in seen:
            book.problems.append(
                problem(
                    name,
                    None,
                    None,
                    f"Có hai sheet cùng là «{sheet.name}».",
                    "Gộp thành một sheet.",
                )
            )
            continue
        seen.add(sheet.name)
        for column, row in formulas.get(name, []):
            book.problems.append(
                problem(
                    name,
                    row,
                    column,
                    "Ô chứa công thức; chỉ nhận giá trị.",
                    "Sao chép cột rồi «Dán giá trị» (Paste Values) đè lên chính nó, rồi lưu lại.",
                )
            )
        data = workbook.get_sheet_by_name(name)
        for (r1, c1), (r2, c2) in data.merged_cell_ranges or []:
            ref = f"{column_letter(c1)}{r1 + 1}:{column_letter(c2)}{r2 + 1}"
            book.problems.append(
                problem(
                    name,
                    r1 + 1,
                    column_letter(c1),
                    f"Vùng ô {ref} đang được trộn (merge).",
                    "Bỏ trộn ô (Unmerge) và điền giá trị vào từng ô.",
                )
            )
        rows = data.to_python(skip_empty_area=False)
        _table(sheet, name, rows, book, problem)


def _unknown_sheet(name: str, problem):
    from ktgs.exchange.format import SHEETS

    return problem(
        name,
        None,
        None,
        f"Sheet «{name}» không có trong định dạng nhập liệu.",
        "Đổi tên sheet cho đúng một trong: " + ", ".join(SHEETS) + f" (hoặc «{INSTRUCTIONS}»), "
        "hoặc xóa sheet này.",
    )


# --- CSV -------------------------------------------------------------------------------------


def _read_zipped_csv(path: Path, names: set[str], problem) -> RawBook:
    book = RawBook([], [])
    found = False
    with zipfile.ZipFile(path) as archive:
        by_name = entries(archive)
        for name in sorted(names):
            stem = PurePosixPath(name)
            if name.endswith("/") or stem.name.startswith(".") or "__MACOSX" in name:
                continue
            if stem.suffix.lower() != ".csv":
                book.problems.append(
                    problem(
                        stem.name,
                        None,
                        None,
                        "Tệp trong .zip không phải CSV.",
                        "Chỉ để các tệp .csv trong tệp nén.",
                    )
                )
                continue
            sheet = sheet_named(stem.stem)
            if sheet is None:
                book.problems.append(_unknown_sheet(stem.stem, problem))
                continue
            found = True
            _read_csv(archive.read(by_name[name]), sheet, stem.name, book, problem)
    if not found and not book.problems:
        raise FileRefused("Tệp .zip không chứa tệp CSV nào mang tên một sheet của định dạng.")
    return book


def _decode(data: bytes, file_name: str) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileRefused(
            f"Tệp «{file_name}» là UTF-16 («Unicode Text»), không phải CSV UTF-8. {CSV_HOW}"
        )
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise FileRefused(
            f"Tệp «{file_name}» không phải mã UTF-8 (có thể là Windows-1258 hoặc TCVN3), nên "
            f"chữ tiếng Việt sẽ bị sai. {CSV_HOW}"
        ) from None


def _read_csv(data: bytes, sheet: Sheet, file_name: str, book: RawBook, problem) -> None:
    text = _decode(data, file_name)
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    _table(sheet, sheet.name, rows, book, problem)


# --- headers and rows ------------------------------------------------------------------------


def _table(sheet: Sheet, name: str, rows: list[list], book: RawBook, problem) -> None:
    rows = [list(r) for r in rows]
    if not rows or all(_blank(c) for c in rows[0]):
        if any(not all(_blank(c) for c in r) for r in rows):
            book.problems.append(
                problem(
                    name,
                    1,
                    None,
                    "Dòng 1 phải là dòng tiêu đề cột.",
                    "Chép dòng tiêu đề từ tệp mẫu vào dòng 1.",
                )
            )
        return
    headers = [str(c).strip() if not _blank(c) else "" for c in rows[0]]
    wanted = {loose(c.header): c for c in sheet.columns}
    columns: dict[str, int] = {}
    for index, header in enumerate(headers):
        if not header:
            if any(index < len(r) and not _blank(r[index]) for r in rows[1:]):
                book.problems.append(
                    problem(
                        name,
                        1,
                        column_letter(index),
                        "Cột có dữ liệu nhưng không có tiêu đề.",
                        "Thêm tiêu đề đúng mẫu hoặc xóa cột.",
                    )
                )
            continue
        column = wanted.get(loose(header.rstrip("*")))
        if column is None:
            book.problems.append(
                problem(
                    name,
                    1,
                    column_letter(index),
                    f"Tiêu đề cột «{header}» không có trong mẫu sheet «{sheet.name}».",
                    "Sửa tiêu đề cho đúng mẫu (" + ", ".join(sheet.headers) + ") hoặc xóa cột.",
                )
            )
        elif column.field in columns:
            book.problems.append(
                problem(
                    name,
                    1,
                    column_letter(index),
                    f"Cột «{column.header}» xuất hiện hai lần.",
                    "Xóa một cột.",
                )
            )
        else:
            columns[column.field] = index
    missing = [c.header for c in sheet.columns if c.field not in columns]
    for header in missing:
        book.problems.append(
            problem(
                name, 1, header, f"Thiếu cột «{header}».", "Thêm cột với đúng tiêu đề như tệp mẫu."
            )
        )
    raw = RawSheet(sheet, headers, columns)
    for number, row in enumerate(rows[1:], start=2):
        if all(_blank(c) for c in row):
            continue
        raw.rows.append((number, row))
    book.sheets.append(raw)


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())
