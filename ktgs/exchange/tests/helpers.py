"""Shared by the exchange tests: files built with openpyxl, and a database compared by natural
key (also run in a child process against another database, see test_roundtrip.py)."""

import json
from datetime import date
from pathlib import Path

from openpyxl import Workbook

from ktgs.exchange.format import SHEETS

SNAPSHOT = (
    "import django, json; django.setup(); "
    "from ktgs.exchange.tests.helpers import snapshot; print(json.dumps(snapshot()))"
)


def _plain(value):
    return value.isoformat() if isinstance(value, date) else value


def snapshot() -> dict:
    """Every entity of the format by natural key (ids, users and audit left aside), with the
    derived fields: a unit's sort key and today's parent (from its path), a member's full name,
    search and sort keys and current cell."""
    from ktgs.exchange import orgdata
    from ktgs.orgs.models import Member, OrgUnit

    loaded = orgdata.load_rows()
    out = {}
    for sheet in SHEETS.values():
        rows = orgdata.sorted_rows(sheet, loaded.get(sheet.name, []))
        out[sheet.name] = [{k: _plain(v) for k, v in row.items() if k != "pk"} for row in rows]
    units = list(OrgUnit.objects.live().values_list("code", "path", "sort_key"))
    by_path = {path: code for code, path, _key in units}
    out["units (derived)"] = sorted(
        [code, key, by_path.get(path[:-7])] for code, path, key in units
    )
    out["members (derived)"] = sorted(
        list(row)
        for row in Member.objects.live().values_list(
            "code", "full_name", "search_key", "sort_key", "current_unit__code"
        )
    )
    return out


def snapshot_json() -> dict:
    return json.loads(json.dumps(snapshot()))


def workbook(path: Path, sheets: dict[str, list[list]]) -> Path:
    """An XLSX file with the given sheets ({name: rows, the first one the headers})."""
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        ws = book.create_sheet(name)
        for row in rows:
            ws.append(row)
    book.save(path)
    return path


def headers(sheet_name: str) -> list[str]:
    return SHEETS[sheet_name].headers
