"""Report tables as data (docs/reports.md, "Chỉ tiêu và biểu"): one TOML file per table under
`data/`, in the rule pack's style, read and VALIDATED on load.

A table names its title, source, whether it is a reconstruction (with a note), its columns
(label, indicator, parameters, optional header group) and its rows (label, parameters merged
over the column's). A total row or column declares `sum = [keys]`; with parameters of its own it
is also computed from its indicator, and a total that differs from the sum of its parts is
FLAGGED, never adjusted. A row `expand = "ky_luat.co_quan"` stands for one row per deciding body
of the period. Each cell's source is the row's, else the column's, else its indicator's.

An unknown indicator, parameter or value, or a total naming an unknown row or column, raises
TableError with a Vietnamese message naming the file, the table and the row or column.

The sector's own forms (the grassroots monthly form A–J, the tables of QĐ 357-QĐ/UBKTTW, the
QĐ 885-QĐ/UBKTTW predecessor: statistical-forms.md §2–§3) are files of this folder as far as the
records fill them, each `reconstruction = true` until an office has the official annex.
"""

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ktgs.reports import indicators
from ktgs.reports.indicators import Context, Figure
from ktgs.reports.indicators import discipline as discipline_indicators

DATA_DIR = Path(__file__).parent / "data"
# The folders of table files: this app's, then those another app registers (its AppConfig.ready)
# with `register_table_dir` — a later module ships its tables without touching this app.
TABLE_DIRS: list[Path] = [DATA_DIR]
EXPANSIONS = {"ky_luat.co_quan": ("co_quan", discipline_indicators.discipline_body_rows)}
TABLE_FIELDS = {"key", "title", "source", "reconstruction", "note", "order", "row_header"}
COLUMN_FIELDS = {"key", "label", "indicator", "params", "group", "sum", "source"}
ROW_FIELDS = {
    "key",
    "label",
    "indicator",
    "params",
    "sum",
    "expand",
    "source",
    "subunits",
    "own_params",
}


class TableError(ValueError):
    pass


@dataclass
class Column:
    key: str
    label: str
    indicator: str = ""
    params: dict = field(default_factory=dict)
    group: str = ""
    sum: list = field(default_factory=list)
    source: str = ""


@dataclass
class Row:
    key: str
    label: str
    indicator: str = ""  # replaces the columns' indicator on this row (another kind of figure)
    params: dict = field(default_factory=dict)
    sum: list = field(default_factory=list)
    expand: str = ""
    source: str = ""
    subunits: bool = False  # checked against the sub-units' figures (additive indicators)
    own_params: dict = field(default_factory=dict)  # the unit's own part in that check


@dataclass
class Table:
    key: str
    title: str
    source: str
    columns: list[Column]
    rows: list[Row]
    file: str = ""
    reconstruction: bool = False
    note: str = ""
    order: int = 0
    row_header: str = "Chỉ tiêu"  # the label over the rows' labels

    def column(self, key: str) -> Column | None:
        return next((c for c in self.columns if c.key == key), None)

    def row(self, key: str) -> Row | None:
        return next((r for r in self.rows if r.key == key), None)

    @property
    def header_groups(self) -> list[tuple[str, int]]:
        """(group label, span) over the columns, "" for a column without a group."""
        spans: list[list] = []
        for c in self.columns:
            if spans and c.group and spans[-1][0] == c.group:
                spans[-1][1] += 1
            else:
                spans.append([c.group, 1])
        return [(g, n) for g, n in spans]

    @property
    def header_rows(self) -> list[list[tuple[str, int, int]]]:
        """The header as (label, colspan, rowspan) cells: a group over its columns, a column
        without a group over both rows."""
        depth = 2 if self.grouped else 1
        top: list[tuple[str, int, int]] = [(self.row_header, 1, depth)]
        below: list[tuple[str, int, int]] = []
        n = 0
        for group, span in self.header_groups:
            columns = self.columns[n : n + span]
            n += span
            if group:
                top.append((group, span, 1))
                below += [(c.label, 1, 1) for c in columns]
            else:
                top += [(c.label, 1, depth) for c in columns]
        return [top, below] if depth == 2 else [top]

    @property
    def grouped(self) -> bool:
        return any(c.group for c in self.columns)


# --- loading and validation ------------------------------------------------------------------


def register_table_dir(path: Path) -> None:
    """Add a folder of table files (read with this app's, validated alike; keys unique across
    all the folders). Called from an AppConfig.ready()."""
    global _TABLES
    if path not in TABLE_DIRS:
        TABLE_DIRS.append(path)
        _TABLES = None


def load_tables(data_dir: Path | None = None) -> list[Table]:
    """The tables of `data_dir`, or of every registered folder (`TABLE_DIRS`)."""
    dirs = [data_dir] if data_dir is not None else TABLE_DIRS
    files = sorted(f for d in dirs for f in d.glob("*.toml"))
    if not files:
        raise TableError(f"Không tìm thấy tệp biểu nào (*.toml) trong {dirs[0]}.")
    tables = [read_table(path) for path in files]
    keys = [t.key for t in tables]
    dupes = sorted({k for k in keys if keys.count(k) > 1})
    if dupes:
        raise TableError(f"Hai tệp biểu cùng khóa: {', '.join(dupes)}.")
    return sorted(tables, key=lambda t: (t.order, t.key))


def read_table(path: Path) -> Table:
    where = f"Tệp {path.name}"
    try:
        with path.open("rb") as f:
            raw = tomllib.load(f)
    except tomllib.TOMLDecodeError as exc:
        raise TableError(f"{where}: không đọc được ({exc}).") from exc
    head = raw.get("table")
    if not isinstance(head, dict):
        raise TableError(f"{where}: thiếu phần [table].")
    _fields(head, TABLE_FIELDS, {"title", "source"}, where)
    key = head.get("key", path.stem)
    where = f"{where}, biểu «{head['title']}»"
    columns = [_column(c, f"{where}, cột {n}") for n, c in enumerate(raw.get("column", []), 1)]
    rows = [_row(r, f"{where}, dòng {n}") for n, r in enumerate(raw.get("row", []), 1)]
    if not columns or not rows:
        raise TableError(f"{where}: biểu phải có ít nhất một cột và một dòng.")
    if head.get("reconstruction") and not head.get("note"):
        raise TableError(f"{where}: biểu dựng lại (reconstruction) phải có ghi chú (note).")
    table = Table(
        key,
        head["title"],
        head["source"],
        columns,
        rows,
        path.name,
        bool(head.get("reconstruction", False)),
        head.get("note", ""),
        int(head.get("order", 0)),
        head.get("row_header", "Chỉ tiêu"),
    )
    _check(table, where)
    return table


def _fields(raw: dict, allowed: set, required: set, where: str) -> None:
    unknown, missing = set(raw) - allowed, required - set(raw)
    if unknown or missing:
        raise TableError(f"{where}: thiếu {sorted(missing)} hoặc thừa {sorted(unknown)}.")


def _column(raw: dict, where: str) -> Column:
    _fields(raw, COLUMN_FIELDS, {"key", "label"}, where)
    if not raw.get("indicator") and not raw.get("sum"):
        raise TableError(
            f"{where} («{raw['label']}»): phải có chỉ tiêu (indicator) hoặc tổng (sum)."
        )
    return Column(**raw)


def _row(raw: dict, where: str) -> Row:
    _fields(raw, ROW_FIELDS, {"key", "label"}, where)
    if raw.get("expand") and raw["expand"] not in EXPANSIONS:
        raise TableError(
            f"{where} («{raw['label']}»): không có cách trải dòng «{raw['expand']}» "
            f"(có: {', '.join(EXPANSIONS)})."
        )
    return Row(**raw)


def _check(table: Table, where: str) -> None:
    for keys, kind in (
        ([c.key for c in table.columns], "cột"),
        ([r.key for r in table.rows], "dòng"),
    ):
        dupes = sorted({k for k in keys if keys.count(k) > 1})
        if dupes:
            raise TableError(f"{where}: hai {kind} cùng khóa {', '.join(dupes)}.")
    for c in table.columns:
        at = f"{where}, cột «{c.label}»"
        if c.indicator and indicators.get(c.indicator) is None:
            raise TableError(f"{at}: không có chỉ tiêu «{c.indicator}».")
        for part in c.sum:
            if table.column(part) is None or part == c.key:
                raise TableError(f"{at}: tổng nêu cột «{part}» không có trong biểu.")
    for r in table.rows:
        at = f"{where}, dòng «{r.label}»"
        for part in r.sum:
            if table.row(part) is None or part == r.key:
                raise TableError(f"{at}: tổng nêu dòng «{part}» không có trong biểu.")
        if r.indicator and indicators.get(r.indicator) is None:
            raise TableError(f"{at}: không có chỉ tiêu «{r.indicator}».")
        for c in table.columns:
            key = cell_indicator(r, c)
            if not key:
                continue
            indicator = indicators.get(key)
            merged = {**c.params, **r.params}
            for params in (merged, {**c.params, **r.own_params}):
                _check_params(indicator, params, f"{at}, cột «{c.label}»")
            if r.subunits and not indicator.additive and not c.sum:
                raise TableError(
                    f"{at}, cột «{c.label}»: chỉ tiêu «{key}» không cộng được theo "
                    "tổ chức trực thuộc, không đối chiếu được."
                )
        if r.expand and r.expand in EXPANSIONS:
            name = EXPANSIONS[r.expand][0]
            for c in table.columns:
                ind = indicators.get(cell_indicator(r, c)) if cell_indicator(r, c) else None
                if ind is not None and ind.param(name) is None:
                    raise TableError(
                        f"{at}: cột «{c.label}» (chỉ tiêu «{c.indicator}») không có tham số "
                        f"«{name}» để trải dòng."
                    )


def _check_params(indicator, params: dict, where: str) -> None:
    for name, value in params.items():
        param = indicator.param(name)
        if param is None:
            names = ", ".join(p.name for p in indicator.params) or "không có"
            raise TableError(
                f"{where}: chỉ tiêu «{indicator.key}» không có tham số «{name}» (có: {names})."
            )
        if str(value) not in param.values:  # a body's id is for expanded rows, never a file
            raise TableError(
                f"{where}: tham số «{name}» không nhận giá trị «{value}» "
                f"(nhận: {', '.join(repr(v) for v in param.values)})."
            )


_TABLES: list[Table] | None = None


def tables() -> list[Table]:
    """The shipped tables, read once (a bad file fails the first page that needs them)."""
    global _TABLES
    if _TABLES is None:
        _TABLES = load_tables()
    return _TABLES


# --- computing a table -----------------------------------------------------------------------


@dataclass
class Cell:
    value: int
    url: str | None = None
    source: str = ""
    previous: int | None = None
    flags: list[str] = field(default_factory=list)
    total: bool = False


@dataclass
class ComputedRow:
    key: str
    label: str
    cells: list[Cell]
    total: bool = False


@dataclass
class Computed:
    table: Table
    ctx: Context
    rows: list[ComputedRow]

    @property
    def flags(self) -> list[str]:
        return [f for r in self.rows for c in r.cells for f in c.flags]


def _expanded(table: Table, ctx: Context) -> list[tuple[Row, str]]:
    """(row, its expansion group key) with the expanded rows spelt out."""
    out = []
    for r in table.rows:
        if not r.expand:
            out.append((r, ""))
            continue
        name, lister = EXPANSIONS[r.expand]
        for key, label in lister(ctx):
            params = {**r.params, name: key}
            out.append((Row(f"{r.key}:{key}", label, r.indicator, params, source=r.source), r.key))
    return out


def cell_indicator(row: Row, column: Column) -> str:
    return row.indicator or column.indicator


def _figure(ctx: Context, row: Row, column: Column, params: dict) -> Figure:
    return ctx.figure(cell_indicator(row, column), {**column.params, **params})


def _source(row: Row, c: Column) -> str:
    return row.source or c.source or indicators.get(cell_indicator(row, c)).source


def compute(table: Table, ctx: Context, previous: Context | None = None) -> Computed:
    rows = _expanded(table, ctx)
    values: dict[tuple[str, str], Cell] = {}
    out = []
    for row, _group in rows:
        if row.sum:
            continue
        cells = []
        for c in table.columns:
            cell = _plain(table, ctx, previous, row, c)
            values[row.key, c.key] = cell
            cells.append(cell)
        out.append((row, cells))
    # total columns of plain rows
    for row, cells in out:
        for i, c in enumerate(table.columns):
            if c.sum:
                cells[i] = _total(
                    ctx, previous, row, c, [values[row.key, p] for p in c.sum], "cột", c
                )
                values[row.key, c.key] = cells[i]
    computed = [ComputedRow(r.key, r.label, cells) for r, cells in out]
    # total rows: the sum of their parts (an expanded part: every row it stands for)
    for row, _g in rows:
        if not row.sum:
            continue
        parts = [
            k for r, g in rows if not r.sum and (r.key in row.sum or g in row.sum) for k in [r.key]
        ]
        own = bool(row.params or row.indicator)
        for c in table.columns:
            if not (own and c.sum):
                cell = _total(ctx, previous, row, c, [values[k, c.key] for k in parts], "dòng", c)
                values[row.key, c.key] = cell
        # a total row computed from its own parameters: its total columns add up its own cells
        # (the corner of «Cộng» × «Tổng số» is that row's total, not the sum of the parts'
        # totals, which leave out what lies between them); flagged where the two differ
        for c in table.columns:
            if own and c.sum:
                cell = _total(ctx, previous, row, c, [values[row.key, p] for p in c.sum], "cột", c)
                of_parts = sum(values[k, c.key].value for k in parts)
                if cell.value != of_parts:
                    cell.flags.append(
                        f"«{row.label}» × «{c.label}»: {cell.value} khác tổng các dòng cộng lại "
                        f"({of_parts}) — số liệu để nguyên, cần xem lại."
                    )
                values[row.key, c.key] = cell
        cells = [values[row.key, c.key] for c in table.columns]
        computed.append(ComputedRow(row.key, row.label, cells, total=True))
    order = {r.key: n for n, (r, _g) in enumerate(rows)}
    computed.sort(key=lambda r: order[r.key])
    return Computed(table, ctx, computed)


def _plain(table, ctx, previous, row: Row, c: Column) -> Cell:
    if not cell_indicator(row, c):
        return Cell(0)
    fig = _figure(ctx, row, c, row.params)
    prev = _figure(previous, row, c, row.params).value if previous else None
    return Cell(fig.value, fig.url, _source(row, c), prev)


def _total(ctx, previous, row: Row, c: Column, parts: list[Cell], kind: str, column) -> Cell:
    """The sum of `parts`; computed from the indicator too when the total has parameters of its
    own (a total row's, or a total column's), and flagged where the two differ."""
    summed = sum(p.value for p in parts)
    prev_sum = sum(p.previous or 0 for p in parts) if previous else None
    own = bool(row.params or row.indicator) if kind == "dòng" else True
    if cell_indicator(row, c) and own:
        fig = _figure(ctx, row, c, row.params)
        prev = _figure(previous, row, c, row.params).value if previous else None
        cell = Cell(fig.value, fig.url, _source(row, c), prev)
        if fig.value != summed:
            cell.flags.append(
                f"«{row.label}» × «{c.label}»: {fig.value} khác tổng các {kind} cộng lại "
                f"({summed}) — số liệu để nguyên, cần xem lại."
            )
    else:
        cell = Cell(summed, None, "Tổng các " + kind, prev_sum)
    cell.total = True
    return cell


# --- reconciliation with the sub-units -------------------------------------------------------


def check_subunits(table: Table, ctx: Context, children: list) -> list[str]:
    """For the rows marked `subunits = true`: the unit's figure of an additive indicator equals
    its own part (`own_params`) plus the sum of the same figure of each direct sub-unit.
    Returns the flags (the figures are never adjusted). Costs the families of every child."""
    flags = []
    rows = [r for r in table.rows if r.subunits]
    if not rows:
        return flags
    child_ctxs = [Context(child, ctx.start, ctx.end) for child in children]
    for r in rows:
        for c in table.columns:
            key = cell_indicator(r, c)
            if not key or not indicators.get(key).additive:
                continue
            whole = _figure(ctx, r, c, r.params).value
            own = _figure(ctx, r, c, r.own_params).value if r.own_params else 0
            below = sum(_figure(cc, r, c, r.params).value for cc in child_ctxs)
            if whole != own + below:
                flags.append(
                    f"«{r.label}» × «{c.label}»: {whole} của {ctx.unit.name} khác phần của chính "
                    f"tổ chức ({own}) cộng các tổ chức trực thuộc ({below}) — cần xem lại."
                )
    return flags
