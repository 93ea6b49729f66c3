"""The end of a sanction's effect and the Charter's bar after cách chức, per regime. Expected
values are typed from the regulation texts (citation beside each), never read from the pack.

QĐ 69-QĐ/TW, Điều 2, khoản 5: "Sau 12 tháng, kể từ ngày công bố quyết định kỷ luật hoặc quyết
định giải quyết khiếu nại kỷ luật (trừ quyết định kỷ luật khai trừ …, giải tán …), nếu tổ chức
đảng, đảng viên không khiếu nại, không tái phạm hoặc không có vi phạm mới đến mức phải kỷ luật
thì quyết định kỷ luật đương nhiên chấm dứt hiệu lực." QĐ 30-QĐ/TW, Điều 40, điểm 3.2 and
QĐ 22-QĐ/TW, Điều 16, khoản 10 use the same words. Điều lệ Đảng, Điều 40, khoản 3: "Đảng viên bị
kỷ luật cách chức, trong vòng một năm, kể từ ngày có quyết định, không được bầu vào cấp uỷ, không
được bổ nhiệm vào các chức vụ tương đương và cao hơn."
"""

from datetime import date

import pytest

from ktgs.rules.discipline import charter_bar, effect_ends

pytestmark = pytest.mark.django_db

# signed (selects the regime), effective, announced, form, end, provisional — source
EFFECT_END = [
    # QĐ 46-QĐ/TW period: no text found, QĐ 30's clock carried back (to be checked)
    (date(2014, 5, 5), date(2014, 5, 5), date(2014, 5, 9), "warning", date(2015, 5, 9), False),
    # QĐ 30-QĐ/TW, Điều 40, điểm 3.2: 12 tháng kể từ ngày công bố
    (date(2018, 3, 5), date(2018, 3, 5), date(2018, 3, 12), "reprimand", date(2019, 3, 12), False),
    # QĐ 22-QĐ/TW, Điều 16, khoản 10: kể từ ngày công bố
    (
        date(2021, 10, 4),
        date(2021, 10, 4),
        date(2021, 10, 11),
        "warning",
        date(2022, 10, 11),
        False,
    ),
    # QĐ 69-QĐ/TW, Điều 2, khoản 5: kể từ ngày công bố
    (date(2023, 3, 1), date(2023, 3, 1), date(2023, 3, 10), "removal", date(2024, 3, 10), False),
    # QĐ 21-QĐ/TW: a UBKT's decision takes effect on signing (12/5), announced later (20/5);
    # QĐ 69 Điều 2 khoản 5 counts from the announcement, not the effective date
    (date(2026, 5, 12), date(2026, 5, 12), date(2026, 5, 20), "warning", date(2027, 5, 20), False),
    # QĐ 212-QĐ/TW: 12 tháng (QUIZ); clock and conditions carried from QĐ 69 (to be checked)
    (date(2026, 9, 1), date(2026, 9, 1), date(2026, 9, 8), "reprimand", date(2027, 9, 8), False),
    # no announcement recorded: counted from the effective date, provisional («tạm tính»)
    (date(2023, 3, 1), date(2023, 3, 1), None, "warning", date(2024, 3, 1), True),
    # 29/2 + 12 months: the month has no 29th (QĐ 69: 12 tháng)
    (date(2024, 2, 20), date(2024, 2, 20), date(2024, 2, 29), "warning", date(2025, 2, 28), False),
    # QĐ 69, Điều 2, khoản 5: "trừ quyết định kỷ luật khai trừ … giải tán": no end
    (date(2023, 3, 1), date(2023, 3, 1), date(2023, 3, 10), "expulsion", None, False),
    (date(2023, 3, 1), date(2023, 3, 1), date(2023, 3, 10), "dissolution", None, False),
]


@pytest.mark.parametrize("signed,effective,announced,form,end,provisional", EFFECT_END)
def test_effect_ends_twelve_months_from_the_announcement(
    signed, effective, announced, form, end, provisional
):
    ends = effect_ends(effective, form, signed, announced_on=announced)
    assert ends.day == end
    assert ends.provisional is provisional


def test_the_later_regimes_are_to_be_checked_and_69_is_cited():
    assert effect_ends(date(2023, 3, 1), "warning", date(2023, 3, 1)).citation.endswith(
        "69-QĐ/TW, Điều 2, khoản 5"
    )
    assert effect_ends(date(2026, 9, 1), "warning", date(2026, 9, 1)).status == "to_check"


# form, signed, effective, announced, barred until (or None) — source
CHARTER_BAR = [
    # Điều lệ Đảng, Điều 40, khoản 3: một năm kể từ ngày có quyết định
    ("removal", date(2013, 4, 1), date(2013, 4, 1), date(2013, 4, 8), date(2014, 4, 1)),
    ("removal", date(2026, 6, 1), date(2026, 6, 1), date(2026, 6, 9), date(2027, 6, 1)),
    ("removal", date(2026, 9, 1), date(2026, 9, 1), None, date(2027, 9, 1)),
    # QĐ 30-QĐ/TW, Điều 40: "trong vòng một năm kể từ ngày công bố quyết định"
    ("removal", date(2018, 3, 5), date(2018, 3, 5), date(2018, 3, 12), date(2019, 3, 12)),
    # the Charter bars only cách chức (khiển trách, cảnh cáo: still electable)
    ("reprimand", date(2026, 6, 1), date(2026, 6, 1), date(2026, 6, 9), None),
    ("warning", date(2026, 6, 1), date(2026, 6, 1), date(2026, 6, 9), None),
]


@pytest.mark.parametrize("form,signed,effective,announced,until", CHARTER_BAR)
def test_one_year_bar_after_removal(form, signed, effective, announced, until):
    bar = charter_bar(form, signed, effective_on=effective, announced_on=announced)
    assert (bar.until if bar else None) == until


def test_the_charter_bar_cites_article_40():
    bar = charter_bar("removal", date(2026, 6, 1), effective_on=date(2026, 6, 1))
    assert bar.citation == "Điều lệ Đảng, Điều 40, khoản 3"
