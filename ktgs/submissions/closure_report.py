"""The superior's report of a closed period, read back from what the closure froze
(docs/submissions.md, «Báo cáo tổng hợp của kỳ đã chốt»): `PeriodClosure.tables` (computed from
the submissions) beside `own_tables` (the superior's records at closing), laid out by the
report's table definitions, for the page and the XLSX.

Nothing is recomputed from the records: the values are the frozen ones. Only the names of the
rows a table expands per deciding body are read again (the closure keeps their keys, not their
labels): one aggregate query for the superior's period, a key no longer found keeps its key."""

from dataclasses import dataclass
from datetime import date

from ktgs.core.vietnamese import format_date
from ktgs.reports import tables as report_tables
from ktgs.reports.indicators import Context
from ktgs.submissions.models import PeriodClosure


@dataclass(frozen=True)
class ClosedPeriod:
    """What `reports.xlsx.write_table` needs of a period: its label and dates."""

    label: str
    start: date
    end: date

    @property
    def dates_label(self) -> str:
        return f"từ {format_date(self.start)} đến {format_date(self.end)}"


@dataclass
class FrozenCell:
    value: int
    own: int | None  # the superior's figure from its records at closing, where it differs
    total: bool = False


@dataclass
class FrozenRow:
    key: str
    label: str
    cells: list[FrozenCell]
    total: bool = False


@dataclass
class FrozenTable:
    """Shaped like `reports.tables.Computed` where the XLSX writer reads it."""

    table: report_tables.Table
    rows: list[FrozenRow]

    @property
    def flags(self) -> list[str]:
        return []

    @property
    def differs(self) -> bool:
        return any(c.own is not None for r in self.rows for c in r.cells)


def _labels(closure: PeriodClosure, keys: set[str]) -> dict[str, str]:
    """Labels of expanded rows ("base:body key") — read again for the closure's unit and dates,
    in the order the counting lists the bodies."""
    if not keys:
        return {}
    ctx = Context(closure.unit, closure.starts_on, closure.ends_on)
    out = {}
    for name, (_param, lister) in report_tables.EXPANSIONS.items():
        bases = {r.key for t in report_tables.tables() for r in t.rows if r.expand == name}
        if not any(k.split(":", 1)[0] in bases for k in keys):
            continue
        for key, label in lister(ctx):
            for base in bases:
                out[f"{base}:{key}"] = label
    return out


def frozen_tables(closure: PeriodClosure) -> list[FrozenTable]:
    """Every report table the closure froze, in the report's order: the rows in the table
    definition's order (expanded rows where their base row stands), the values of `tables`,
    with the superior's own figure beside a cell where the two differ."""
    expanded = {rkey for cells in closure.tables.values() for rkey in cells if ":" in rkey}
    labels = _labels(closure, expanded)
    out = []
    for table in report_tables.tables():
        frozen = closure.tables.get(table.key)
        if frozen is None:
            continue
        own = closure.own_tables.get(table.key, {})
        order = {r.key: n for n, r in enumerate(table.rows)}
        position = {key: n for n, key in enumerate(labels)}
        rows = []
        for rkey, cells in frozen.items():
            base = table.row(rkey) or table.row(rkey.split(":", 1)[0])
            label = labels.get(rkey, rkey) if ":" in rkey else (base.label if base else rkey)
            row_cells = []
            for column in table.columns:
                value = cells.get(column.key, 0)
                mine = own.get(rkey, {}).get(column.key)
                row_cells.append(
                    FrozenCell(
                        value,
                        mine if mine is not None and mine != value else None,
                        total=bool(column.sum),
                    )
                )
            total = bool(base and base.sum and ":" not in rkey)
            place = (order.get(rkey.split(":", 1)[0], len(order)), position.get(rkey, 0), rkey)
            rows.append((place, FrozenRow(rkey, label, row_cells, total)))
        rows.sort(key=lambda pair: pair[0])  # JSON on PostgreSQL does not keep the key order
        out.append(FrozenTable(table, [r for _n, r in rows]))
    return out
