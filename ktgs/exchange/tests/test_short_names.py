"""A committee's short name (docs/reports.md «Tên gọi tắt») comes in and goes out through the
«Thuộc tính» sheet as text, dated like every attribute; docs/formats.md lists every attribute."""

from datetime import date
from pathlib import Path

import pytest
import python_calamine

from ktgs.exchange.exporter import export_xlsx
from ktgs.exchange.importer import run_import
from ktgs.exchange.tests.helpers import headers, workbook
from ktgs.orgs.choices import UnitAttributeKey
from ktgs.orgs.models import OrgUnit, UnitAttribute
from ktgs.orgs.shortnames import committee_short_name

pytestmark = pytest.mark.django_db
SHEET = "Thuộc tính"
LABEL = "Tên gọi tắt của cấp ủy"
UNIT = "HA.CQD"
DOC = Path(__file__).resolve().parents[3] / "docs" / "formats.md"


def attribute_book(path: Path, *rows) -> Path:
    return workbook(path, {SHEET: [headers(SHEET), *rows]})


def exported(path: Path) -> list[list]:
    book = python_calamine.CalamineWorkbook.from_path(str(export_xlsx(path)))
    return book.get_sheet_by_name(SHEET).to_python()


def test_a_short_name_is_imported_dated_and_exported_back(tmp_path):
    book = attribute_book(
        tmp_path / "ten-goi-tat.xlsx",
        [UNIT, LABEL, "Đảng ủy Cơ quan", "01/01/2000", "01/01/2021", ""],
        [UNIT, LABEL, "Đảng ủy các cơ quan Đảng tỉnh", "01/01/2021", "", "05-QĐ/TU"],
    )
    result = run_import(book, file_name=book.name)
    assert result.ok, result.problems
    unit = OrgUnit.objects.get(code=UNIT)
    assert committee_short_name(unit, date(2020, 12, 31)).text == "Đảng ủy Cơ quan"
    assert committee_short_name(unit, date(2021, 1, 1)).text == "Đảng ủy các cơ quan Đảng tỉnh"
    assert not committee_short_name(unit, date(2021, 1, 1)).derived

    rows = [r for r in exported(tmp_path / "ra.xlsx") if r[:2] == [UNIT, LABEL]]
    assert [r[2] for r in rows] == ["Đảng ủy Cơ quan", "Đảng ủy các cơ quan Đảng tỉnh"]
    # the exported file imported again changes nothing
    again = run_import(tmp_path / "ra.xlsx", file_name="ra.xlsx")
    assert again.ok, again.problems
    assert again.counts[SHEET]["created"] == again.counts[SHEET]["updated"] == 0
    assert (
        UnitAttribute.objects.filter(unit=unit, key=UnitAttributeKey.COMMITTEE_SHORT_NAME).count()
        == 2
    )


def test_the_demo_exports_its_conventional_names(tmp_path):
    rows = {(r[0], r[2]) for r in exported(tmp_path / "ra.xlsx") if r[1] == LABEL}
    assert {("HA", "Tỉnh ủy"), ("HA.DBK", "Đảng ủy Khối")} <= rows


@pytest.mark.parametrize("value", ["Có", "Không", "12"])
def test_a_short_name_that_is_not_text_is_refused(tmp_path, value):
    book = attribute_book(tmp_path / "loi.xlsx", [UNIT, LABEL, value, "01/01/2021", "", ""])
    count = UnitAttribute.objects.count()
    result = run_import(book, file_name=book.name)
    assert not result.ok
    (problem,) = result.problems
    assert (problem.sheet, problem.row, problem.column) == (SHEET, 2, "Giá trị")
    assert "phải là chữ" in problem.message and "Đảng ủy Khối" in problem.fix
    assert UnitAttribute.objects.count() == count


def test_formats_md_lists_every_attribute():
    text = DOC.read_text(encoding="utf-8")
    for _value, label in UnitAttributeKey.choices:
        assert f"| {label} |" in text, label
