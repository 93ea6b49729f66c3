"""`run_import()`: read a file of the interchange format, check every row, then write it all in
one short transaction — or nothing when any problem is found.

Phases (reported through `progress(phase, done, total)`, kept outside the database):
  "doc"      reading the file (size, zip-bomb and encoding checks, cells);
  "kiemtra"  parsing each cell and checking each row against the file and the database;
  "ghi"      writing (bulk inserts and updates, derived fields, one audit event).

A handler owns a group of sheets (the organisation model, `orgdata.OrgHandler`; inspections,
`inspections.exchange.InspectionHandler`); later modules append theirs to HANDLERS, in
dependency order. `check(rows, problems, counts, tick, file_rows=)` sees every parsed sheet of the
file (a later handler may refer to records the same file creates); its plan may carry
`warnings` (rows written anyway, e.g. history before `in_use_since`); `write()` may raise
`Refused(problems)` for what could only be checked once the earlier handlers had written.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import IntegrityError, transaction

from ktgs.audit.services import record
from ktgs.core.db import refresh_statistics
from ktgs.exchange import cells, orgdata
from ktgs.exchange.format import SHEETS
from ktgs.exchange.reader import RawSheet, column_letter, read_book

ACTION = "exchange.import.done"
HANDLERS = [orgdata.OrgHandler()]
Progress = Callable[[str, int, int], None]


@dataclass
class Problem:
    sheet: str
    row: int | None
    column: str | None
    message: str
    fix: str


@dataclass
class ImportResult:
    ok: bool
    problems: list[Problem]
    counts: dict[str, dict[str, int]]  # sheet → {"created", "updated", "unchanged"}
    sha256: str
    file_name: str
    written: bool = False
    # rows imported anyway, with a warning kept on the record (history before `in_use_since`)
    warnings: list[Problem] = field(default_factory=list)


@dataclass
class Row:
    """One record of a sheet after parsing: values by field, with where it came from."""

    sheet: str
    number: int
    values: dict
    headers: dict = field(default_factory=dict)  # field → header, for problems

    def __getitem__(self, name):
        return self.values[name]

    def get(self, name, default=None):
        return self.values.get(name, default)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def run_import(
    path: Path,
    *,
    file_name: str,
    user=None,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    """Import the file at `path` (its name as uploaded: `file_name`). FileRefused propagates for
    a file refused as a whole; every other problem is in the result and nothing is written."""
    path = Path(path)
    tick = progress or (lambda phase, done, total: None)
    digest = sha256_of(path)
    tick("doc", 0, 1)
    book = read_book(path, file_name, Problem)
    tick("doc", 1, 1)
    problems: list[Problem] = list(book.problems)
    rows = _parse(book.sheets, problems, tick)
    counts = {name: {"created": 0, "updated": 0, "unchanged": 0} for name in rows}
    result = ImportResult(False, problems, counts, digest, file_name)
    plans = []
    for handler in HANDLERS:
        mine = {name: rows[name] for name in handler.sheets if name in rows}
        if mine:
            plans.append((handler, handler.check(mine, problems, counts, tick, file_rows=rows)))
    tick("kiemtra", 1, 1)
    result.warnings = _warnings(plans)
    if problems:
        problems.sort(key=_problem_order)
        return result
    result.ok = True
    if dry_run:
        return result
    try:
        with transaction.atomic():
            for handler, plan in plans:
                handler.write(plan, tick)
            record(
                ACTION,
                actor=_actor(user),
                details={
                    "file": file_name,
                    "sha256": digest,
                    "counts": counts,
                    "warnings": len(_warnings(plans)),
                },
            )
    except Refused as refused:
        # A check that could only run on write (records of the same file) failed: nothing kept.
        result.ok = False
        problems.extend(refused.problems)
        problems.sort(key=_problem_order)
        return result
    except IntegrityError:
        # Someone changed the same records between the check and the write: nothing is kept.
        result.ok = False
        problems.append(
            Problem(
                "",
                None,
                None,
                "Dữ liệu vừa được người khác thay đổi trong lúc nhập nên không ghi gì.",
                "Nhập lại tệp.",
            )
        )
        return result
    result.written = True
    result.warnings = _warnings(plans)
    refresh_statistics()
    tick("ghi", 1, 1)
    return result


class Refused(Exception):
    """Raised by a handler's write() for problems found only while writing: rolls back all."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problems")
        self.problems = problems


def _warnings(plans) -> list[Problem]:
    out = [w for _handler, plan in plans for w in getattr(plan, "warnings", ())]
    return sorted(out, key=_problem_order)


def _actor(user):
    if user is None:
        return None
    from ktgs.audit.context import Actor

    return Actor(id=user.pk, name=getattr(user, "full_name", "") or user.get_username(), ip=None)


def _problem_order(p: Problem):
    order = list(SHEETS)
    return (order.index(p.sheet) if p.sheet in order else -1, p.row or 0, p.column or "")


def _parse(sheets: list[RawSheet], problems: list[Problem], tick) -> dict[str, list[Row]]:
    """Every cell through its column's parser; a refused cell is a Problem naming its column."""
    total = sum(len(s.rows) for s in sheets)
    done = 0
    out: dict[str, list[Row]] = {}
    for raw in sheets:
        sheet = raw.sheet
        headers = {c.field: c.header for c in sheet.columns}
        parsed = out.setdefault(sheet.name, [])
        columns = [(c, raw.columns[c.field]) for c in sheet.columns if c.field in raw.columns]
        if len(columns) != len(sheet.columns):
            continue  # a missing column is already a problem
        for number, cells_ in raw.rows:
            values, bad = {}, False
            for column, index in columns:
                cell = cells_[index] if index < len(cells_) else ""
                try:
                    values[column.field] = column.parse(cell)
                except cells.CellError as exc:
                    bad = True
                    problems.append(
                        Problem(sheet.name, number, column.header, exc.message, exc.fix)
                    )
            if not bad:
                parsed.append(Row(sheet.name, number, values, headers))
            else:
                parsed.append(None)  # keeps counts honest; skipped by handlers
            done += 1
            if done % 2000 == 0:
                tick("kiemtra", done, total * 2)
    tick("kiemtra", total, total * 2)
    return {name: [r for r in rows if r is not None] for name, rows in out.items()}


__all__ = [
    "ACTION",
    "HANDLERS",
    "ImportResult",
    "Problem",
    "Refused",
    "Row",
    "column_letter",
    "run_import",
]
