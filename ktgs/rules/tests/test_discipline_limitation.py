"""Violations without a limitation period and the restart by a new violation, per subject kind
and regime. Expected values are typed from the regulations (citation beside each), never read
back from the pack:

* QĐ 102-QĐ/TW (15/11/2017), Điều 3, khoản 2 (members): "Không áp dụng thời hiệu … đối với
  những hành vi vi phạm đến mức phải kỷ luật bằng hình thức khai trừ; vi phạm về chính trị nội
  bộ; về an ninh, quốc phòng, đối ngoại có xâm hại đến lợi ích quốc gia và việc sử dụng văn bằng,
  chứng chỉ, chứng nhận không hợp pháp". Khoản 1 điểm b: "Nếu trong thời hạn xử lý kỷ luật …
  đảng viên có hành vi vi phạm mới thì thời hiệu xử lý kỷ luật đối với vi phạm cũ được tính lại
  kể từ thời điểm thực hiện hành vi vi phạm mới."
* QĐ 07-QĐi/TW (28/8/2018), Điều 5 (organisations): 5 years khiển trách, 10 cảnh cáo; the same
  restart; no limitation for giải tán, "chính trị nội bộ; về an ninh, quốc phòng, đối ngoại xâm
  hại đến lợi ích quốc gia" — no diplomas item.
* QĐ 69-QĐ/TW (6/7/2022), Điều 4: the same lists (khoản 2 điểm b for members, diplomas included;
  organisations without diplomas); the restart (domain-rules.md §5.6 "Reset").
* QĐ 212-QĐ/TW (17/8/2026): not found; carried from QĐ 69, to be checked.
"""

from datetime import date

import pytest

from ktgs.rules.discipline import limitation_count, limitation_scope
from ktgs.rules.lookup import RuleNotInForce

pytestmark = pytest.mark.django_db

POLITICS, DEFENCE, DIPLOMAS = "internal_politics", "defence_security_foreign", "illegal_diplomas"
ORDINARY = ("finance_assets", "political_quality", "democratic_centralism", "other")

# (subject, a day in the regime, category, without limitation?, citation, status)
# fmt: off
NO_LIMITATION = [
    # QĐ 102-QĐ/TW, Điều 3, khoản 2 (members)
    ("full", date(2019, 1, 1), POLITICS, True, "102-QĐ/TW, Điều 3", "confirmed"),
    ("full", date(2019, 1, 1), DEFENCE, True, "102-QĐ/TW, Điều 3", "confirmed"),
    ("probationary", date(2019, 1, 1), DIPLOMAS, True, "102-QĐ/TW, Điều 3", "confirmed"),
    # QĐ 07-QĐi/TW, Điều 5 (organisations: no diplomas item)
    ("organisation", date(2019, 1, 1), POLITICS, True, "07-QĐi/TW, Điều 5", "confirmed"),
    ("organisation", date(2019, 1, 1), DEFENCE, True, "07-QĐi/TW, Điều 5", "confirmed"),
    ("organisation", date(2019, 1, 1), DIPLOMAS, False, "07-QĐi/TW, Điều 5", "confirmed"),
    # QĐ 69-QĐ/TW, Điều 4, khoản 2 điểm b (members); Điều 4 (organisations)
    ("full", date(2024, 1, 1), POLITICS, True, "69-QĐ/TW, Điều 4", "confirmed"),
    ("full", date(2024, 1, 1), DEFENCE, True, "69-QĐ/TW, Điều 4", "confirmed"),
    ("full", date(2024, 1, 1), DIPLOMAS, True, "69-QĐ/TW, Điều 4, khoản 2", "confirmed"),
    ("organisation", date(2024, 1, 1), POLITICS, True, "69-QĐ/TW, Điều 4", "confirmed"),
    ("organisation", date(2024, 1, 1), DEFENCE, True, "69-QĐ/TW, Điều 4", "confirmed"),
    ("organisation", date(2024, 1, 1), DIPLOMAS, False, "69-QĐ/TW, Điều 4", "confirmed"),
    # QĐ 212-QĐ/TW: list not found, carried from QĐ 69 (to be checked)
    ("full", date(2026, 9, 1), POLITICS, True, "212-QĐ/TW", "to_check"),
    ("full", date(2026, 9, 1), DEFENCE, True, "212-QĐ/TW", "to_check"),
    ("full", date(2026, 9, 1), DIPLOMAS, True, "212-QĐ/TW", "to_check"),
    ("organisation", date(2026, 9, 1), POLITICS, True, "212-QĐ/TW", "to_check"),
    ("organisation", date(2026, 9, 1), DEFENCE, True, "212-QĐ/TW", "to_check"),
    ("organisation", date(2026, 9, 1), DIPLOMAS, False, "212-QĐ/TW", "to_check"),
]
# fmt: on


@pytest.mark.parametrize(("subject", "on", "category", "none", "cited", "status"), NO_LIMITATION)
def test_categories_without_limitation(subject, on, category, none, cited, status):
    scope = limitation_scope(subject, on)
    assert (category in scope.no_limitation) == none
    assert cited in scope.citation and scope.status == status
    assert scope.restart  # every regime restarts the count on a new violation


@pytest.mark.parametrize("on", [date(2019, 1, 1), date(2024, 1, 1), date(2026, 9, 1)])
@pytest.mark.parametrize("subject", ["full", "organisation"])
@pytest.mark.parametrize("category", ORDINARY)
def test_other_categories_keep_the_limitation(subject, on, category):
    assert category not in limitation_scope(subject, on).no_limitation


def test_the_scope_starts_with_qd_102_for_members_and_qd_07_for_organisations():
    with pytest.raises(RuleNotInForce, match="không áp dụng thời hiệu"):
        limitation_scope("full", date(2017, 11, 14))  # before QĐ 102-QĐ/TW
    assert "102-QĐ/TW" in limitation_scope("full", date(2017, 11, 15)).citation
    with pytest.raises(RuleNotInForce):
        limitation_scope("organisation", date(2018, 8, 27))  # before QĐ 07-QĐi/TW
    assert "07-QĐi/TW" in limitation_scope("organisation", date(2018, 8, 28)).citation


def test_a_category_without_limitation_has_no_end_whatever_the_form():
    # QĐ 69 Đ.4 k.2 b: văn bằng không hợp pháp — even for khiển trách (otherwise 5 years)
    count = limitation_count(
        date(2005, 1, 1), "reprimand", date(2024, 1, 1), subject="full", category=DIPLOMAS
    )
    assert count.ends is None and count.why_none == "category"
    assert "69-QĐ/TW, Điều 4, khoản 2" in count.citations
    # an organisation: the diplomas item does not apply (QĐ 69 Đ.4), 5 years from the end
    org = limitation_count(
        date(2019, 3, 15), "reprimand", date(2024, 1, 1), subject="organisation", category=DIPLOMAS
    )
    assert org.ends == date(2024, 3, 15) and org.why_none == ""
    # khai trừ: no limitation because of the form (QĐ 69 Đ.4 k.2 b)
    expel = limitation_count(date(2005, 1, 1), "expulsion", date(2024, 1, 1), subject="full")
    assert expel.ends is None and expel.why_none == "form"


# Restart (QĐ 102 Đ.3 k.1 b; QĐ 07 Đ.5; QĐ 69 Đ.4): (subject, form, violation end, later
# violations, pauses, conclusion date) -> (counted from, last day).
# fmt: off
RESTART = [
    # khiển trách 5 years: 01/03/2015 -> 01/03/2020; a new one 10/05/2019 within it -> 10/05/2024
    ("full", "reprimand", date(2015, 3, 1), [date(2019, 5, 10)], [], date(2024, 4, 1),
     date(2019, 5, 10), date(2024, 5, 10)),
    # the new violation after the period ran out (01/03/2020) restarts nothing
    ("full", "reprimand", date(2015, 3, 1), [date(2021, 1, 1)], [], date(2024, 4, 1),
     date(2015, 3, 1), date(2020, 3, 1)),
    # a chain: 10/01/2016 -> 01/12/2020 (within 10/01/2021) -> 01/06/2025 (within 01/12/2025)
    ("full", "reprimand", date(2016, 1, 10), [date(2020, 12, 1), date(2025, 6, 1)], [],
     date(2026, 1, 1), date(2025, 6, 1), date(2030, 6, 1)),
    # a violation after the conclusion does not count
    ("full", "reprimand", date(2015, 3, 1), [date(2019, 5, 10)], [], date(2019, 5, 1),
     date(2015, 3, 1), date(2020, 3, 1)),
    # the same day as the end, or earlier, is not a new violation
    ("full", "warning", date(2015, 3, 1), [date(2015, 3, 1), date(2014, 1, 1)], [],
     date(2024, 1, 1), date(2015, 3, 1), date(2025, 3, 1)),
    # cảnh cáo 10 years (QĐ 102 Đ.3 k.1 a): 01/03/2009 -> 01/03/2019; new 28/02/2019 -> 2029
    ("full", "warning", date(2009, 3, 1), [date(2019, 2, 28)], [], date(2020, 1, 1),
     date(2019, 2, 28), date(2029, 2, 28)),
    # an organisation (QĐ 07-QĐi/TW Đ.5): 01/01/2013 -> 01/01/2018; new 01/06/2017 -> 2022
    ("organisation", "reprimand", date(2013, 1, 1), [date(2017, 6, 1)], [], date(2020, 1, 1),
     date(2017, 6, 1), date(2022, 6, 1)),
    # pauses (HD 05-HD/UBKTTW: chưa xem xét, tố tụng hình sự not counted), days inclusive:
    # 366 days in 2016 move 01/03/2020 to 02/03/2021
    ("full", "reprimand", date(2015, 3, 1), [], [(date(2016, 1, 1), date(2016, 12, 31))],
     date(2024, 1, 1), date(2015, 3, 1), date(2021, 3, 2)),
    # ... a pause before the restart no longer counts; one after it does (10 days)
    ("full", "reprimand", date(2015, 3, 1), [date(2019, 5, 10)],
     [(date(2016, 1, 1), date(2016, 12, 31)), (date(2020, 1, 1), date(2020, 1, 10))],
     date(2024, 4, 1), date(2019, 5, 10), date(2024, 5, 20)),
    # ... and a pause keeps the period open for a new violation after the plain end (01/03/2020)
    ("full", "reprimand", date(2015, 3, 1), [date(2021, 1, 15)],
     [(date(2016, 1, 1), date(2016, 12, 31))], date(2025, 1, 1), date(2021, 1, 15),
     date(2026, 1, 15)),
]
# fmt: on


@pytest.mark.parametrize(
    ("subject", "form", "end", "later", "pauses", "concluded", "counted_from", "last_day"),
    RESTART,
)
def test_a_new_violation_restarts_the_count(
    subject, form, end, later, pauses, concluded, counted_from, last_day
):
    count = limitation_count(
        end, form, concluded, subject=subject, later_starts=later, pauses=pauses
    )
    assert (count.counted_from, count.ends) == (counted_from, last_day)
    assert count.restarted == (counted_from != end)
    if count.restarted:  # the refusal cites the restart's rule too
        assert count.scope.citation in count.citations
