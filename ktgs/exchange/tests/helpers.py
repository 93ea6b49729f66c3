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
    derived fields: a unit's sort and search keys, its superior's name as searched, and today's
    parent (from its path), a member's full name,
    search and sort keys and current cell."""
    from ktgs.exchange import orgdata
    from ktgs.orgs.models import Member, OrgUnit

    loaded = orgdata.load_rows()
    out = {}
    for sheet in SHEETS.values():
        rows = orgdata.sorted_rows(sheet, loaded.get(sheet.name, []))
        out[sheet.name] = [{k: _plain(v) for k, v in row.items() if k != "pk"} for row in rows]
    units = list(
        OrgUnit.objects.live().values_list("code", "path", "sort_key", "search_key", "place_key")
    )
    by_path = {path: code for code, path, *_keys in units}
    out["units (derived)"] = sorted(
        [code, *keys, by_path.get(path[:-7])] for code, path, *keys in units
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


# --- a hand-made workbook with a DTD in one part (XXE, "billion laughs") --------------------

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY boom "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
)
EXTERNAL = '<!DOCTYPE x [<!ENTITY boom SYSTEM "file:///etc/passwd">]>'
SHARED_STRINGS, SHEET = "xl/sharedStrings.xml", "xl/worksheets/sheet1.xml"


def entity_workbook(path: Path, *, part: str | None, dtd: str = LAUGHS) -> Path:
    """A real .xlsx (shared strings, one sheet «Đảng viên» with its headers and one row) as Excel
    lays it out; with `part`, that part declares `dtd` and uses its entity `&boom;`."""
    import zipfile
    from xml.sax.saxutils import escape

    head = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    names = SHEETS["Đảng viên"].headers
    strings = [*names, "DV990001"]
    use = {p: ("&boom;" if p == part else "") for p in (SHARED_STRINGS, SHEET)}
    decl = {p: (dtd if p == part else "") for p in (SHARED_STRINGS, SHEET)}
    sst = "".join(f"<si><t>{escape(s)}</t></si>" for s in strings[:-1])
    sst += f"<si><t>{strings[-1]}{use[SHARED_STRINGS]}</t></si>"
    header_cells = "".join(f'<c r="{_col(i)}1" t="s"><v>{i}</v></c>' for i in range(len(names)))
    parts = {
        "[Content_Types].xml": (
            f'{head}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            f'<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.sheet.main+xml"/>'
            f'<Override PartName="/{SHEET}" ContentType="{_CT}.worksheet+xml"/>'
            f'<Override PartName="/{SHARED_STRINGS}" ContentType="{_CT}.sharedStrings+xml"/></Types>'
        ),
        "_rels/.rels": (
            f'{head}<Relationships xmlns="{_PKG_RELS}"><Relationship Id="rId1" '
            f'Type="{_DOC_RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'{head}<workbook xmlns="{_MAIN}" xmlns:r="{_DOC_RELS}"><sheets>'
            f'<sheet name="Đảng viên" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'{head}<Relationships xmlns="{_PKG_RELS}">'
            f'<Relationship Id="rId1" Type="{_DOC_RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{_DOC_RELS}/sharedStrings" Target="sharedStrings.xml"/>'
            "</Relationships>"
        ),
        SHARED_STRINGS: (
            f'{head}{decl[SHARED_STRINGS]}<sst xmlns="{_MAIN}" count="{len(strings)}" '
            f'uniqueCount="{len(strings)}">{sst}</sst>'
        ),
        SHEET: (
            f'{head}{decl[SHEET]}<worksheet xmlns="{_MAIN}"><sheetData>'
            f'<row r="1">{header_cells}</row><row r="2"><c r="A2" t="s"><v>{len(names)}</v></c>'
            f'<c r="B2" t="inlineStr"><is><t>Nguyễn{use[SHEET]}</t></is></c></row>'
            "</sheetData></worksheet>"
        ),
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text.encode())
    return path


def _col(index: int) -> str:
    from ktgs.exchange.reader import column_letter

    return column_letter(index)
