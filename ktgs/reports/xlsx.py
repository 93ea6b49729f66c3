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
from openpyxl.styles import Alignment, Border, Font, NamedStyle, Side
from openpyxl.styles.fonts import DEFAULT_FONT
from openpyxl.utils import get_column_letter

from ktgs.core.vietnamese import format_date
from ktgs.exchange.cells import escape
from ktgs.orgs.models import OrgUnit

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
# The workbook's named styles (Excel's cell styles): a cell takes one by name, which copies its
# style ids, where setting a font, an alignment and a border one by one looks each up again.
TITLE = "KTGS tiêu đề"
SUBTITLE = "KTGS kỳ báo cáo"
HEADER = "KTGS đầu cột"
CELL = "KTGS ô số liệu"
TOTAL = "KTGS ô tổng"
FLAG = "KTGS chú thích đậm"
PLAIN = Font(name=DEFAULT_FONT.name, size=DEFAULT_FONT.sz)  # a named style carries its font
BOLD = Font(name=DEFAULT_FONT.name, size=DEFAULT_FONT.sz, bold=True)
STYLES = {
    TITLE: {"font": Font(name=DEFAULT_FONT.name, size=13, bold=True), "alignment": CENTER},
    SUBTITLE: {"font": PLAIN, "alignment": CENTER},
    HEADER: {"font": BOLD, "alignment": CENTER, "border": BOX},
    CELL: {"font": PLAIN, "border": BOX},
    TOTAL: {"font": BOLD, "border": BOX},
    FLAG: {"font": BOLD},
}
HEADER_TOP = 4  # the first header row (title, unit and period, a blank row above it)


def _sheet_name(title: str, used: set) -> str:
    name = "".join(ch for ch in title if ch not in "[]:*?/\\")[:31]
    base, n = name, 2
    while name in used:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(name)
    return name


def _text(ws, row: int, col: int, value: str, style: str | None = None):
    cell = ws.cell(row=row, column=col, value=escape(value))
    if style:
        cell.style = style
    return cell


def _merged(ws, top: int, left: int, bottom: int, right: int, value: str, style: str) -> None:
    """`value` over the cells top..bottom × left..right, every one of them in `style` (a merged
    range draws the borders of the cells it covers). Merged before it is styled: openpyxl
    would otherwise copy the first cell's border onto the range's edges, cell by cell."""
    _text(ws, top, left, value)
    if (top, left) != (bottom, right):
        ws.merge_cells(start_row=top, start_column=left, end_row=bottom, end_column=right)
    for row in ws.iter_rows(min_row=top, max_row=bottom, min_col=left, max_col=right):
        for cell in row:
            cell.style = style


def write_table(ws, unit: OrgUnit, period, computed, flags: list[str]) -> None:
    table = computed.table
    width = len(table.columns) + 1
    _merged(ws, 1, 1, 1, width, table.title.upper(), TITLE)
    when = f"từ ngày {format_date(period.start)} đến ngày {format_date(period.end)}"
    if period.label != period.dates_label:
        when = f"{period.label} ({when})"
    _merged(ws, 2, 1, 2, width, f"{unit.name} — {when}", SUBTITLE)
    top = HEADER_TOP
    depth = 2 if table.grouped else 1
    _merged(ws, top, 1, top + depth - 1, 1, table.row_header, HEADER)
    col = 2
    for group, span in table.header_groups:
        columns = table.columns[col - 2 : col - 2 + span]
        if group:
            _merged(ws, top, col, top, col + span - 1, group, HEADER)
            for i, c in enumerate(columns):
                _text(ws, top + 1, col + i, c.label, HEADER)
        else:
            for i, c in enumerate(columns):
                _merged(ws, top, col + i, top + depth - 1, col + i, c.label, HEADER)
        col += span
    row_no = top + depth
    for r in computed.rows:
        _text(ws, row_no, 1, r.label, TOTAL if r.total else CELL)
        for i, cell in enumerate(r.cells):
            out = ws.cell(row=row_no, column=2 + i, value=cell.value)
            out.style = TOTAL if r.total or cell.total else CELL
        row_no += 1
    row_no += 1
    _text(ws, row_no, 1, f"Nguồn: {table.source}")
    if table.reconstruction:
        row_no += 1
        _text(ws, row_no, 1, f"Biểu dựng lại: {table.note}")
    for flag in flags:
        row_no += 1
        _text(ws, row_no, 1, f"Chưa khớp: {flag}", FLAG)
    ws.column_dimensions["A"].width = 42
    for i in range(2, width + 1):
        ws.column_dimensions[get_column_letter(i)].width = 14


def workbook_bytes(unit: OrgUnit, period, computed: list, more: list = ()) -> bytes:
    """`period`: a `reports.periods.Period` (its label and dates head every sheet). `more`:
    (range, its computed tables) written after, each sheet's name prefixed "LK " — the figures
    "lũy kế từ đầu nhiệm kỳ" (the range: `views.Cumulative`, with a label and dates)."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, parts in STYLES.items():
        wb.add_named_style(NamedStyle(name=name, **parts))
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
