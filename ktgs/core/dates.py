"""Dates of what has happened: an admission, a founding, the start of a membership or a seat, a
decision signed. A date after today is refused (a member admitted "next month" vanishes from every
count until then). Planned dates (a planned end, a due date) do not go through here.

One rule for both ways in: the import's cell parser (`exchange.cells.day(past=True)`) and the
services (`reject_future(starts_on=..., admitted_on=...)`, keyed by field for the forms).
"""

import time
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

from ktgs.core.vietnamese import format_date

FUTURE_FIX = "Chỉ ghi việc đã xảy ra: sửa lại ngày (không sau hôm nay)."
_today: tuple[float, date | None] = (0.0, None)  # (epoch second when that day ends, the day)


def today() -> date:
    """`timezone.localdate()`, kept until local midnight: the import's cell parser asks for
    every date cell (hundreds of thousands), and localdate() costs several microseconds."""
    global _today
    ends, day = _today
    if day is None or time.time() >= ends:
        local = timezone.localtime()
        day = local.date()
        midnight = datetime.combine(day + timedelta(days=1), datetime.min.time())
        _today = (midnight.replace(tzinfo=local.tzinfo).timestamp(), day)
    return day


def future_message(day: date | None, today_: date | None = None) -> str | None:
    """The Vietnamese problem when `day` is after today (Asia/Ho_Chi_Minh), else None."""
    today_ = today_ or today()
    if day is None or day <= today_:
        return None
    return f"Ngày {format_date(day)} chưa đến (hôm nay là {format_date(today_)})."


def reject_future(**days: date | None) -> None:
    """Raise a ValidationError keyed by field for every date after today; None is skipped."""
    now = timezone.localdate()
    errors = {}
    for field, day in days.items():
        message = future_message(day, now)
        if message:
            errors[field] = message
    if errors:
        raise ValidationError(errors)
