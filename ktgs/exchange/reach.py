"""Does an uploaded file stay inside what its user may change? Checked before the import runs.

The page import runs as a user, and so does `ktgs import --user NAME` (without --user the command
line runs as the administrator of the machine and is not limited). The file may only touch:

* units that exist and in which the user may change records (`records.change`), or new units
  whose parent (sheet «Trực thuộc») is such a unit or another new unit of the file — a new
  unit with no parent would be a new top of the tree;
* members that do not exist yet, or whose current unit is such a unit and whose secrecy is
  within the user's clearance;
* inspections and discipline decisions (by «Mã hồ sơ») that do not exist yet, or that the user
  sees and may change (`scope.may_change`): else the row would be compared with a record the
  user may not read, and the answer («không đổi», or the columns that differ) would tell its
  content.

A user who may change records in every top-level unit and holds the highest clearance is not
checked (nothing is outside their reach). Every reference outside the reach is one problem,
worded the same whether the record exists or not, so the check reveals nothing.
"""

from collections import defaultdict
from pathlib import Path

from django.db.models.functions import Length

from ktgs.accounts.access import RECORDS_CHANGE
from ktgs.core.chunks import by_refs, values_in
from ktgs.core.models import Secrecy
from ktgs.exchange.cells import CellError
from ktgs.exchange.format import LINKS, MEMBERS, UNITS
from ktgs.exchange.reader import read_book
from ktgs.orgs.models import PATH_STEP, Member, OrgUnit

UNIT_FIELDS = frozenset(
    {"code", "unit", "parent", "predecessor", "successor", "subject", "accused_units"}
)
MEMBER_FIELD = "member"
MEMBER_FIELDS = frozenset({MEMBER_FIELD, "accused_members"})  # a cell may list codes (a tuple)
FIX = "Bỏ dòng này khỏi tệp, hoặc nhờ người được giao quyền ở tổ chức đó nhập."
# One answer for a code that exists outside the reach and for one that exists nowhere.
MEMBER_UNKNOWN = (
    "Không có đảng viên «{code}» trong phạm vi đồng chí được nhập (trong tệp hay trong cơ sở "
    "dữ liệu)."
)
MEMBER_TAKEN = "Mã đảng viên «{code}» đã được dùng ở tổ chức ngoài phạm vi đồng chí được nhập."
REF_FIX = (
    "Nếu là hồ sơ mới, đặt mã hồ sơ khác; nếu là hồ sơ đó, bỏ dòng này khỏi tệp hoặc nhờ người "
    "được giao quyền ở tổ chức đó nhập."
)


def covers_everything(scope, family: str = RECORDS_CHANGE) -> bool:
    """May the user do `family` in every top-level unit, with the highest clearance?"""
    if scope.clearance != Secrecy.SECRET or not scope.may_anywhere(family):
        return False
    tops = (
        OrgUnit.objects.filter(voided_at__isnull=True)
        .annotate(depth=Length("path"))
        .filter(depth=PATH_STEP)
        .values_list("path", flat=True)
    )
    return all(scope.may(family, path) for path in tops)


def references(book) -> tuple[dict, dict, dict, set]:
    """({unit code: first place}, {member code: first place}, {unit code: parent codes},
    {member codes of the sheet «Đảng viên»}); a place is (sheet, row, header). Cells that do not
    parse are left to the importer."""
    units, members, parents, defined = {}, {}, defaultdict(set), set()
    for raw in book.sheets:
        columns = [
            (c, raw.columns[c.field])
            for c in raw.sheet.columns
            if c.field in raw.columns and (c.field in UNIT_FIELDS or c.field in MEMBER_FIELDS)
        ]
        for number, cells in raw.rows:
            values = {}
            for column, index in columns:
                try:
                    value = column.parse(cells[index] if index < len(cells) else "")
                except CellError:
                    continue
                if value:
                    values[column.field] = value
                    found = members if column.field in MEMBER_FIELDS else units
                    for code in value if isinstance(value, tuple) else (value,):
                        found.setdefault(code, (raw.sheet.name, number, column.header))
            if raw.sheet is LINKS and "unit" in values and "parent" in values:
                parents[values["unit"]].add(values["parent"])
            elif raw.sheet is UNITS and "code" in values:
                parents.setdefault(values["code"], set())
            elif raw.sheet is MEMBERS and MEMBER_FIELD in values:
                defined.add(values[MEMBER_FIELD])
    return units, members, parents, defined


def outside_reach(path: Path, file_name: str, scope, problem) -> list:
    """Problems for every unit and member of the file outside what `scope` may change;
    `problem(sheet, row, column, message, fix)` makes one. FileRefused propagates."""
    if covers_everything(scope):
        return []
    book = read_book(path, file_name, problem)
    units, members, parents, defined = references(book)
    paths = dict(
        values_in(
            OrgUnit.objects.filter(voided_at__isnull=True),
            "code",
            units,
            fetch=lambda qs: qs.values_list("code", "path"),
        )
    )
    problems = []
    for code, (sheet, row, header) in units.items():
        if code in paths:
            allowed = scope.may(RECORDS_CHANGE, paths[code])
        else:
            allowed = _new_unit_allowed(code, paths, parents, scope)
        if not allowed:
            message = f"Tổ chức «{code}» không có, hoặc nằm ngoài phạm vi đồng chí được nhập."
            problems.append(problem(sheet, row, header, message, FIX))
    known = {
        code: (path, secrecy)
        for code, path, secrecy in values_in(
            Member.objects.all(),
            "code",
            members,
            fetch=lambda qs: qs.values_list("code", "current_unit__path", "secrecy"),
        )
    }
    for code, (sheet, row, header) in members.items():
        if code in known:
            path, secrecy = known[code]
            if path and scope.may(RECORDS_CHANGE, path) and secrecy in scope.secrecy_levels:
                continue
            message = MEMBER_TAKEN if code in defined else MEMBER_UNKNOWN
        elif code in defined:
            continue  # a new member of the file
        else:
            message = MEMBER_UNKNOWN
        problems.append(problem(sheet, row, header, message.format(code=code), FIX))
    for record, (sheet, row, header, ref) in _records(book):
        if scope.sees(record) and scope.may_change(record):
            continue
        message = (
            f"Mã hồ sơ «{ref}» đã dùng cho một hồ sơ ngoài phạm vi hoặc trên độ mật đồng chí "
            "được nhập."
        )
        problems.append(problem(sheet, row, header, message, REF_FIX))
    return problems


def _records(book) -> list[tuple[object, tuple]]:
    """(stored record, first place naming it) for every «Mã hồ sơ» of the file that names a
    stored inspection or discipline decision (its external ref, or KTGS-<id> / KTGS-QD-<id> for
    one entered on the page)."""
    from ktgs.discipline import exchange as discipline
    from ktgs.discipline.models import Decision
    from ktgs.inspections import exchange as inspections
    from ktgs.inspections.models import Inspection

    kinds = {
        inspections.INSPECTIONS.name: (Inspection, inspections.ENTERED_REF),
        inspections.SUBJECTS.name: (Inspection, inspections.ENTERED_REF),
        discipline.DECISIONS.name: (Decision, discipline.ENTERED_REF),
    }
    places: dict[tuple, dict[str, tuple]] = defaultdict(dict)
    for raw in book.sheets:
        kind = kinds.get(raw.sheet.name)
        if kind is None or "ref" not in raw.columns:
            continue
        column, index = raw.sheet.column("ref"), raw.columns["ref"]
        for number, cells in raw.rows:
            try:
                ref = column.parse(cells[index] if index < len(cells) else "")
            except CellError:
                continue
            if ref:
                places[kind].setdefault(ref, (raw.sheet.name, number, column.header, ref))
    found = []
    for (model, entered), refs in places.items():
        by_pk = {int(m.group(1)): r for r in refs if (m := entered.fullmatch(r))}
        for record in by_refs(model.objects.all(), refs, by_pk):
            ref = record.external_ref or by_pk[record.pk]
            found.append((record, refs[ref]))
    return found


def _new_unit_allowed(code: str, paths: dict, parents: dict, scope) -> bool:
    """A new unit is allowed when every chain of parents in the file reaches an existing unit
    the user may change (a cycle or a chain without an existing end is not)."""
    seen, todo = set(), [code]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        if current in paths:
            if not scope.may(RECORDS_CHANGE, paths[current]):
                return False
            continue
        above = parents.get(current)
        if not above:
            return False  # a new top of the tree
        todo.extend(above)
    return True
