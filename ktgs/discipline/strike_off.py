"""Xóa tên (striking off) a probationary member found unfit: its own action, not a sanction.

The Charter (Điều lệ Đảng, Điều 5) lets the Party strike a probationary member off the list when
they are not fit to become a full member: the cell considers it and the committee above decides.
It ends the membership (`MembershipEnd.STRUCK_OFF`) and is audited; it is not a `Decision`, so it
does not count in discipline figures.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ktgs.audit.services import record
from ktgs.core.validators import reject_control_chars
from ktgs.core.vietnamese import format_date, nfc
from ktgs.orgs import services as orgs
from ktgs.orgs.choices import BodyKind, MembershipEnd, MemberStatus
from ktgs.orgs.models import Body, Member
from ktgs.orgs.selectors import member_cell_on as cell_on
from ktgs.orgs.selectors import unit_contains_on

CHARTER = "Điều lệ Đảng, Điều 5"
# The cell's own bodies (chi bộ, chi ủy) and the committee or standing committee of a unit above.
CELL_BODIES = (BodyKind.CELL_MEETING, BodyKind.COMMITTEE, BodyKind.STANDING)
ABOVE_BODIES = (BodyKind.COMMITTEE, BodyKind.STANDING)


def may_strike_off(body: Body, cell) -> bool:
    if body.unit_id == cell.pk:
        return body.kind in CELL_BODIES
    return body.kind in ABOVE_BODIES


@transaction.atomic
def strike_off(member: Member, *, body: Body, on: date, reason: str, number: str = "") -> Member:
    """Strike the probationary `member` off the list on `on` by `body` (the cell's body or the
    committee of the cell's unit or a unit above it that day)."""
    reason = nfc(reject_control_chars(reason or "", "Lý do", multiline=True)).strip()
    if not reason:
        raise ValidationError({"reason": "Cần ghi lý do xóa tên (không đủ tư cách đảng viên)."})
    if on > timezone.localdate():
        raise ValidationError({"on": "Ngày xóa tên chưa đến."})
    if member.status_on(on) != MemberStatus.PROBATIONARY:
        raise ValidationError(
            {
                "member": f"{member.full_name} không phải đảng viên dự bị vào ngày "
                f"{format_date(on)}: chỉ xóa tên đảng viên dự bị không đủ điều kiện công nhận "
                f"chính thức — {CHARTER}. Với đảng viên chính thức, dùng vụ việc kỷ luật."
            }
        )
    cell = cell_on(member, on)
    if cell is None:
        raise ValidationError(
            {"on": f"{member.full_name} không sinh hoạt đảng vào ngày {format_date(on)}."}
        )
    if not (may_strike_off(body, cell) and unit_contains_on(body.unit, cell, on)):
        raise ValidationError(
            {
                "body": f"{body.name} không được xóa tên đảng viên của {cell.name}: chi bộ, "
                f"hoặc cấp ủy của tổ chức đảng cấp trên có chi bộ đó — {CHARTER}."
            }
        )
    member = orgs.membership_end(
        member=member, on=on, reason=MembershipEnd.STRUCK_OFF, decision=number
    )
    record(
        "discipline.struck_off",
        target=member,
        unit_id=cell.pk,
        details={"on": on, "body": body.name, "reason": reason, "number": number, "basis": CHARTER},
    )
    return member
