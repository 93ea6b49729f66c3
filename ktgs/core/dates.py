"""Dates of what has happened: an admission, a founding, the start of a membership or a seat, a
decision signed. A date after today is refused (a member admitted "next month" vanishes from every
count until then). Planned dates (a planned end, a due date) do not go through here.

One rule for both ways in: the import's cell parser (`exchange.cells.day(past=True)`) and the
services (`reject_future(starts_on=..., admitted_on=...)`, keyed by field for the forms).
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone

from ktgs.core.vietnamese import format_date

FUTURE_FIX = "Chỉ ghi việc đã xảy ra: sửa lại ngày (không sau hôm nay)."


def future_message(day: date | None, today: date | None = None) -> str | None:
    """The Vietnamese problem when `day` is after today (Asia/Ho_Chi_Minh), else None."""
    today = today or timezone.localdate()
    if day is None or day <= today:
        return None
    return f"Ngày {format_date(day)} chưa đến (hôm nay là {format_date(today)})."


def reject_future(**days: date | None) -> None:
    """Raise a ValidationError keyed by field for every date after today; None is skipped."""
    today = timezone.localdate()
    errors = {}
    for field, day in days.items():
        message = future_message(day, today)
        if message:
            errors[field] = message
    if errors:
        raise ValidationError(errors)
