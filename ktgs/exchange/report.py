"""The problem report a user downloads: one row per problem, in Vietnamese."""

from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font

from ktgs.exchange.cells import escape

HEADERS = ("Sheet", "Dòng", "Cột", "Lỗi", "Cách sửa")
WIDTHS = (18, 8, 22, 70, 70)


def write_problem_report(problems: list, out: Path) -> Path:
    """XLSX with the columns Sheet, Dòng, Cột, Lỗi, Cách sửa (text escaped against formulas)."""
    out = Path(out)
    book = Workbook(write_only=True)
    ws = book.create_sheet("Lỗi")
    for index, width in enumerate(WIDTHS):
        ws.column_dimensions[chr(65 + index)].width = width
    ws.freeze_panes = "A2"
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    ws.append([_cell(ws, h, bold=bold) for h in HEADERS])
    for p in problems:
        row = [escape(p.sheet or ""), p.row if p.row is not None else "", escape(p.column or "")]
        row += [_cell(ws, escape(p.message), wrap=wrap), _cell(ws, escape(p.fix or ""), wrap=wrap)]
        ws.append(row)
    out.parent.mkdir(parents=True, exist_ok=True)
    book.save(out)
    return out


def _cell(ws, value, *, bold=None, wrap=None):
    cell = WriteOnlyCell(ws, value=value)
    if bold is not None:
        cell.font = bold
    if wrap is not None:
        cell.alignment = wrap
    return cell
