"""The superior's report of a closed period, read back from the closure (docs/submissions.md,
«Báo cáo tổng hợp của kỳ đã chốt»): the page and the XLSX show the frozen figures, the
superior's records beside a cell where they differ."""

import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from ktgs.core.templatetags.vn import dem
from ktgs.reports import tables as report_tables
from ktgs.submissions.closure_report import frozen_tables
from ktgs.submissions.tests.test_services import (
    _close_2022,
    _submit_2022,
    _void,
    _with_inspection,
    unit,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed(cast):
    """The bloc closes 2022 after a sub-unit submitted and one of its inspections was voided
    (so the report from the submissions differs from the bloc's records)."""
    bloc = unit("HA.DBK")
    child, inspection = _with_inspection(bloc)
    _submit_2022(cast, child)
    _void(inspection)
    return _close_2022(cast, bloc)


def _table(key: str) -> report_tables.Table:
    return next(t for t in report_tables.tables() if t.key == key)


def _differing(closure) -> list[tuple[str, str, str]]:
    return [
        (t, r, c)
        for t, rows in closure.tables.items()
        for r, cells in rows.items()
        for c, v in cells.items()
        if v != closure.own_tables[t][r][c]
    ]


def test_the_frozen_tables_keep_every_cell_in_the_report_order(closed):
    shown = frozen_tables(closed)
    order = [t.key for t in report_tables.tables() if t.key in closed.tables]
    assert [s.table.key for s in shown] == order
    for section in shown:
        frozen = closed.tables[section.table.key]
        assert {r.key for r in section.rows} == set(frozen)
        definition = [r.key for r in section.table.rows]
        plain = [r.key for r in section.rows if r.key in definition]
        assert plain == [k for k in definition if k in plain]  # the definition's order
        for row in section.rows:
            values = [c.value for c in row.cells]
            assert values == [frozen[row.key].get(c.key, 0) for c in section.table.columns]
    diffs = _differing(closed)
    assert diffs, "the voided inspection makes the submitted figure differ from the records"
    by_key = {s.table.key: {r.key: r for r in s.rows} for s in shown}
    for t, r, c in diffs:
        columns = [col.key for col in _table(t).columns]
        cell = by_key[t][r].cells[columns.index(c)]
        assert (cell.value, cell.own) == (closed.tables[t][r][c], closed.own_tables[t][r][c])


def test_the_page_and_the_xlsx_show_the_submitted_figures(closed, client_as):
    client = client_as("inspector")
    code = closed.unit.code
    page = client.get(reverse("submissions:closure_report", args=[code, closed.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    t, r, c = next(d for d in _differing(closed) if d[0] == "ktgs_chu_the")
    row = re.search(rf'data-table="{t}".*?data-row="{re.escape(r)}"(.*?)</tr>', html, re.S)
    assert row is not None
    cells = re.findall(r'<td class="num">(.*?)</td>', row.group(1), re.S)
    columns = [col.key for col in _table(t).columns]
    shown = cells[columns.index(c)]
    assert shown.startswith(dem(closed.tables[t][r][c]))
    assert f"({dem(closed.own_tables[t][r][c])})" in shown
    period = client.get(reverse("submissions:period", args=[code]) + "?ky=nam&nam=2022")
    assert reverse("submissions:closure_report", args=[code, closed.pk]) in period.content.decode()

    xlsx = client.get(reverse("submissions:closure_xlsx", args=[code, closed.pk]))
    assert xlsx.status_code == 200
    book = load_workbook(io.BytesIO(xlsx.content))
    title = _table(t).title
    sheet = next(ws for ws in book.worksheets if title.upper() in str(ws.cell(1, 1).value))
    label = next(s for s in frozen_tables(closed) if s.table.key == t)
    label = next(x.label for x in label.rows if x.key == r)
    found = next(row for row in sheet.iter_rows(values_only=True) if row and row[0] == label)
    assert found[1 + columns.index(c)] == closed.tables[t][r][c]


def test_a_closure_of_another_unit_is_not_found(closed, client_as):
    other = unit("HA.DBK.001")
    client = client_as("inspector")
    page = client.get(reverse("submissions:closure_report", args=[other.code, closed.pk]))
    assert page.status_code == 404
