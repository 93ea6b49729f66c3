"""Forms, votes, limitation, effect, appeal windows and suspension: expected values typed from
the research (shared/reference/domain-rules*.md), citation beside each, never read back from the
pack; deadlines across Tết and across the 2025 and 2026 changes."""

from datetime import date

import pytest

from ktgs.orgs.models import OrgUnit
from ktgs.rules.discipline import (
    add_months,
    appeal_deadline,
    appeal_window,
    effect_ends,
    limitation,
    limitation_ends,
    reaches,
    sanction_forms,
    suspension,
    suspension_ends,
    takes_effect,
    vote_threshold,
)
from ktgs.rules.lookup import RuleNotInForce
from ktgs.rules.models import RuleRow
from ktgs.rules.tests.helpers import override as rule_override

pytestmark = pytest.mark.django_db

# fmt: off
FORMS = [
    ("organisation", date(2013, 1, 1), ("reprimand", "warning", "dissolution")),  # Điều lệ Đ.35
    ("full", date(2019, 1, 1), ("reprimand", "warning", "removal", "expulsion")),  # Điều lệ Đ.35
    ("probationary", date(2023, 1, 1), ("reprimand", "warning")),  # Điều lệ Đ.35; dự bị: xóa tên, không khai trừ
    ("full", date(2026, 5, 1), ("reprimand", "warning", "removal", "expulsion")),  # QĐ 21 (QUIZ) nhắc lại
]
# fmt: on


@pytest.mark.parametrize(("subject", "on", "forms"), FORMS)
def test_sanction_forms(subject, on, forms):
    got = sanction_forms(subject, on)
    assert got.forms == forms and "Điều lệ Đảng" in got.citation


# fmt: off
VOTES = [
    # body, form, date, share, denominator, proposer share — source
    ("cell_meeting", "warning", date(2026, 6, 1), "more_than_half", "cell_full_members", None),  # QĐ 21 (QUIZ): trên 1/2 tổng số ĐV chính thức
    ("cell_meeting", "expulsion", date(2018, 1, 1), "more_than_half", "cell_full_members", "two_thirds"),  # Điều lệ: đề nghị khai trừ ≥ 2/3
    ("inspection", "expulsion", date(2023, 1, 1), "more_than_half", "seated_members", "two_thirds"),  # S52, S24
    ("committee", "dissolution", date(2025, 12, 1), "more_than_half", "seated_members", "two_thirds"),  # N9: đề nghị ≥ 2/3, quyết định > 1/2
    ("standing", "reprimand", date(2012, 1, 1), "more_than_half", "seated_members", None),  # S23
]
# fmt: on


@pytest.mark.parametrize(("body", "form", "on", "share", "denominator", "proposer"), VOTES)
def test_vote_threshold(body, form, on, share, denominator, proposer):
    got = vote_threshold(body, form, on)
    assert (got.share, got.denominator, got.proposer_share) == (share, denominator, proposer)


@pytest.mark.parametrize(
    ("votes", "of", "threshold", "ok"),
    [
        (5, 10, "more_than_half", False),  # exactly half is not "trên một nửa"
        (6, 10, "more_than_half", True),
        (6, 9, "two_thirds", True),  # "ít nhất hai phần ba": 6 of 9 is enough
        (6, 10, "two_thirds", False),
        (7, 10, "two_thirds", True),
    ],
)
def test_reaches(votes, of, threshold, ok):
    assert reaches(votes, of, threshold) is ok


# Every limitation row of every regime: (form, a date in the regime) -> years (None: no limit).
# fmt: off
LIMITATION = [
    ("reprimand", date(2019, 1, 1), 5, "102-QĐ/TW"),  # QĐ 102 (carried back from QĐ 69 Đ.4, to check)
    ("warning", date(2019, 1, 1), 10, "102-QĐ/TW"),
    ("removal", date(2019, 1, 1), 10, "102-QĐ/TW"),
    ("expulsion", date(2019, 1, 1), None, "102-QĐ/TW"),
    ("dissolution", date(2019, 1, 1), None, "07-QĐi/TW"),  # QĐ 07-QĐi/TW (28/8/2018)
    ("reprimand", date(2024, 1, 1), 5, "69-QĐ/TW, Điều 4"),  # QĐ 69 Đ.4: 5 năm
    ("warning", date(2024, 1, 1), 10, "69-QĐ/TW, Điều 4"),  # 10 năm
    ("removal", date(2024, 1, 1), 10, "69-QĐ/TW, Điều 4"),  # 10 năm
    ("expulsion", date(2024, 1, 1), None, "69-QĐ/TW, Điều 4"),  # không áp dụng thời hiệu
    ("dissolution", date(2024, 1, 1), None, "69-QĐ/TW, Điều 4"),  # không áp dụng thời hiệu
    ("reprimand", date(2026, 9, 1), 5, "212-QĐ/TW"),  # QĐ 212 (QUIZ): 05 năm (60 tháng)
    ("warning", date(2026, 9, 1), 10, "212-QĐ/TW"),  # carried from QĐ 69
    ("removal", date(2026, 9, 1), 10, "212-QĐ/TW"),
    ("expulsion", date(2026, 9, 1), None, "212-QĐ/TW"),
    ("dissolution", date(2026, 9, 1), None, "212-QĐ/TW"),
]
# fmt: on


def test_every_limitation_row_is_in_the_table():
    from ktgs.rules.pack import read_pack

    rows = [r for r in read_pack() if r["family"] == "discipline_limitation"]
    assert len(rows) == len(LIMITATION)


@pytest.mark.parametrize(("form", "on", "years", "cited"), LIMITATION)
def test_limitation(form, on, years, cited):
    got = limitation(form, on)
    assert got.years == years and cited in got.citation
    assert "chính trị nội bộ" in got.exceptions


def test_limitation_ends_counts_from_the_violation_by_the_conclusion_date():
    # QĐ 69 Đ.4: khiển trách 5 năm, từ khi chấm dứt vi phạm đến khi kết luận
    assert limitation_ends(date(2019, 3, 15), "reprimand", date(2024, 3, 1)) == date(2024, 3, 15)
    assert limitation_ends(date(2016, 2, 29), "warning", date(2024, 3, 1)) == date(2026, 2, 28)
    assert limitation_ends(date(2010, 1, 1), "expulsion", date(2024, 3, 1)) is None
    with pytest.raises(RuleNotInForce, match="thời hiệu kỷ luật"):  # before QĐ 102 (15/11/2017)
        limitation_ends(date(2012, 1, 1), "reprimand", date(2017, 11, 14))
    with pytest.raises(RuleNotInForce):  # QĐ 07-QĐi/TW (28/8/2018) is the first for giải tán
        limitation("dissolution", date(2018, 8, 27))


def test_takes_effect_cell_on_announcement_others_on_signing():
    signed, announced = date(2026, 5, 12), date(2026, 5, 8)
    cell = takes_effect("cell_meeting", signed, signed_on=signed, announced_on=announced)
    assert (cell.day, cell.event) == (announced, "announcement")  # QĐ 21 (QUIZ); QĐ 296 Đ.15.2
    ubkt = takes_effect("inspection", signed, signed_on=signed, announced_on=announced)
    assert (ubkt.day, ubkt.status) == (signed, "to_check")  # QĐ 21 (QUIZ): từ ngày ký
    old = takes_effect("committee", date(2020, 3, 2), signed_on=date(2020, 3, 2))
    assert old.status == "to_check" and "30-QĐ/TW" in old.citation  # before QĐ 21: to be checked
    assert (
        takes_effect("cell_meeting", date(2018, 1, 9), announced_on=date(2018, 1, 5)).status
        == "confirmed"
    )  # QĐ 30 (S58)
    with pytest.raises(ValueError, match="ngày công bố"):
        takes_effect("cell_meeting", signed, signed_on=signed)


def test_effect_ends_twelve_months_on_but_not_for_expulsion():
    end = effect_ends(date(2023, 3, 1), "warning", date(2023, 3, 1))  # QĐ 69 Đ.2 k.5: 12 tháng
    assert end.day == date(2024, 3, 1) and "69-QĐ/TW" in end.citation
    assert effect_ends(date(2023, 3, 1), "expulsion", date(2023, 3, 1)).day is None
    assert effect_ends(date(2024, 2, 29), "reprimand", date(2024, 2, 29)).day == date(2025, 2, 28)


# fmt: off
APPEALS = [
    # filed on, length, unit, start, in citation — source
    (date(2013, 6, 1), 30, "working_days", "announcement", "46-QĐ/TW"),  # HD kèm QĐ 46, tiết 5.2.1 Đ.32
    (date(2019, 6, 1), 1, "months", "receipt", "Điều lệ Đảng, Điều 38"),  # Điều lệ: một tháng (to check)
    (date(2023, 6, 1), 1, "months", "receipt", "Điều lệ Đảng, Điều 38"),  # QĐ 22 period (to check)
    (date(2025, 3, 1), 1, "months", "receipt", "262-QĐ/TW"),  # QĐ 262 amends QĐ 22 Đ.22
    (date(2025, 5, 30), 30, "days", "receipt", "296-QĐ/TW, Điều 25, khoản 1"),  # QĐ 296 (QUIZ)
    (date(2026, 5, 1), 30, "days", "receipt", "21-QĐ/TW"),  # carried forward from QĐ 296
]
# fmt: on


@pytest.mark.parametrize(("filed", "length", "unit", "start", "cited"), APPEALS)
def test_appeal_window(filed, length, unit, start, cited):
    got = appeal_window(filed)
    assert (got.length, got.unit, got.start) == (length, unit, start) and cited in got.citation


def test_appeal_resolver_is_said_where_the_research_says_it():
    assert "Ban Bí thư" in appeal_window(date(2023, 6, 1)).resolver  # QĐ 22 Đ.22
    assert appeal_window(date(2025, 12, 1)).resolver == ""  # QĐ 296: not found


def test_thirty_working_days_from_mid_january_cross_tet():
    # QĐ 46: 30 ngày làm việc từ ngày công bố. Tết Giáp Ngọ 2014: nghỉ 29/1–4/2 (holidays.VN).
    announced = date(2014, 1, 15)
    deadline = appeal_deadline(announced, filed_on=date(2014, 2, 20))
    assert deadline == date(2014, 3, 5)  # 30 calendar-weekdays would be 26/2; Tết adds 5 days off
    assert deadline > date(2014, 2, 26)


def test_appeal_deadline_before_and_after_30_may_2025():
    received = date(2025, 4, 20)
    assert appeal_deadline(received, filed_on=date(2025, 5, 15)) == date(2025, 5, 20)  # một tháng
    assert appeal_deadline(received, filed_on=date(2025, 5, 30)) == date(2025, 5, 20)  # 30 ngày
    received = date(2025, 1, 31)
    assert appeal_deadline(received, filed_on=date(2025, 2, 20)) == date(2025, 2, 28)  # month end
    assert appeal_deadline(date(2025, 7, 31), filed_on=date(2025, 8, 20)) == date(2025, 8, 30)


# fmt: off
SUSPENSIONS = [
    # starts on, subject, days, unit, extension, cap — source
    (date(2013, 5, 1), "member", 90, "working_days", 90, 180),  # carried back from QĐ 30 Đ.40
    (date(2019, 5, 1), "member", 90, "working_days", 90, 180),  # QĐ 30 Đ.40: 90 / 180 ngày làm việc
    (date(2024, 5, 1), "member", 90, "days", 90, 180),  # QĐ 22 Đ.31: 90 ngày, tổng ≤ 180
    (date(2024, 5, 1), "organisation", 90, "days", 0, 90),  # QĐ 22 Đ.31: tổ chức ≤ 90 ngày
    (date(2025, 9, 1), "member", 90, "days", 90, 180),  # QĐ 296: not found, carried from QĐ 22
    (date(2026, 5, 4), "member", 90, "days", 30, 120),  # QĐ 21 (QUIZ): 90 + gia hạn 1 lần ≤ 30
    (date(2026, 5, 4), "organisation", 90, "days", 30, 120),  # QĐ 21: tổ chức cũng vậy
]
# fmt: on


@pytest.mark.parametrize(("starts", "subject", "days", "unit", "ext", "cap"), SUSPENSIONS)
def test_suspension(starts, subject, days, unit, ext, cap):
    got = suspension(starts, subject=subject)
    assert (got.days, got.unit, got.extension_days, got.cap) == (days, unit, ext, cap)


def test_suspensions_started_in_2025_and_in_may_2026_get_different_caps():
    in_2025, in_2026 = date(2025, 10, 1), date(2026, 5, 4)
    assert suspension_ends(in_2025, extended=False) == date(2025, 12, 30)  # 90 ngày
    assert suspension_ends(in_2025, extended=True) == date(
        2026, 3, 30
    )  # 180 ngày (QĐ 22, mang sang)
    assert suspension_ends(in_2026, extended=False) == date(2026, 8, 2)  # 90 ngày
    assert suspension_ends(in_2026, extended=True) == date(2026, 9, 1)  # 120 ngày (QĐ 21)
    # a 2025 suspension still running after 11/4/2026 keeps the cap of its start
    assert suspension_ends(date(2026, 4, 10), extended=True) == date(2026, 10, 7)


def test_an_office_correction_of_a_row_to_check_applies():
    row = RuleRow.objects.get(family="discipline_appeal", starts_on=date(2026, 4, 11))
    value = {"length": 30, "unit": "working_days", "start": "announcement"}
    rule_override(row, value=value, starts_on=date(2026, 6, 1), source="12-HD/TU", note="Theo tỉnh")
    bloc = OrgUnit.objects.get(code="HA.DBK")  # the unit the override was made for
    assert appeal_window(date(2026, 5, 31), unit=bloc).unit == "days"
    after = appeal_window(date(2026, 6, 1), unit=bloc)
    assert after.unit == "working_days" and "12-HD/TU" in after.citation
    assert appeal_window(date(2026, 6, 1)).unit == "days"  # no unit: the pack's value


def test_add_months_clamps_to_the_month_end():
    assert add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert add_months(date(2024, 11, 30), 3) == date(2025, 2, 28)
