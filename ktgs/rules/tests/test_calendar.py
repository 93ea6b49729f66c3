"""Working days over Tết, a make-up Saturday and office corrections.

Expected dates typed from the government's holiday notices, not from the package:
Tết Ất Tỵ 2025: nghỉ từ 25/01 đến hết 02/02/2025; Tết Bính Ngọ 2026: từ 14/02 đến hết 22/02/2026;
30/4–1/5/2025: nghỉ từ 30/4 đến hết 04/5/2025, đi làm bù thứ Bảy 26/4/2025.
"""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from ktgs.audit.models import AuditEvent
from ktgs.rules.calendar import add_working_days, is_working_day
from ktgs.rules.choices import DayChange
from ktgs.rules.services import calendar_correction_set

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "start, n, expected",
    [
        (date(2025, 1, 24), 1, date(2025, 2, 3)),  # Tết 2025: Fri before → Mon after
        (date(2025, 1, 24), 5, date(2025, 2, 7)),
        (date(2025, 2, 3), -1, date(2025, 1, 24)),  # counting back over Tết
        (date(2026, 2, 13), 1, date(2026, 2, 23)),  # Tết 2026
        (date(2025, 4, 25), 1, date(2025, 4, 26)),  # make-up Saturday 26/4/2025 is a working day
        (date(2025, 4, 29), 1, date(2025, 5, 5)),  # 30/4–4/5/2025 off
        (date(2026, 11, 30), 5, date(2026, 12, 7)),  # an ordinary week: start not counted
        (date(2026, 11, 30), 0, date(2026, 11, 30)),
    ],
)
def test_add_working_days(start, n, expected):
    assert add_working_days(start, n) == expected


def test_is_working_day():
    assert not is_working_day(date(2025, 1, 29))  # mùng 1 Tết Ất Tỵ
    assert is_working_day(date(2025, 4, 26))  # make-up Saturday
    assert not is_working_day(date(2025, 5, 2))  # the day off it pays for
    assert not is_working_day(date(2026, 12, 5))  # an ordinary Saturday


def test_office_day_off_and_working_day():
    calendar_correction_set(date(2026, 12, 1), DayChange.DAY_OFF, basis="Thông báo 01-TB/VPTU")
    calendar_correction_set(date(2026, 12, 5), DayChange.WORKING_DAY, basis="Thông báo 01-TB/VPTU")
    assert not is_working_day(date(2026, 12, 1))
    assert is_working_day(date(2026, 12, 5))
    # Mon 30/11 + 5: Tue 1/12 off, Sat 5/12 worked → Wed 2, Thu 3, Fri 4, Sat 5, Mon 7
    assert add_working_days(date(2026, 11, 30), 5) == date(2026, 12, 7)
    assert add_working_days(date(2026, 11, 30), 4) == date(2026, 12, 5)
    event = AuditEvent.objects.filter(action="rules.calendar.corrected").latest("seq")
    assert event.details["day"] == "05/12/2026"


def test_a_day_off_the_package_has_never_counts_twice():
    before = add_working_days(date(2025, 1, 24), 1)
    calendar_correction_set(date(2025, 1, 29), DayChange.DAY_OFF, basis="Trùng mùng 1 Tết")
    assert add_working_days(date(2025, 1, 24), 1) == before == date(2025, 2, 3)


def test_correction_replaces_the_earlier_entry_for_its_day():
    calendar_correction_set(date(2026, 12, 1), DayChange.DAY_OFF, basis="Thông báo 01-TB/VPTU")
    calendar_correction_set(date(2026, 12, 1), DayChange.WORKING_DAY, basis="Thông báo 02-TB/VPTU")
    assert is_working_day(date(2026, 12, 1))


def test_correction_needs_a_basis():
    with pytest.raises(ValidationError) as err:
        calendar_correction_set(date(2026, 12, 1), DayChange.DAY_OFF, basis="  ")
    assert "basis" in err.value.message_dict


def test_long_count_loads_corrections_once(django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        add_working_days(date(2025, 1, 2), 200)
