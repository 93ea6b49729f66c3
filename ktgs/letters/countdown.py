"""How long a letter has left: the countdown on its page (`_deadline.html`), the due / overdue
view (`due_views.py`) and `ktgs deadlines`.

- An ACCEPTED letter counts down to its stored due date (`Letter.due_on`, set by
  `deadlines.refresh_due`), in the day type of its rule row: "còn N ngày làm việc",
  "quá hạn N ngày làm việc" (working days from the rules calendar, Tết and holidays skipped).
- A REGISTERED letter (not yet routed) whose rule counts from RECEIPT is already on the clock:
  the countdown shows that limit computed from the received date (nothing stored). A rule that
  counts from the decision to resolve has not started: the page says so.
- A CONCLUDED letter says whether it was concluded within its time limit.
- Any other letter (not considered, forwarded, kept as information, an appeal, a repeat) has no
  time limit here: the page says why. A letter without a limit (kiến nghị; received before the
  pack's first letters row) says why too — never a made-up date.

The lists count in working days whatever the row's day type (the column heading says so), so
that a list needs no rule lookup per row.
"""

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from ktgs.letters import deadlines
from ktgs.letters.choices import LetterKind, LetterStatus
from ktgs.letters.models import Letter
from ktgs.rules import letters as rules
from ktgs.rules.calendar import add_working_days, working_days_between

DEFAULT_WITHIN = 7  # working days: "sắp đến hạn" in the due view and `ktgs deadlines`

OVERDUE, DUE_SOON, RUNNING, STOPPED, NONE, NOT_STARTED, CONCLUDED = (
    "overdue",
    "due_soon",
    "running",
    "stopped",
    "none",
    "not_started",
    "concluded",
)


@dataclass(frozen=True)
class Countdown:
    state: str  # OVERDUE, DUE_SOON, RUNNING, NOT_STARTED, CONCLUDED, NONE
    text: str  # "còn 12 ngày làm việc", "quá hạn 3 ngày", "không tính thời hạn (…)"
    due: date | None = None
    citation: str = ""
    note: str = ""  # what the limit counts from, or why there is none


def days_between(start: date, end: date, day_type: str) -> int:
    """Days after `start` up to `end` in the day type ("working" | "calendar"); a past `end`
    is at least one day late (a weekend after a Friday due date is late by no working day yet,
    but late)."""
    days = working_days_between(start, end) if day_type == "working" else (end - start).days
    return min(days, -1) if end < start else days


def phrase(days: int, unit_name: str) -> str:
    """ "còn N …" (N ≥ 0 days left) or "quá hạn N …"."""
    if days >= 0:
        return f"còn {days} {unit_name}" if days else f"hết hạn hôm nay (còn 0 {unit_name})"
    return f"quá hạn {-days} {unit_name}"


def _state(days: int, today: date, due: date, within: int) -> str:
    if days < 0:
        return OVERDUE
    return DUE_SOON if due <= add_working_days(today, within) else RUNNING


def _no_limit_reason(letter: Letter) -> str:
    if letter.received_on < rules.FIRST_ROW_ON:
        return rules.not_computed_warning()
    if letter.kind == LetterKind.PETITION:
        return "đơn kiến nghị, phản ánh: quy định không đặt thời hạn giải quyết"
    return "bộ quy tắc không có thời hạn cho loại đơn này vào ngày nhận đơn"


def countdown(
    letter: Letter, today: date | None = None, within: int = DEFAULT_WITHIN
) -> Countdown | None:
    """The letter's countdown, or None when the page should show nothing (not reached)."""
    today = today or timezone.localdate()
    status = letter.status
    if status in (LetterStatus.ACCEPTED, LetterStatus.CONCLUDED, LetterStatus.REGISTERED):
        limit = rules.time_limit(
            letter.kind, letter.received_on, deadlines.level_of(letter), unit=letter.body.unit
        )
        if limit is None:
            return Countdown(NONE, "không tính thời hạn", note=_no_limit_reason(letter))
    if status == LetterStatus.CONCLUDED:
        if not letter.due_on or not letter.concluded_on:
            return Countdown(CONCLUDED, "đã kết luận", citation=letter.limit_citation)
        late = -days_between(letter.concluded_on, letter.due_on, limit.day_type)
        text = "kết luận trong thời hạn" if late <= 0 else f"kết luận chậm {late} {limit.unit_name}"
        return Countdown(CONCLUDED, text, letter.due_on, letter.limit_citation)
    if status == LetterStatus.ACCEPTED:
        if letter.due_on is None:
            return Countdown(
                NOT_STARTED,
                "chưa tính được hạn",
                citation=limit.citation,
                note="thời hạn tính từ ngày quyết định giải quyết (thành lập tổ, đoàn); "
                "chưa ghi ngày đó",
            )
        days = days_between(today, letter.due_on, limit.day_type)
        return Countdown(
            _state(days, today, letter.due_on, within),
            phrase(days, limit.unit_name),
            letter.due_on,
            letter.limit_citation or limit.citation,
            _counts_from(limit),
        )
    if status == LetterStatus.REGISTERED:
        if limit.counts_from != "receipt":
            return Countdown(
                NOT_STARTED,
                "chưa bắt đầu tính thời hạn",
                citation=limit.citation,
                note=f"{limit.days} {limit.unit_name} {_counts_from(limit)}",
            )
        deadline = rules.resolution_deadline(
            letter.kind, letter.received_on, deadlines.level_of(letter), unit=letter.body.unit
        )
        days = days_between(today, deadline.due, limit.day_type)
        return Countdown(
            _state(days, today, deadline.due, within),
            phrase(days, limit.unit_name),
            deadline.due,
            limit.citation,
            f"{limit.days} {limit.unit_name} {_counts_from(limit)}; đơn chưa được phân loại, xử lý",
        )
    return Countdown(
        STOPPED, "không tính thời hạn", note=f"đơn {letter.get_status_display().lower()}"
    )


def _counts_from(limit: rules.TimeLimit) -> str:
    if limit.counts_from == "receipt":
        return "kể từ ngày nhận đơn (ngày nhận không tính)"
    return "kể từ ngày quyết định giải quyết, thành lập tổ, đoàn (ngày đó không tính)"


# --- lists: letters ACCEPTED and due within N working days, or late --------------------------


@dataclass
class DueRow:
    letter: Letter
    days: int  # working days left (negative: late)

    @property
    def late(self) -> int:
        return -self.days


def due_until(today: date, within: int) -> date:
    return add_working_days(today, within)


def due_rows(rows, today: date, within: int) -> tuple[list[DueRow], list[DueRow]]:
    """(overdue, due soon) of `rows` (letters ACCEPTED, due_on ≤ today + within working days,
    ordered by due_on), each with its working days left. One corrections query per distinct
    due date at most (letters fall due on few dates)."""
    left: dict[date, int] = {}
    late, soon = [], []
    for letter in rows:
        if letter.due_on not in left:
            left[letter.due_on] = days_between(today, letter.due_on, "working")
        row = DueRow(letter, left[letter.due_on])
        (late if letter.due_on < today else soon).append(row)
    return late, soon


def due_query(rows, today: date, within: int):
    """`rows` narrowed to the letters whose time limit runs (ACCEPTED) and falls due within
    `within` working days of `today`, or is past: one query on the (status, due_on) index."""
    return rows.filter(
        status=LetterStatus.ACCEPTED, due_on__isnull=False, due_on__lte=due_until(today, within)
    ).order_by("due_on", "body_id", "year", "number")
