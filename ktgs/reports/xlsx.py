"""The report's tables as an XLSX, laid out as offices know them: one sheet per table, its title
and period on top, the header cells merged (a column group over its columns, a column without a
group over both header rows), totals in bold, the source and the reconciliation flags below.

Written with the exchange writer's conventions (`ktgs.exchange.cells.escape`): text that a
spreadsheet could take for a formula (= + - @, tab, CR first) gets a leading apostrophe; figures
are numbers, never formulas, so that a total is the figure KTGS computed (and flagged if it does
not reconcile), not one the spreadsheet recomputes.
"""

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from ktgs.core.vietnamese import format_date
from ktgs.exchange.cells import escape
from ktgs.orgs.models import OrgUnit

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=13)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_TOP = 4  # the first header row (title, unit and period, a blank row above it)


def _sheet_name(title: str, used: set) -> str:
    name = "".join(ch for ch in title if ch not in "[]:*?/\\")[:31]
    base, n = name, 2
    while name in used:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(name)
    return name


def _text(ws, row: int, col: int, value: str, **style):
    cell = ws.cell(row=row, column=col, value=escape(value))
    for k, v in style.items():
        setattr(cell, k, v)
    return cell


def write_table(ws, unit: OrgUnit, period, computed, flags: list[str]) -> None:
    table = computed.table
    width = len(table.columns) + 1
    _text(ws, 1, 1, table.title.upper(), font=TITLE, alignment=CENTER)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    when = f"từ ngày {format_date(period.start)} đến ngày {format_date(period.end)}"
    if period.label != period.dates_label:
        when = f"{period.label} ({when})"
    _text(ws, 2, 1, f"{unit.name} — {when}", alignment=CENTER)
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    top = HEADER_TOP
    depth = 2 if table.grouped else 1
    _text(ws, top, 1, table.row_header, font=BOLD, alignment=CENTER, border=BOX)
    if depth == 2:
        ws.merge_cells(start_row=top, start_column=1, end_row=top + 1, end_column=1)
    col = 2
    for group, span in table.header_groups:
        columns = table.columns[col - 2 : col - 2 + span]
        if group:
            _text(ws, top, col, group, font=BOLD, alignment=CENTER, border=BOX)
            if span > 1:
                ws.merge_cells(
                    start_row=top, start_column=col, end_row=top, end_column=col + span - 1
                )
            for i, c in enumerate(columns):
                _text(ws, top + 1, col + i, c.label, font=BOLD, alignment=CENTER, border=BOX)
        else:
            for i, c in enumerate(columns):
                _text(ws, top, col + i, c.label, font=BOLD, alignment=CENTER, border=BOX)
                if depth == 2:
                    ws.merge_cells(
                        start_row=top, start_column=col + i, end_row=top + 1, end_column=col + i
                    )
        col += span
    row_no = top + depth
    for r in computed.rows:
        font = BOLD if r.total else None
        _text(ws, row_no, 1, r.label, border=BOX, **({"font": font} if font else {}))
        for i, cell in enumerate(r.cells):
            out = ws.cell(row=row_no, column=2 + i, value=cell.value)
            out.border = BOX
            if r.total or cell.total:
                out.font = BOLD
        row_no += 1
    row_no += 1
    _text(ws, row_no, 1, f"Nguồn: {table.source}")
    if table.reconstruction:
        row_no += 1
        _text(ws, row_no, 1, f"Biểu dựng lại: {table.note}")
    for flag in flags:
        row_no += 1
        _text(ws, row_no, 1, f"Chưa khớp: {flag}", font=BOLD)
    ws.column_dimensions["A"].width = 42
    for i in range(2, width + 1):
        ws.column_dimensions[get_column_letter(i)].width = 14


def workbook_bytes(unit: OrgUnit, period, computed: list, more: list = ()) -> bytes:
    """`period`: a `reports.periods.Period` (its label and dates head every sheet). `more`:
    (range, its computed tables) written after, each sheet's name prefixed "LK " — the figures
    "lũy kế từ đầu nhiệm kỳ" (the range: `views.Cumulative`, with a label and dates)."""
    wb = Workbook()
    wb.remove(wb.active)
    used: set = set()
    for c in computed:
        ws = wb.create_sheet(_sheet_name(c.table.title, used))
        write_table(ws, unit, period, c, c.flags)
    for other, tables in more:
        for c in tables:
            ws = wb.create_sheet(_sheet_name(f"LK {c.table.title}", used))
            write_table(ws, unit, other, c, c.flags)
    if not wb.worksheets:  # nothing to lay out (e.g. a closure that froze no table)
        _text(wb.create_sheet("Báo cáo"), 1, 1, f"{unit.name}: không có biểu nào.")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
