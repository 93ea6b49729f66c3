"""Issue 11, defect 3: a date after today is refused in every column that records something that
has happened (an admission, a founding, a start, a signing), with the sheet, row and column;
today is accepted. Planned dates (an end, a planned end) may lie ahead.

The table is typed here, column by column, never read back from the format: a date column added
to the format without a decision here fails `test_every_date_column_is_decided`."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from ktgs.exchange import cells
from ktgs.exchange.format import SHEETS
from ktgs.exchange.importer import run_import
from ktgs.exchange.tests.helpers import workbook

pytestmark = pytest.mark.django_db

FROM, UNTIL = "Từ ngày", "Đến trước ngày"
# sheet → {date column header: True when a date after today is refused}
DATE_COLUMNS = {
    "Tổ chức": {"Ngày thành lập": True, "Ngày giải thể": True},
    "Trực thuộc": {FROM: True, UNTIL: False},
    "Tên cũ": {FROM: True, UNTIL: False},
    "Kế thừa": {"Ngày hiệu lực": True},
    "Nhiệm kỳ": {FROM: True, UNTIL: False},  # a term runs to its planned end
    "Thuộc tính": {FROM: True, UNTIL: False},
    "Đảng viên": {"Ngày sinh": True, "Ngày vào Đảng": True, "Ngày chính thức": True},
    "Sinh hoạt": {FROM: True, UNTIL: False, "Ngày chuyển": True},
    "Cấp ủy viên": {FROM: True, UNTIL: False},  # a seat ends with its term
    "Người đứng đầu": {FROM: True, UNTIL: False},
    "Diện quản lý": {FROM: True, UNTIL: False},
    "Kiểm tra, giám sát": {
        "Ngày quyết định": True,
        "Kết thúc theo kế hoạch": False,
        "Ngày thông báo kết luận": True,
    },
    "Đối tượng KTGS": {"Ngày kết luận": True},
    "Quyết định kỷ luật": {
        "Ngày ký": True,
        "Ngày công bố": True,
        "Ngày nhận": True,
        "Vi phạm từ ngày": True,
        "Vi phạm đến ngày": True,
    },
    "Đơn thư": {
        "Ngày nhận": True,
        "Ngày xử lý đơn": True,
        "Ngày thụ lý": True,
        "Ngày kết luận": True,
        "Ngày trả lời": True,
    },
}
CASES = [
    (sheet, header, refused)
    for sheet, columns in DATE_COLUMNS.items()
    for header, refused in columns.items()
]


def _is_date_column(column) -> bool:
    try:
        return isinstance(column.parse(date(2000, 1, 1)), date)
    except cells.CellError:
        return False


def test_every_date_column_is_decided():
    found = {
        (sheet.name, column.header)
        for sheet in SHEETS.values()
        for column in sheet.columns
        if _is_date_column(column)
    }
    assert found == {(sheet, header) for sheet, header, _refused in CASES}


@pytest.mark.parametrize(("sheet", "header", "refused"), CASES)
def test_cell_parser_refuses_tomorrow_where_the_date_has_happened(sheet, header, refused):
    parse = next(c for c in SHEETS[sheet].columns if c.header == header).parse
    today = timezone.localdate()
    assert parse(today) == today
    assert parse(today.strftime("%d/%m/%Y")) == today
    tomorrow = today + timedelta(days=1)
    if not refused:
        assert parse(tomorrow) == tomorrow
        return
    with pytest.raises(cells.CellError) as exc:
        parse(tomorrow.strftime("%d/%m/%Y"))
    assert f"Ngày {tomorrow:%d/%m/%Y} chưa đến" in exc.value.message


def _book(tmp_path, name, day):
    """Every sheet with one row (row 2) whose date columns all hold `day`, other cells empty."""
    sheets = {
        s.name: [s.headers, [day if _is_date_column(c) else "" for c in s.columns]]
        for s in SHEETS.values()
        if s.name in DATE_COLUMNS
    }
    return workbook(tmp_path / name, sheets)


def _future_problems(result) -> set:
    return {(p.sheet, p.row, p.column) for p in result.problems if "chưa đến" in p.message}


def test_import_names_sheet_row_and_column_of_every_date_after_today(tmp_path):
    tomorrow = timezone.localdate() + timedelta(days=1)
    result = run_import(_book(tmp_path, "mai.xlsx", tomorrow), file_name="mai.xlsx")
    assert not result.written
    expected = {(sheet, 2, header) for sheet, header, refused in CASES if refused}
    assert _future_problems(result) == expected


def test_import_accepts_today_in_every_date_column(tmp_path):
    today = timezone.localdate()
    result = run_import(_book(tmp_path, "nay.xlsx", today), file_name="nay.xlsx")
    assert _future_problems(result) == set()


@pytest.mark.parametrize("days_ahead", [0, 1])
def test_a_member_admitted_today_is_imported_tomorrow_is_not(tmp_path, days_ahead):
    from ktgs.orgs.models import Member

    day = timezone.localdate() + timedelta(days=days_ahead)
    book = workbook(
        tmp_path / "dv.xlsx",
        {
            "Đảng viên": [
                SHEETS["Đảng viên"].headers,
                ["NV0001", "Trần", "Văn", "An", "05/09/1990", "Nam", "", "", day, "", ""],
            ],
            "Sinh hoạt": [SHEETS["Sinh hoạt"].headers, ["NV0001", "HA.DBK.001.01", day] + [""] * 4],
        },
    )
    result = run_import(book, file_name=book.name)
    if days_ahead == 0:
        assert result.written, result.problems
        assert Member.objects.get(code="NV0001").current_unit.code == "HA.DBK.001.01"
        return
    assert {(p.sheet, p.row, p.column) for p in result.problems} == {
        ("Đảng viên", 2, "Ngày vào Đảng"),
        ("Sinh hoạt", 2, "Từ ngày"),
    }
    assert not Member.objects.filter(code="NV0001").exists()
