"""Suspension of a member and of an organisation's activity: length, extension, cap and who may
suspend, per regime. Expected values typed from the sources (comment beside each row), never read
back from the pack."""

from datetime import date

import pytest

from ktgs.rules.discipline import suspension, suspension_competence, suspension_ends

pytestmark = pytest.mark.django_db

# fmt: off
ORGANISATION_LENGTH = [
    # starts on, days, unit, extension, cap — source
    (date(2013, 5, 1), 90, "days", 0, 90),   # not found for QĐ 46: carried back from QĐ 22 Đ.31
    (date(2019, 5, 1), 90, "days", 0, 90),   # not found for QĐ 30: carried back from QĐ 22 Đ.31
    (date(2024, 5, 1), 90, "days", 0, 90),   # QĐ 22 Đ.31: tổ chức đảng không quá 90 ngày
    (date(2025, 9, 1), 90, "days", 0, 90),   # QĐ 296 Chương VI: not found, carried from QĐ 22
    (date(2026, 5, 4), 90, "days", 30, 120), # QĐ 21 (QUIZ): 90 ngày, gia hạn 1 lần ≤ 30 ngày
]

# Who may suspend. The research quotes no text naming who suspends an organisation's activity
# (domain-rules-2026.md §2.8 "who decides: NOT FOUND"; domain-rules.md §7 names only the member
# rule of QĐ 22 Đ.29): the interim rule is the committee or standing committee of a unit above
# the organisation; for a member a committee, standing committee or UBKT of a unit containing the
# member's cell. Every such row is to be checked.
COMPETENCE = [
    # starts on, subject, bodies, min levels above, citation starts with
    (date(2013, 5, 1), "organisation", {"committee", "standing"}, 1, "QĐ 46-QĐ/TW"),
    (date(2019, 5, 1), "organisation", {"committee", "standing"}, 1, "QĐ 30-QĐ/TW, Điều 40"),
    (date(2024, 5, 1), "organisation", {"committee", "standing"}, 1, "QĐ 22-QĐ/TW, Điều 29"),
    (date(2025, 9, 1), "organisation", {"committee", "standing"}, 1, "QĐ 296-QĐ/TW, Chương VI"),
    (date(2026, 5, 4), "organisation", {"committee", "standing"}, 1, "QĐ 21-QĐ/TW"),
    (date(2024, 5, 1), "member", {"committee", "standing", "inspection"}, 0, "QĐ 22-QĐ/TW, Điều 29"),
    (date(2026, 5, 4), "member", {"committee", "standing", "inspection"}, 0, "QĐ 21-QĐ/TW"),
]
# fmt: on


@pytest.mark.parametrize(("starts", "days", "unit", "ext", "cap"), ORGANISATION_LENGTH)
def test_organisation_suspension_length(starts, days, unit, ext, cap):
    got = suspension(starts, subject="organisation")
    assert (got.days, got.unit, got.extension_days, got.cap) == (days, unit, ext, cap)


def test_an_organisation_suspended_under_qd_22_gets_no_extension_one_under_qd_21_does():
    assert suspension_ends(date(2024, 5, 1), True, subject="organisation") == date(2024, 7, 30)
    assert suspension_ends(date(2026, 5, 4), True, subject="organisation") == date(2026, 9, 1)


@pytest.mark.parametrize(("starts", "subject", "bodies", "levels", "cited"), COMPETENCE)
def test_who_may_suspend(starts, subject, bodies, levels, cited):
    got = suspension_competence(starts, subject=subject)
    assert (set(got.bodies), got.min_levels_above) == (bodies, levels)
    assert got.citation.startswith(cited)
    assert got.status == "to_check"
