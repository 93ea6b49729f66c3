"""Export the organisation model in the interchange format (XLSX, or CSV files in a .zip or a
folder), and the empty template with its "Hướng dẫn" sheet.

Text that a spreadsheet could take for a formula (= + - @, tab, CR first) is written with a
leading apostrophe, which import removes (`cells.escape`). Dates are date cells shown
dd/mm/yyyy in XLSX, text dd/mm/yyyy in CSV. Rows are ordered by their key, so exporting the same
data twice gives the same cells.
"""

import csv
import io
import zipfile
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font

from ktgs.core.vietnamese import format_date
from ktgs.exchange import cells, orgdata
from ktgs.exchange.format import INSTRUCTIONS, SHEETS, Sheet
from ktgs.orgs.models import OrgKind

DATE_FORMAT = "DD/MM/YYYY"


def sheet_rows(*, streamed: bool = False) -> dict[str, Iterable[dict]]:
    """{sheet name: rows to export, ordered by key}; a later module's handler gives its own
    sheets' rows with `export_rows()`. With `streamed`, the sheets that grow with the members
    (`orgdata.STREAMED`, a handler's `streamed_sheets`) are iterators reading the database a chunk at a time, in key order,
    so an export holds a chunk of them at a time, not the nation (docs/benchmarks.md)."""
    from ktgs.exchange.importer import HANDLERS

    loaded = orgdata.load_rows(streamed=not streamed)
    streams = dict(orgdata.STREAMED) if streamed else {}
    for handler in HANDLERS:
        if not hasattr(handler, "export_rows"):
            continue
        mine = getattr(handler, "streamed_sheets", {}) if streamed else {}
        loaded.update(handler.export_rows(streamed=True) if mine else handler.export_rows())
        streams.update(mine)
    out: dict[str, Iterable[dict]] = {
        sheet.name: orgdata.sorted_rows(sheet, loaded.get(sheet.name, []))
        for sheet in SHEETS.values()
    }
    out.update({name: read() for name, read in streams.items() if name in out})
    return out


def cell_values(sheet: Sheet, row: dict) -> list:
    """The row's cells in column order: dates as dates, text escaped, nothing as ""."""
    out = []
    for column in sheet.columns:
        if column.field in sheet.export_only:
            out.append("")
            continue
        value = column.cell(row.get(column.field))
        out.append(cells.escape(value) if isinstance(value, str) else value)
    return out


def _write_book(out: Path, data: dict[str, Iterable[dict]]) -> Path:
    out = Path(out)
    book = Workbook(write_only=True)
    _instructions(book)
    bold = Font(bold=True)
    for sheet in SHEETS.values():
        ws = book.create_sheet(sheet.name)
        for index, column in enumerate(sheet.columns):
            letter = _letter(index)
            ws.column_dimensions[letter].width = max(12, min(40, len(column.header) + 4))
        ws.freeze_panes = "A2"
        ws.append([_cell(ws, h, font=bold) for h in sheet.headers])
        for row in data.get(sheet.name, []):
            ws.append([_value(ws, v) for v in cell_values(sheet, row)])
    out.parent.mkdir(parents=True, exist_ok=True)
    book.save(out)
    return out


def _letter(index: int) -> str:
    from ktgs.exchange.reader import column_letter

    return column_letter(index)


def _cell(ws, value, *, font=None):
    cell = WriteOnlyCell(ws, value=value)
    if font is not None:
        cell.font = font
    return cell


def _value(ws, value):
    if isinstance(value, date):
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    return value


def export_xlsx(out: Path) -> Path:
    """Every live record of the format to one workbook, one sheet per entity."""
    return _write_book(out, sheet_rows(streamed=True))


def write_template(out: Path) -> Path:
    """The empty workbook: headers only, with the instructions sheet."""
    return _write_book(out, {})


def export_csv(out_dir_or_zip: Path) -> Path:
    """One UTF-8 (with BOM, so Excel reads it) CSV file per sheet, `<sheet>.csv`, into a .zip
    when the path ends with .zip, else into that folder. Each file is written as its rows come
    (the largest sheets streamed from the database), never held whole in memory."""
    target = Path(out_dir_or_zip)
    data = sheet_rows(streamed=True)
    if target.suffix.lower() == ".zip":
        target.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
            for sheet in SHEETS.values():
                with archive.open(f"{sheet.name}.csv", "w", force_zip64=True) as raw:
                    _write_csv(raw, sheet, data[sheet.name])
    else:
        target.mkdir(parents=True, exist_ok=True)
        for sheet in SHEETS.values():
            with (target / f"{sheet.name}.csv").open("wb") as raw:
                _write_csv(raw, sheet, data[sheet.name])
    return target


def _write_csv(raw, sheet: Sheet, rows: Iterable[dict]) -> None:
    raw.write(b"\xef\xbb\xbf")
    with io.TextIOWrapper(raw, encoding="utf-8", newline="", write_through=False) as text:
        writer = csv.writer(text, lineterminator="\r\n")
        writer.writerow(sheet.headers)
        for row in rows:
            writer.writerow(
                [format_date(v) if isinstance(v, date) else v for v in cell_values(sheet, row)]
            )


# --- the instructions sheet ------------------------------------------------------------------

GENERAL = [
    "Mỗi sheet là một bảng; dòng 1 là tiêu đề cột (giữ nguyên như mẫu, thứ tự cột tùy ý), "
    "mỗi dòng sau là một bản ghi. Không trộn ô (merge), không dùng công thức: chỉ nhập giá trị.",
    "Ngày: ô kiểu ngày của Excel, hoặc chữ dạng ngày/tháng/năm (05/09/2023 hoặc 5/9/2023). "
    "Dạng khác (2023-09-05, 05-09-2023, 5/9/23) bị từ chối.",
    "Nhập lại cùng một tệp không thay đổi gì. Tệp đã sửa cập nhật theo khóa (mã tổ chức, mã "
    "đảng viên...); dòng không có trong tệp được giữ nguyên (muốn xóa phải làm trên phần mềm).",
    "Có bất kỳ lỗi nào thì không ghi gì cả; tải báo cáo lỗi (sheet, dòng, cột, cách sửa), sửa "
    "tệp rồi nhập lại.",
    "Ô chữ bắt đầu bằng = + - @ được xuất kèm dấu nháy đơn (') ở đầu để bảng tính không coi là "
    "công thức; khi nhập, dấu nháy đó được bỏ đi.",
    "Đảng viên chuyển sinh hoạt: ở sheet «Sinh hoạt», sửa «Mã chi bộ» thành chi bộ mới và ghi "
    "«Ngày chuyển». Sửa mã chi bộ mà không ghi ngày chuyển là sửa sai dòng đó.",
    "CSV: mỗi sheet một tệp mang tên sheet (ví dụ «Đảng viên.csv»), lưu dạng «CSV UTF-8»; "
    "nhiều tệp thì nén chung một tệp .zip. Sheet «Hướng dẫn» được bỏ qua khi nhập; sheet có tên "
    "khác các sheet dưới đây bị từ chối.",
]


def _instructions(book) -> None:
    ws = book.create_sheet(INSTRUCTIONS)
    ws.column_dimensions["A"].width = 26
    ws.column_dimensions["B"].width = 12
    ws.column_dimensions["C"].width = 100
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    ws.append(
        [
            _cell(
                ws,
                "Mẫu nhập liệu tổ chức đảng, đảng viên và hồ sơ kiểm tra, giám sát (KTGS)",
                font=Font(bold=True, size=14),
            )
        ]
    )
    for line in GENERAL:
        ws.append(["", "", _wrapped(ws, line, wrap)])
    for sheet in SHEETS.values():
        ws.append([])
        ws.append(
            [_cell(ws, f"Sheet «{sheet.name}»", font=bold), "", _wrapped(ws, sheet.help, wrap)]
        )
        key = ", ".join(
            sheet.column(f).header for f in sheet.key if f != "name" or sheet.name != "Cơ quan"
        )
        ws.append(["", "Khóa", key])
        for column in sheet.columns:
            ws.append(
                [
                    column.header,
                    "Bắt buộc" if column.required else "",
                    _wrapped(ws, column.help, wrap),
                ]
            )
    ws.append([])
    ws.append([_cell(ws, "Loại tổ chức (cột «Mã loại»)", font=bold)])
    for kind in OrgKind.objects.order_by("order"):
        ws.append([kind.code, "", kind.name])


def _wrapped(ws, value, alignment):
    cell = WriteOnlyCell(ws, value=cells.escape(value))
    cell.alignment = alignment
    return cell
