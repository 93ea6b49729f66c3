"""Suspensions (đình chỉ sinh hoạt đảng): start, extend once, the seats suspended with them.

The length, the extension and the cap come from the rule in force on the start date
(`rules.discipline.suspension`), read for the suspending body's unit (its office overrides).
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Coalesce
from django.utils import timezone

from ktgs.audit.services import record
from ktgs.core.models import Dated
from ktgs.core.validators import reject_control_chars
from ktgs.core.vietnamese import format_date, nfc
from ktgs.discipline.models import Suspension
from ktgs.orgs.choices import BodyKind
from ktgs.orgs.models import Body, CommitteeSeat, Member
from ktgs.orgs.selectors import member_cell_on as cell_on
from ktgs.orgs.selectors import unit_contains_on
from ktgs.rules import discipline as rules
from ktgs.rules.lookup import RuleNotInForce


def _text(value: str, label: str) -> str:
    return nfc(reject_control_chars(value or "", label, multiline=True)).strip()


# Who may suspend: the rule pack has no competence row for suspension yet (docs/discipline.md);
# until it does, a committee, standing committee or UBKT of a unit containing the member's cell.
SUSPENDING_BODIES = (BodyKind.COMMITTEE, BodyKind.STANDING, BodyKind.INSPECTION)
SUSPENSION_COMPETENCE = (
    "cấp ủy, ban thường vụ cấp ủy, ủy ban kiểm tra của tổ chức đảng có chi bộ của đảng viên "
    "(tạm áp dụng, chưa có dòng thẩm quyền trong bộ quy tắc)"
)


def may_suspend(body: Body, member: Member, day: date) -> bool:
    cell = cell_on(member, day)
    return (
        cell is not None
        and body.kind in SUSPENDING_BODIES
        and unit_contains_on(body.unit, cell, day)
    )


def suspension_last_day(suspension: Suspension) -> date:
    """The last day of the suspension: the extended end when extended."""
    return suspension.extended_to or suspension.ends_on


def _overlapping(member: Member, first: date, last: date, exclude: int | None = None):
    rows = (
        Suspension.objects.annotate(last=Coalesce("extended_to", "ends_on"))
        .filter(member=member, starts_on__lte=last, last__gte=first)
        .order_by("starts_on")
    )
    return rows.exclude(pk=exclude) if exclude else rows


def suspended_seats(suspension: Suspension):
    """Committee seats the member held on the start date: their committee activity is suspended
    for the same period (shown, not written: the seats themselves are not changed)."""
    return (
        CommitteeSeat.objects.filter(Dated.q_on(suspension.starts_on), member=suspension.member)
        .select_related("body__unit")
        .order_by("body__unit__path", "body__kind")
    )


@transaction.atomic
def suspension_start(member: Member, *, body: Body, starts_on: date, reason: str) -> Suspension:
    reason = _text(reason, "Lý do")
    if not reason:
        raise ValidationError({"reason": "Cần ghi lý do đình chỉ."})
    if starts_on > timezone.localdate():
        raise ValidationError({"starts_on": "Ngày bắt đầu chưa đến."})
    try:
        rule = rules.suspension(starts_on, unit=body.unit)
    except RuleNotInForce as exc:
        raise ValidationError({"starts_on": exc.messages}) from exc
    if cell_on(member, starts_on) is None:
        raise ValidationError(
            {
                "starts_on": f"{member.full_name} không sinh hoạt đảng vào ngày "
                f"{format_date(starts_on)}; kiểm tra lại ngày bắt đầu."
            }
        )
    if not may_suspend(body, member, starts_on):
        raise ValidationError(
            {
                "body": f"{body.name} không được đình chỉ sinh hoạt đảng viên này — chỉ "
                f"{SUSPENSION_COMPETENCE}."
            }
        )
    ends_on = rules.suspension_ends(starts_on, False, unit=body.unit)
    clash = _overlapping(member, starts_on, ends_on).first()
    if clash is not None:
        raise ValidationError(
            {
                "starts_on": f"Trùng thời gian với đình chỉ từ {format_date(clash.starts_on)} "
                f"đến {format_date(clash.last)}; chọn ngày bắt đầu sau ngày đó."
            }
        )
    row = Suspension.objects.create(
        member=member,
        body=body,
        starts_on=starts_on,
        ends_on=ends_on,
        reason=reason,
        basis=rule.citation,
    )
    record(
        "discipline.suspension.started",
        target=member,
        unit_id=body.unit_id,
        details={"starts_on": starts_on, "ends_on": row.ends_on, "basis": rule.citation},
    )
    return row


def suspension_extension(suspension: Suspension) -> tuple[date | None, str]:
    """The end one extension would give (None when the regime allows none) and its citation —
    the regime in force at the suspension's start."""
    unit = suspension.body.unit  # the suspending body's: its office overrides apply
    rule = rules.suspension(suspension.starts_on, unit=unit)
    if not rule.extension_days:
        return None, rule.citation
    return rules.suspension_ends(suspension.starts_on, True, unit=unit), rule.citation


@transaction.atomic
def suspension_extend(suspension: Suspension, *, on: date | None = None) -> Suspension:
    """Extend to the longest the regime in force at the suspension's start allows. With `on`
    (the day the extension is decided) the suspension must still be running that day."""
    locked = Suspension.objects.select_for_update().get(pk=suspension.pk)
    if locked.extended_to:
        raise ValidationError({"__all__": "Đã gia hạn đình chỉ một lần."})
    if on is not None and not suspension.starts_on <= on <= suspension.ends_on:
        raise ValidationError(
            {
                "__all__": f"Chỉ gia hạn khi đình chỉ còn hiệu lực (từ "
                f"{format_date(suspension.starts_on)} đến {format_date(suspension.ends_on)})."
            }
        )
    extended_to, citation = suspension_extension(suspension)
    if extended_to is None:
        raise ValidationError({"__all__": f"Quy định không cho gia hạn — {citation}."})
    clash = _overlapping(
        suspension.member, suspension.ends_on, extended_to, exclude=suspension.pk
    ).first()
    if clash is not None:
        raise ValidationError(
            {
                "__all__": f"Gia hạn đến {format_date(extended_to)} sẽ trùng với đình chỉ từ "
                f"{format_date(clash.starts_on)}."
            }
        )
    suspension.extended_to = locked.extended_to = extended_to
    locked.save(update_fields=["extended_to"])
    record(
        "discipline.suspension.extended",
        target=suspension.member,
        unit_id=suspension.body.unit_id,
        details={"extended_to": suspension.extended_to, "basis": citation},
    )
    return suspension
