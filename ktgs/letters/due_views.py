"""The due / overdue page (`/don-thu/han/`): the letters of the user's scope whose time limit
runs (ACCEPTED) and falls due within N working days (default `countdown.DEFAULT_WITHIN`, `?trong=N`
from 0 to 60), or is already past — split "quá hạn" / "sắp đến hạn", ordered by due date.

One indexed query (status, due_on) through the scoped selector; no filer field is read.
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from ktgs.audit.reads import record_reads
from ktgs.letters import countdown, selectors
from ktgs.letters.selectors import RECORDS_VIEW

MAX_WITHIN = 60


def _within(raw: str | None) -> tuple[int, str]:
    """(N, an error message or "") from `?trong=`."""
    if raw in (None, ""):
        return countdown.DEFAULT_WITHIN, ""
    if not raw.isdigit() or int(raw) > MAX_WITHIN:
        return countdown.DEFAULT_WITHIN, (
            f"«Trong» phải là số ngày làm việc từ 0 đến {MAX_WITHIN}; đang dùng "
            f"{countdown.DEFAULT_WITHIN} ngày."
        )
    return int(raw), ""


@require_GET
def letters_due(request):
    if not request.scope.may_anywhere(RECORDS_VIEW):
        raise PermissionDenied("Vai trò của đồng chí không xem sổ đơn thư.")
    within, error = _within(request.GET.get("trong"))
    today = timezone.localdate()
    rows = countdown.due_query(
        selectors.visible_letters(request.scope).select_related("body", "handler"), today, within
    )
    rows = list(rows[:1000])
    record_reads(rows, unit_id=lambda letter: letter.unit_id)
    late, soon = countdown.due_rows(rows, today, within)
    return render(
        request,
        "letters/due.html",
        {
            "late": late,
            "soon": soon,
            "within": within,
            "until": countdown.due_until(today, within),
            "today": today,
            "error": error,
            "max_within": MAX_WITHIN,
        },
    )
