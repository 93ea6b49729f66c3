"""Cells as people type them: dates, choices, numbers that lost their leading zeros, and the
formula-injection marker that export adds and import removes."""

from datetime import date, datetime

import pytest

from ktgs.exchange import cells


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("05/09/2023", date(2023, 9, 5)),
        ("5/9/2023", date(2023, 9, 5)),
        (" 5/09/2023 ", date(2023, 9, 5)),
        (date(2023, 9, 5), date(2023, 9, 5)),
        (datetime(2023, 9, 5), date(2023, 9, 5)),
        ("", None),
    ],
)
def test_dates_typed_the_accepted_ways(raw, expected):
    assert cells.day()(raw) == expected


@pytest.mark.parametrize(
    "raw", ["2023-09-05", "5-9-2023", "05.09.2023", "5/9/23", "31/02/2023", "ngày 5/9", 45174.0]
)
def test_other_dates_are_refused_with_how_to_type_them(raw):
    with pytest.raises(cells.CellError) as exc:
        cells.day()(raw)
    assert "ngày/tháng/năm" in exc.value.fix


def test_a_date_with_a_time_is_refused():
    with pytest.raises(cells.CellError, match="giờ"):
        cells.day()(datetime(2023, 9, 5, 8, 30))


@pytest.mark.parametrize(
    "text",
    ["=1+2", "+84 912", "-abc", "@SUM(A1)", "\tx", "'=1", "''=1", "'abc", "abc", "", "'", "Hà Nội"],
)
def test_escape_then_unescape_gives_back_the_text(text):
    assert cells.unescape(cells.escape(text)) == text


def test_text_a_spreadsheet_would_run_is_marked():
    assert cells.escape('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert cells.escape("Chi bộ 1") == "Chi bộ 1"
    assert cells.unescape("'abc") == "'abc"  # an apostrophe typed by a person stays


def test_choices_by_label_or_code_without_accents():
    parse = cells.choice([("M", "Nam"), ("F", "Nữ")])
    assert [parse("Nữ"), parse("nu"), parse("F"), parse("NAM")] == ["F", "F", "F", "M"]
    with pytest.raises(cells.CellError) as exc:
        parse("khác")
    assert "Nam, Nữ" in exc.value.fix


def test_an_id_typed_as_a_number_gets_its_leading_zeros_back():
    assert cells.digits(12)(1085000123.0) == "001085000123"
    assert cells.digits(12)("001 085 000 123") == "001085000123"


@pytest.mark.parametrize(
    "family, middle, given",
    [
        ("Nguyễn", "Văn", "An"),
        ("Tôn Nữ", "Thị Hoà", "Hằng"),
        ("Lê", "", "Hòa"),
        ("Đỗ", "Thị Thu", "Hà"),
    ],
)
def test_import_name_keys_are_the_services_name_keys(family, middle, given):
    from ktgs.exchange.orgdata import name_keys
    from ktgs.orgs.services import member_name_keys

    assert name_keys(family, middle, given) == member_name_keys(family, middle, given)
