"""Slowing down a user who probes for records by typing codes or citizen IDs.

Every look-up of typed codes or IDs that answers "not found" (the code exists nowhere, or outside
the user's scope or clearance: one answer for both) is noted with `note_refused()`. A user with
more than `LIMIT` refused codes or IDs within `WINDOW` gets no more look-ups until the window has
moved on (`check()` refuses with THROTTLED), and the moment the limit is crossed is an audit event
(`audit.lookup.throttled`) with the counts, never the values typed."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from ktgs.audit.models import LookupRefusal
from ktgs.audit.services import record

LIMIT = 20
MINUTES = 10
WINDOW = timedelta(minutes=MINUTES)
THROTTLED = (
    f"Đồng chí đã nhập hơn {LIMIT} mã hoặc số không có trong phạm vi của mình trong {MINUTES} "
    "phút gần đây, nên việc tra cứu theo mã tạm dừng. Hãy kiểm tra lại danh sách mã rồi thử lại "
    "sau ít phút."
)


def refused_recently(user_id: int | None) -> int:
    """Codes and IDs refused to this user within the window."""
    if not user_id:
        return 0
    since = timezone.now() - WINDOW
    total = LookupRefusal.objects.filter(user_id=user_id, at__gt=since).aggregate(n=Sum("count"))
    return total["n"] or 0


def throttled(user_id: int | None) -> bool:
    """Is the user over the limit (look-ups paused)?"""
    return refused_recently(user_id) > LIMIT


def check(user_id: int | None, field: str | None = None) -> None:
    """Refuse the look-up (ValidationError, on `field` when given) while the user is over the
    limit."""
    if throttled(user_id):
        raise ValidationError({field: THROTTLED} if field else THROTTLED, code="throttled")


def note_refused(user_id: int | None, kind: str, count: int, unit_id: int | None = None) -> None:
    """Note `count` refused codes or IDs of `kind`; audit the crossing of the limit (with the
    user's unit `unit_id`, so that its leaders find the event)."""
    if not user_id or count <= 0:
        return
    before = refused_recently(user_id)
    with transaction.atomic():
        LookupRefusal.objects.create(user_id=user_id, kind=kind, count=count)
        if before <= LIMIT < before + count:
            record(
                "audit.lookup.throttled",
                unit_id=unit_id,
                details={
                    "kind": kind,
                    "refused": before + count,
                    "limit": LIMIT,
                    "minutes": MINUTES,
                },
            )
