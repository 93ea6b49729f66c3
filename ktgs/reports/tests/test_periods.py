"""Kỳ báo cáo (docs/reports.md): the dates of every kind with and without cut-off days, leap
years, terms from the unit's Term rows, previous(), cumulative ranges, deadlines, labels, and the
query string's reading and its refusals. Expected dates are typed, never computed by the code
under test."""

from datetime import date, timedelta

import pytest

from ktgs.orgs.models import OrgUnit, Term
from ktgs.reports.periods import (
    PeriodError,
    PeriodKind,
    UnitPeriods,
    month_end,
    month_of,
    month_start,
    year_of,
)
from ktgs.reports.services import period_cutoff_set, period_deadline_set

pytestmark = pytest.mark.django_db
D = date
TODAY = D(2026, 3, 10)  # a fixed "today" for the reading of the query string


def periods(code: str = "HA.DBK", today: date = TODAY) -> UnitPeriods:
    return UnitPeriods(OrgUnit.objects.get(code=code), today=today)


def span(period) -> tuple[date, date]:
    return period.start, period.end


def term(code: str, name: str) -> Term:
    return Term.objects.get(unit__code=code, name=name)


# --- dates ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "month", "cutoff", "start", "end"),
    [
        (2023, 6, None, D(2023, 6, 1), D(2023, 6, 30)),
        (2023, 2, None, D(2023, 2, 1), D(2023, 2, 28)),
        (2024, 2, None, D(2024, 2, 1), D(2024, 2, 29)),  # leap year
        (2023, 1, 15, D(2022, 12, 16), D(2023, 1, 15)),
        (2024, 3, 15, D(2024, 2, 16), D(2024, 3, 15)),
        (2024, 3, 28, D(2024, 2, 29), D(2024, 3, 28)),  # leap: 29/02 opens March
        (2023, 3, 28, D(2023, 3, 1), D(2023, 3, 28)),
        (2023, 7, 14, D(2023, 6, 15), D(2023, 7, 14)),  # TT 58/2020/TT-BQP's shape
    ],
)
def test_month_dates(year, month, cutoff, start, end):
    assert (month_start(year, month, cutoff), month_end(year, month, cutoff)) == (start, end)


def test_month_and_year_holding_a_day():
    assert month_of(D(2022, 12, 16), 15) == (2023, 1)
    assert month_of(D(2022, 12, 15), 15) == (2022, 12)
    assert month_of(D(2022, 12, 31), None) == (2022, 12)
    assert year_of(D(2022, 12, 16), 15) == 2023
    assert year_of(D(2022, 12, 16), None) == 2022


def test_every_kind_by_calendar_without_settings(demo):
    p = periods()
    assert span(p.month(2023, 6)) == (D(2023, 6, 1), D(2023, 6, 30))
    assert span(p.month(2024, 2)) == (D(2024, 2, 1), D(2024, 2, 29))
    assert span(p.year_to_date(PeriodKind.Q1, 2023)) == (D(2023, 1, 1), D(2023, 3, 31))
    assert span(p.year_to_date(PeriodKind.HALF, 2023)) == (D(2023, 1, 1), D(2023, 6, 30))
    assert span(p.year_to_date(PeriodKind.NINE, 2023)) == (D(2023, 1, 1), D(2023, 9, 30))
    assert span(p.year_to_date(PeriodKind.YEAR, 2023)) == (D(2023, 1, 1), D(2023, 12, 31))
    assert span(p.year_to_date(PeriodKind.YEAR, 2024)) == (D(2024, 1, 1), D(2024, 12, 31))


def test_every_kind_with_a_cutoff_on_the_15th(demo):
    period_cutoff_set(list(PeriodKind.values[:5]), 15)
    p = periods()
    assert span(p.year_to_date(PeriodKind.YEAR, 2023)) == (D(2022, 12, 16), D(2023, 12, 15))
    assert span(p.year_to_date(PeriodKind.Q1, 2023)) == (D(2022, 12, 16), D(2023, 3, 15))
    assert span(p.year_to_date(PeriodKind.HALF, 2023)) == (D(2022, 12, 16), D(2023, 6, 15))
    assert span(p.year_to_date(PeriodKind.NINE, 2023)) == (D(2022, 12, 16), D(2023, 9, 15))
    assert span(p.month(2023, 1)) == (D(2022, 12, 16), D(2023, 1, 15))
    assert span(p.month(2024, 3)) == (D(2024, 2, 16), D(2024, 3, 15))
    # the cut-off does not touch a term or a date range
    t = term("HA.DBK", "2020–2025")
    assert span(p.term(t)) == (t.starts_on, t.ends_on - timedelta(days=1))
    assert span(p.range(D(2023, 1, 1), D(2023, 6, 30))) == (D(2023, 1, 1), D(2023, 6, 30))


def test_cutoffs_are_per_kind(demo):
    period_cutoff_set([PeriodKind.MONTH], 28)
    p = periods()
    assert span(p.month(2024, 3)) == (D(2024, 2, 29), D(2024, 3, 28))
    assert span(p.month(2023, 3)) == (D(2023, 3, 1), D(2023, 3, 28))
    assert span(p.year_to_date(PeriodKind.YEAR, 2024)) == (D(2024, 1, 1), D(2024, 12, 31))


# --- terms, cumulative, previous, deadline -------------------------------------------------------


def test_term_periods_come_from_the_units_term_rows(demo):
    old, new = term("HA.DBK", "2020–2025"), term("HA.DBK", "2025–2030")
    p = periods(today=TODAY)
    closed = p.term(old)
    assert span(closed) == (old.starts_on, old.ends_on - timedelta(days=1))
    assert new.ends_on is None and span(p.term(new)) == (new.starts_on, TODAY)  # open: to today
    assert p.current_term() == p.term(new)
    assert periods(today=old.starts_on).current_term() == p.term(old)


def test_cumulative_from_the_start_of_the_term_holding_the_end(demo):
    old, new = term("HA.DBK", "2020–2025"), term("HA.DBK", "2025–2030")
    p = periods()
    assert p.year_to_date(PeriodKind.HALF, 2023).cumulative == (old.starts_on, D(2023, 6, 30))
    # the year 2025 ends in the new term, which began during the year: from its start
    assert p.year_to_date(PeriodKind.YEAR, 2025).cumulative == (new.starts_on, D(2025, 12, 31))
    last_day = old.ends_on - timedelta(days=1)
    assert p.range(D(2025, 1, 1), last_day).cumulative == (old.starts_on, last_day)
    assert p.term(old).cumulative == (old.starts_on, last_day)


def test_a_unit_without_a_term(demo):
    p = periods("HA.CQD")
    assert not Term.objects.filter(unit=p.unit).exists()
    assert p.year_to_date(PeriodKind.YEAR, 2023).cumulative is None
    assert p.current_term() is None
    assert "Nhiệm kỳ" not in [preset.label for preset in p.presets()]
    with pytest.raises(PeriodError) as refused:
        p.parse({"ky": "nhiem-ky"})
    message = str(refused.value)
    assert p.unit.name in message and "chưa có nhiệm kỳ" in message
    assert "sheet «Nhiệm kỳ»" in message  # how to fix it


def test_previous_periods(demo):
    old, new = term("HA.DBK", "2020–2025"), term("HA.DBK", "2025–2030")
    p = periods()
    january = p.month(2023, 1).previous()
    assert (january.kind, january.label) == ("thang", "tháng 12 năm 2022")
    assert span(january) == (D(2022, 12, 1), D(2022, 12, 31))
    assert span(p.month(2023, 6).previous()) == (D(2023, 5, 1), D(2023, 5, 31))
    for kind in (PeriodKind.Q1, PeriodKind.HALF, PeriodKind.NINE, PeriodKind.YEAR):
        before = p.year_to_date(kind, 2023).previous()
        assert before == p.year_to_date(kind, 2022)
    assert p.year_to_date(PeriodKind.Q1, 2023).previous().label == "Quý I năm 2022"
    assert p.term(new).previous() == p.term(old)
    assert p.term(old).previous() is None
    leap = p.range(D(2024, 2, 29), D(2024, 6, 30)).previous()
    assert span(leap) == (D(2023, 2, 28), D(2023, 6, 30))


def test_previous_keeps_the_cutoff(demo):
    period_cutoff_set([PeriodKind.MONTH, PeriodKind.YEAR], 15)
    p = periods()
    assert span(p.month(2023, 1).previous()) == (D(2022, 11, 16), D(2022, 12, 15))
    assert span(p.year_to_date(PeriodKind.YEAR, 2023).previous()) == (
        D(2021, 12, 16),
        D(2022, 12, 15),
    )


def test_deadlines_are_office_settings(demo):
    assert periods().year_to_date(PeriodKind.YEAR, 2023).deadline is None
    period_deadline_set([PeriodKind.YEAR], 20)
    period_deadline_set([PeriodKind.MONTH], 5)
    period_cutoff_set([PeriodKind.MONTH], 15)
    p = periods()
    assert p.year_to_date(PeriodKind.YEAR, 2023).deadline == D(2024, 1, 20)
    assert p.month(2023, 6).deadline == D(2023, 6, 20)  # "trước ngày 20"
    assert p.year_to_date(PeriodKind.Q1, 2023).deadline is None
    assert p.range(D(2023, 1, 1), D(2023, 2, 1)).deadline is None


# --- labels and the query string -----------------------------------------------------------------


def test_labels_as_reports_write_them(demo):
    p = periods()
    assert p.month(2023, 6).label == "tháng 6 năm 2023"
    assert p.year_to_date(PeriodKind.Q1, 2023).label == "Quý I năm 2023"
    assert p.year_to_date(PeriodKind.HALF, 2023).label == "6 tháng đầu năm 2023"
    assert p.year_to_date(PeriodKind.NINE, 2023).label == "9 tháng đầu năm 2023"
    assert p.year_to_date(PeriodKind.YEAR, 2023).label == "năm 2023"
    assert p.year_to_date(PeriodKind.YEAR, 2023).title == "Năm 2023"
    assert p.term(term("HA.DBK", "2020–2025")).label == "nhiệm kỳ 2020–2025"
    assert p.range(D(2023, 1, 1), D(2023, 6, 30)).label == "từ 01/01/2023 đến 30/06/2023"


@pytest.mark.parametrize(
    ("query", "label", "start", "end"),
    [
        ({"ky": "nam", "nam": "2023"}, "năm 2023", D(2023, 1, 1), D(2023, 12, 31)),
        ({"ky": "thang", "nam": "2023", "thang": "6"}, "tháng 6 năm 2023", D(2023, 6, 1), None),
        ({"ky": "thang", "nam": "2023", "thang": "06"}, "tháng 6 năm 2023", None, D(2023, 6, 30)),
        ({"ky": "quy-1", "nam": "2023"}, "Quý I năm 2023", D(2023, 1, 1), D(2023, 3, 31)),
        ({"ky": "6-thang", "nam": "2023"}, "6 tháng đầu năm 2023", None, D(2023, 6, 30)),
        ({"ky": "9-thang", "nam": "2023"}, "9 tháng đầu năm 2023", None, D(2023, 9, 30)),
        ({"ky": "nhiem-ky", "nhiem-ky": "2020-2025"}, "nhiệm kỳ 2020–2025", None, None),
        ({"ky": "nhiem-ky"}, "nhiệm kỳ 2025–2030", None, TODAY),
        ({"tu": "01/01/2023", "den": "30/06/2023"}, "từ 01/01/2023 đến 30/06/2023", None, None),
        ({"ky": "khoang", "tu": "1/1/2023", "den": "2023-06-30"}, None, D(2023, 1, 1), None),
    ],
)
def test_the_query_string_names_a_period(demo, query, label, start, end):
    p = periods()
    period = p.parse(query)
    assert label is None or period.label == label
    assert start is None or period.start == start
    assert end is None or period.end == end
    assert p.parse(period.params()) == period  # the period's own link reads back as itself


def test_no_period_in_the_query_string(demo):
    assert periods().parse({"don-vi": "HA.DBK", "tu": " "}) is None


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ({"ky": "quy-2", "nam": "2023"}, ["Không có kỳ báo cáo «quy-2»", "quy-1"]),
        ({"ky": "nam"}, ["Chưa chọn năm"]),
        ({"ky": "nam", "nam": "23"}, ["«23» không phải một năm"]),
        ({"ky": "nam", "nam": "hai"}, ["«hai» không phải một năm"]),
        ({"ky": "nam", "nam": "1925"}, ["1930"]),
        ({"ky": "nam", "nam": "2030"}, ["Năm 2030 chưa đến", "10/03/2026"]),
        ({"ky": "nam", "nam": "2027"}, ["«năm 2027» chưa bắt đầu", "01/01/2027"]),
        ({"ky": "thang", "nam": "2023", "thang": "13"}, ["Không có tháng «13»", "từ 1 đến 12"]),
        ({"ky": "thang", "nam": "2023", "thang": "sáu"}, ["Không có tháng «sáu»"]),
        ({"ky": "thang", "nam": "2023"}, ["Chưa chọn tháng"]),
        ({"ky": "thang", "nam": "2026", "thang": "4"}, ["«tháng 4 năm 2026» chưa bắt đầu"]),
        (
            {"ky": "nhiem-ky", "nhiem-ky": "2015–2020"},
            ["chưa ghi nhiệm kỳ «2015–2020»", "2020–2025"],
        ),
        ({"tu": "30/06/2023", "den": "01/01/2023"}, ["«Đến ngày» (01/01/2023) trước «Từ ngày»"]),
        ({"tu": "31/02/2023", "den": "01/03/2023"}, ["«Từ ngày»", "không hợp lệ"]),
        ({"den": "01/03/2023"}, ["Chưa nhập «Từ ngày»"]),
        ({"tu": "11/03/2026", "den": "01/04/2026"}, ["«Từ ngày» (11/03/2026) chưa đến"]),
    ],
)
def test_the_query_string_refused(demo, query, words):
    with pytest.raises(PeriodError) as refused:
        periods().parse(query)
    for word in words:
        assert word in str(refused.value)


def test_no_current_term_is_said(demo):
    old = term("HA.DBK", "2020–2025")
    with pytest.raises(PeriodError) as refused:
        periods(today=old.starts_on - timedelta(days=1)).parse({"ky": "nhiem-ky"})
    assert "không có nhiệm kỳ nào đang diễn ra" in str(refused.value)
    assert "2020–2025, 2025–2030" in str(refused.value)


def test_cutoff_moves_the_start_of_the_next_year_into_this_one(demo):
    period_cutoff_set([PeriodKind.YEAR], 15)
    late = periods(today=D(2024, 12, 20))
    assert span(late.parse({"ky": "nam", "nam": "2025"})) == (D(2024, 12, 16), D(2025, 12, 15))
    with pytest.raises(PeriodError):
        periods(today=D(2024, 12, 15)).parse({"ky": "nam", "nam": "2025"})


def test_presets_with_a_cutoff(demo):
    period_cutoff_set(list(PeriodKind.values[:5]), 15)
    old = term("HA.DBK", "2020–2025")
    found = {p.label: span(p.period) for p in periods(today=D(2023, 12, 20)).presets()}
    assert found == {
        "Tháng này": (D(2023, 12, 16), D(2024, 1, 15)),
        "Quý I": (D(2023, 12, 16), D(2024, 3, 15)),
        "6 tháng": (D(2023, 12, 16), D(2024, 6, 15)),
        "9 tháng": (D(2023, 12, 16), D(2024, 9, 15)),
        "Năm nay": (D(2023, 12, 16), D(2024, 12, 15)),
        "Năm trước": (D(2022, 12, 16), D(2023, 12, 15)),
        "Nhiệm kỳ": (old.starts_on, old.ends_on - timedelta(days=1)),  # the term as recorded
    }


def test_a_unit_periods_cost_two_queries(demo, django_assert_num_queries):
    unit = OrgUnit.objects.get(code="HA.DBK")
    with django_assert_num_queries(2):
        p = UnitPeriods(unit, today=TODAY)
        p.presets()
        p.year_to_date(PeriodKind.YEAR, 2023).previous()
        p.current_term().previous()
