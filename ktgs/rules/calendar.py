"""Working days: Vietnamese public holidays from `holidays`, corrected by the office.

The `holidays` package (country VN) gives the public holidays, the substituted days off
("Day off (substituted from …)") and the make-up working Saturdays (`weekend_workdays`). An
office adds only what it lacks or gets wrong: a `CalendarCorrection` per day, either an extra
day off or an extra working day. A correction states what the day is, so it never counts twice:
an extra day off on a day the package already has off changes nothing.

Counting follows the rule for periods in days (Bộ luật Dân sự 2015, Điều 147): the day the
period starts from is not counted; "05 ngày làm việc kể từ ngày ký" ends on the 5th working day
after the signing day.
"""

from datetime import date, timedelta
from functools import lru_cache

import holidays

from ktgs.rules.choices import DayChange

MAX_SPAN_DAYS = 3660  # ten years: a guard against a runaway count


@lru_cache(maxsize=64)
def _package_year(year: int) -> tuple[frozenset[date], frozenset[date]]:
    """(days off, make-up working weekend days) of one year, from the package."""
    vn = holidays.VN(years=year)
    work = frozenset(d for d in vn.weekend_workdays if d.year == year)
    return frozenset(vn), work


def _package_is_working(d: date) -> bool:
    days_off, weekend_work = _package_year(d.year)
    if d in days_off:
        return False
    return d.weekday() < 5 or d in weekend_work


def _corrections(first: date, last: date) -> dict[date, str]:
    from ktgs.rules.models import CalendarCorrection

    rows = CalendarCorrection.objects.filter(day__range=(first, last))
    return dict(rows.values_list("day", "change"))


def _working(d: date, corrections: dict[date, str]) -> bool:
    change = corrections.get(d)
    if change == DayChange.DAY_OFF:
        return False
    if change == DayChange.WORKING_DAY:
        return True
    return _package_is_working(d)


def is_working_day(d: date) -> bool:
    return _working(d, _corrections(d, d))


def add_working_days(start: date, n: int) -> date:
    """The n-th working day after `start` (start itself not counted); `start` when n is 0.

    Negative n counts backwards (the n-th working day before `start`), e.g. for "amber from 5
    working days before the due date". One query for the office corrections of the whole span.
    """
    if n == 0:
        return start
    step = timedelta(days=1 if n > 0 else -1)
    span = timedelta(days=max(abs(n) * 3 + 60, 60))  # Tết and a long correction fit easily
    corrections: dict[date, str] | None = None
    loaded_to = start
    day, left = start, abs(n)
    while left:
        day += step
        if abs((day - start).days) > MAX_SPAN_DAYS:
            raise ValueError("Số ngày làm việc quá lớn.")
        if corrections is None or (day > loaded_to if n > 0 else day < loaded_to):
            loaded_to = day + (span if n > 0 else -span)
            corrections = {**(corrections or {}), **_corrections(*sorted((day, loaded_to)))}
        if _working(day, corrections):
            left -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """The working days after `start` up to and including `end` (0 when equal; negative, the
    working days after `end` up to `start`, when `end` is earlier): "còn N ngày làm việc" from
    `start` to a due date `end`. One query for the office corrections of the span."""
    if end == start:
        return 0
    sign, first, last = (1, start, end) if end > start else (-1, end, start)
    if (last - first).days > MAX_SPAN_DAYS:
        raise ValueError("Khoảng ngày quá lớn.")
    corrections = _corrections(first + timedelta(days=1), last)
    day, count = first, 0
    while day < last:
        day += timedelta(days=1)
        count += _working(day, corrections)
    return sign * count
