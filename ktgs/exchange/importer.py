"""`run_import()`: read a file of the interchange format, check every row, then write it all in
one short transaction — or nothing when any problem is found.

Phases (reported through `progress(phase, done, total)`, kept outside the database):
  "doc"      reading the file (size, zip-bomb and encoding checks, cells);
  "kiemtra"  parsing each cell and checking each row against the file and the database;
  "ghi"      writing (bulk inserts and updates, derived fields, one audit event).

A dry run (`dry_run=True`, `ktgs import --dry-run`) is the same run, write phase included, in a
transaction that is always rolled back: it finds every problem the import would (also those
only `write()` can see), and leaves nothing behind — no rows, no audit event (so the audit head,
advanced on commit, stays), no ANALYZE. On SQLite it holds the write lock while it writes, as
the import does.

A handler owns a group of sheets (the organisation model, `orgdata.OrgHandler`; inspections,
`inspections.exchange.InspectionHandler`); later modules append theirs to HANDLERS, in
dependency order. `check(rows, problems, counts, tick, file_rows=)` sees every parsed sheet of the
file (a later handler may refer to records the same file creates); its plan may carry
`warnings` (rows written anyway, e.g. history before `in_use_since`); `write()` may raise
`Refused(problems)` for what could only be checked once the earlier handlers had written.

As whom. With a `user` (the upload page), the import obeys what the forms obey: a row may not
mark a record above the user's clearance (any sheet with a «Độ mật» column), and the job has
already refused every row outside the units the user may change (`reach.outside_reach`). Every
audit event the import writes — its own `exchange.import.done` and those of the records it
creates — names the user and their IP (the actor is set for the whole run, also in the detached
worker), and `exchange.import.done` carries the unit the file concerns (the lowest unit above
all its units and members), so the leaders of that unit find it in the audit search. Without a
user (`ktgs import` on the command line, run by whoever administers the server) nothing is
limited and the events name the command line and the system account that ran it.
"""

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import IntegrityError, transaction

from ktgs.audit.context import Actor, current_actor
from ktgs.audit.services import deferred, record
from ktgs.core.db import refresh_statistics
from ktgs.core.models import SECRECY_ORDER, Secrecy, levels_up_to
from ktgs.exchange import cells, orgdata
from ktgs.exchange.format import SHEETS
from ktgs.exchange.reader import RawBook, RawSheet, column_letter, read_book

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
    ip: str | None = None,
    actor: Actor | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
    job_id: str | None = None,
) -> ImportResult:
    """Import the file at `path` (its name as uploaded: `file_name`) as `user` (from `ip`), or
    without a user as `actor` (the command line). FileRefused propagates for a file refused as
    a whole; every other problem is in the result and nothing is written. `job_id` (a
    background job) is kept in the import's audit event."""
    actor = _actor(user, ip) if user is not None else actor
    token = current_actor.set(actor) if actor is not None else None
    try:
        return _run(Path(path), file_name, user, dry_run, progress, job_id)
    finally:
        if token is not None:
            current_actor.reset(token)


def _run(path: Path, file_name: str, user, dry_run: bool, progress, job_id) -> ImportResult:
    tick = progress or (lambda phase, done, total: None)
    digest = sha256_of(path)
    tick("doc", 0, 1)
    book = read_book(path, file_name, Problem)
    tick("doc", 1, 1)
    problems: list[Problem] = list(book.problems)
    rows = _parse(book.sheets, problems, tick)
    if user is not None:
        _above_clearance(rows, user.clearance, problems)
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
    try:
        with transaction.atomic():
            _write(plans, tick, book, user, result, job_id)
            if dry_run:  # everything, audit events included, is rolled back
                transaction.set_rollback(True)
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
    result.warnings = _warnings(plans)
    if dry_run:  # the head advances on commit only: it stays; nothing to ANALYZE
        tick("ghi", 1, 1)
        return result
    result.written = True
    refresh_statistics()
    tick("ghi", 1, 1)
    return result


def _write(plans, tick, book: RawBook, user, result: ImportResult, job_id: str | None) -> None:
    """Every handler's writes, then the import's own audit event. The audit events (the
    records' and the import's, last) are appended together at the end: the chain lock is held
    for that short append, not for the whole write. The event names the job, so a job whose
    worker died after the commit is known to be done (jobs.settle_dead)."""
    details = {"file": result.file_name, "sha256": result.sha256, "counts": result.counts}
    if job_id is not None:
        details["job"] = job_id
    with deferred():
        for handler, plan in plans:
            handler.write(plan, tick)
        details["warnings"] = len(_warnings(plans))
        record(ACTION, unit_id=_concerned_unit(book, user), details=details)


def written_tables() -> list[str]:
    """The tables an import may write: the organisation model's, each handler's app's, the
    audit chain's (statistics refreshed after a killed import, jobs.recover)."""
    from django.apps import apps

    labels = {"orgs", "audit"} | {type(h).__module__.split(".")[1] for h in HANDLERS}
    configs = [c for c in apps.get_app_configs() if c.label in labels]
    return sorted({m._meta.db_table for c in configs for m in c.get_models()})


class Refused(Exception):
    """Raised by a handler's write() for problems found only while writing: rolls back all."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problems")
        self.problems = problems


def _warnings(plans) -> list[Problem]:
    out = [w for _handler, plan in plans for w in getattr(plan, "warnings", ())]
    return sorted(out, key=_problem_order)


def _actor(user, ip: str | None) -> Actor:
    """Named as the audit middleware names the user on every page, so one search finds both."""
    return Actor(id=user.pk, name=user.get_username(), ip=ip)


def _above_clearance(rows: dict[str, list[Row]], clearance: str, problems: list[Problem]) -> None:
    """A row may not mark a record above the importing user's clearance (as the forms, which do
    not offer those levels). Tuyệt mật is refused by each handler, for everyone."""
    allowed = levels_up_to(clearance)
    mine = Secrecy(clearance).label if clearance in SECRECY_ORDER else "chưa được cấp"
    for name, sheet_rows in rows.items():
        if "secrecy" not in {c.field for c in SHEETS[name].columns}:
            continue
        header = SHEETS[name].column("secrecy").header
        for row in sheet_rows:
            level = row.get("secrecy")
            if level in SECRECY_ORDER and level not in allowed:
                label = Secrecy(level).label
                problems.append(
                    Problem(
                        name,
                        row.number,
                        header,
                        f"Độ mật «{label}» cao hơn độ mật đồng chí được xem («{mine}»): đồng chí "
                        "không được ghi hồ sơ ở độ mật này.",
                        f"Bỏ dòng này khỏi tệp và nhờ người được xem hồ sơ «{label}» nhập nó; "
                        "không hạ độ mật cho lọt.",
                    )
                )


def _concerned_unit(book: RawBook, user) -> int | None:
    """The id of the lowest unit above every unit and member the file names (as the tree stands
    after the write), else the unit where the importing user may change records; None when
    neither is one unit."""
    from ktgs.accounts.access import RECORDS_CHANGE, visible_to
    from ktgs.core.chunks import values_in
    from ktgs.exchange.reach import references
    from ktgs.orgs.models import PATH_STEP, Member, OrgUnit

    units, members, _parents, _defined = references(book)
    paths = [p for (p,) in values_in(OrgUnit.objects.values_list("path"), "code", units)]
    placed = Member.objects.filter(current_unit__isnull=False).values_list("current_unit__path")
    paths += [p for (p,) in values_in(placed, "code", members)]
    if not paths and user is not None:
        paths = list(visible_to(user).roots_for(RECORDS_CHANGE))
    common = os.path.commonprefix(paths) if paths else ""
    common = common[: len(common) // PATH_STEP * PATH_STEP]
    if not common:
        return None
    return OrgUnit.objects.filter(path=common).values_list("pk", flat=True).first()


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
    "written_tables",
]
