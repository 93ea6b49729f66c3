"""The format's description stays true: docs/formats.md names every sheet and column header,
the template carries them, and the CLI prints counts and refuses with a report."""

from pathlib import Path

import pytest
import python_calamine
from django.core.management import call_command

from ktgs.exchange.exporter import write_template
from ktgs.exchange.format import INSTRUCTIONS, SHEETS, loose, sheet_named

DOC = Path(__file__).resolve().parents[3] / "docs" / "formats.md"


def test_formats_md_names_every_sheet_and_header():
    text = DOC.read_text(encoding="utf-8")
    for sheet in SHEETS.values():
        assert f"### {sheet.name}" in text
        for header in sheet.headers:
            assert f"| {header} |" in text, (sheet.name, header)


def test_sheet_and_file_names_match_loosely():
    assert sheet_named("Dang vien").name == "Đảng viên"
    assert sheet_named("ĐẢNG_VIÊN").name == "Đảng viên"
    assert sheet_named("Đảng viên 2") is None
    assert len({loose(name) for name in SHEETS}) == len(SHEETS)


@pytest.mark.django_db
def test_the_template_has_the_headers_and_the_instructions(tmp_path):
    book = python_calamine.CalamineWorkbook.from_path(str(write_template(tmp_path / "mau.xlsx")))
    assert book.sheet_names == [INSTRUCTIONS, *SHEETS]
    for sheet in SHEETS.values():
        assert book.get_sheet_by_name(sheet.name).to_python() == [sheet.headers]
    text = str(book.get_sheet_by_name(INSTRUCTIONS).to_python())
    assert "ngày/tháng/năm" in text and "cell" in text and "Chi bộ trực thuộc" in text


@pytest.mark.django_db
def test_command_line_import_writes_the_report_and_exits_1(tmp_path, capsys):
    bad = tmp_path / "Đảng viên.csv"
    bad.write_text("Mã đảng viên,Họ\nX1,Trần\n", encoding="utf-8")
    report = tmp_path / "loi.xlsx"
    with pytest.raises(SystemExit) as exit_:
        call_command("import", str(bad), "--report", str(report))
    assert exit_.value.code == 1
    assert "Thiếu cột «Tên»" in capsys.readouterr().out
    rows = python_calamine.CalamineWorkbook.from_path(str(report)).get_sheet_by_index(0).to_python()
    assert rows[0] == ["Sheet", "Dòng", "Cột", "Lỗi", "Cách sửa"] and len(rows) > 1
