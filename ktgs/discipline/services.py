"""Writes of discipline cases: open (also from an inspection's proposal or as a takeover),
record violations and pauses of the limitation count, record what the subject said, and the
date the competent body concluded that discipline is warranted.

Votes and decisions (competence, limitation, thresholds under the rules in force on the date
that selects each rule) are in `decisions.py`.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ktgs.audit.services import record
from ktgs.core.choices import DisciplineSubject, ViolationCategory, ViolationKind
from ktgs.core.concurrency import bump_version, check_version
from ktgs.core.models import TOP_SECRET, TOP_SECRET_REFUSED, Dated, Secrecy
from ktgs.core.validators import reject_control_chars
from ktgs.core.vietnamese import format_date, nfc
from ktgs.discipline.choices import CaseOrigin
from ktgs.discipline.models import DisciplineCase, LimitationPause, Violation
from ktgs.inspections.choices import ProposalStatus
from ktgs.inspections.models import DisciplineProposal
from ktgs.orgs.choices import MemberStatus
from ktgs.orgs.models import Body, ManagedBy, Member, OrgUnit
from ktgs.orgs.selectors import member_cell_on, unit_contains_on

REACH_SOURCE = "Điều lệ Đảng, Điều 36"


def _text(value: str, label: str, field: str, *, required: bool = False) -> str:
    value = nfc(reject_control_chars(value or "", label, multiline=True)).strip()
    if required and not value:
        raise ValidationError({field: f"Cần ghi {label.lower()}."})
    return value


def _not_future(day: date, field: str, label: str) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: f"{label} ({format_date(day)}) chưa đến."})


def member_subject_kind(member: Member, day: date) -> str:
    """Full or probationary on `day` (the sanction forms depend on it)."""
    status = member.status_on(day)
    if status is None:
        raise ValidationError(
            {"member": f"{member.full_name} chưa vào Đảng vào ngày {format_date(day)}."}
        )
    return (
        DisciplineSubject.FULL_MEMBER
        if status == MemberStatus.FULL
        else DisciplineSubject.PROBATIONARY
    )


def _member_cell(member: Member, day: date) -> OrgUnit:
    cell = member_cell_on(member, day)
    if cell is None:
        raise ValidationError(
            {
                "member": f"{member.full_name} ({member.code}) không sinh hoạt ở chi bộ nào vào "
                f"ngày {format_date(day)}."
            }
        )
    return cell


def _within_reach(body: Body, cell: OrgUnit, member: Member | None, day: date) -> bool:
    """The subject lies in the body's unit's subtree that day, or (a member) is managed by a
    body of that unit (cán bộ thuộc diện quản lý)."""
    if unit_contains_on(body.unit, cell, day):
        return True
    if member is None:
        return False
    return ManagedBy.objects.filter(Dated.q_on(day), member=member, body__unit=body.unit).exists()


@transaction.atomic
def case_open(
    *,
    body: Body,
    opened_on: date,
    member: Member | None = None,
    unit: OrgUnit | None = None,
    origin: str = CaseOrigin.OWN,
    proposal: DisciplineProposal | None = None,
    taken_over_from: DisciplineCase | None = None,
    secrecy: str = Secrecy.NORMAL,
) -> DisciplineCase:
    if (member is None) == (unit is None):
        raise ValidationError({"member": "Đối tượng là một đảng viên hoặc một tổ chức đảng."})
    if origin not in CaseOrigin.values:
        raise ValidationError({"origin": "Chọn nguồn của vụ việc."})
    if secrecy == TOP_SECRET:
        raise ValidationError({"secrecy": TOP_SECRET_REFUSED})
    _not_future(opened_on, "opened_on", "Ngày bắt đầu xem xét")
    if member is not None:
        cell = _member_cell(member, opened_on)
        kind = member_subject_kind(member, opened_on)
    else:
        cell, kind = unit, DisciplineSubject.ORGANISATION
    if not _within_reach(body, cell, member, opened_on):
        who = member.full_name if member else unit.name
        raise ValidationError(
            {
                "body": f"{who} không thuộc phạm vi {body.name} xem xét kỷ luật vào ngày "
                f"{format_date(opened_on)} (không thuộc tổ chức đảng cấp dưới, không thuộc diện "
                f"quản lý) — {REACH_SOURCE}."
            }
        )
    if origin == CaseOrigin.TAKEOVER:
        if taken_over_from is None:
            raise ValidationError({"origin": "Cấp trên xem xét lại thì ghi vụ việc của cấp dưới."})
        if not unit_contains_on(body.unit, taken_over_from.unit, opened_on) or (
            body.unit_id == taken_over_from.unit_id
        ):
            raise ValidationError(
                {"body": "Chỉ tổ chức đảng cấp trên mới xem xét lại vụ việc của cấp dưới."}
            )
    if proposal is not None:
        if proposal.status != ProposalStatus.OPEN:
            raise ValidationError({"proposal": "Đề nghị này đã được chuyển thành vụ việc."})
        origin = CaseOrigin.INSPECTION
    case = DisciplineCase.objects.create(
        subject_unit=cell,
        member=member,
        subject_kind=kind,
        body=body,
        unit=body.unit,
        origin=origin,
        proposal=proposal,
        taken_over_from=taken_over_from,
        opened_on=opened_on,
        secrecy=secrecy,
    )
    if proposal is not None:
        proposal.status = ProposalStatus.TAKEN_UP
        proposal.save(update_fields=["status"])
    record(
        "discipline.case.opened",
        target=case,
        unit_id=body.unit_id,
        details={
            "body": body.name,
            "subject": str(member.full_name if member else unit.name),
            "origin": CaseOrigin(origin).label,
            "on": opened_on,
        },
    )
    return case


def case_from_proposal(
    proposal: DisciplineProposal, *, body: Body, opened_on: date
) -> DisciplineCase:
    """Pick up the proposal an inspection's conclusion recorded."""
    subject = proposal.subject
    return case_open(
        body=body,
        opened_on=opened_on,
        member=subject.member,
        unit=None if subject.member_id else subject.unit,
        proposal=proposal,
        secrecy=proposal.inspection.secrecy,
    )


@transaction.atomic
def violation_add(
    case: DisciplineCase,
    *,
    description: str,
    kind: str,
    category: str,
    started_on: date,
    ended_on: date | None = None,
    continuing: bool = False,
    category_note: str = "",
) -> Violation:
    _check_open(case)
    description = _text(description, "Nội dung vi phạm", "description", required=True)
    if category not in ViolationCategory.values:
        raise ValidationError({"category": "Chọn nhóm vi phạm."})
    category_note = _text(category_note, "Ghi chú về nhóm vi phạm", "category_note")
    if kind not in ViolationKind.values:
        raise ValidationError({"kind": "Chọn loại vi phạm."})
    _not_future(started_on, "started_on", "Ngày bắt đầu vi phạm")
    if continuing and ended_on:
        raise ValidationError({"ended_on": "Vi phạm còn tiếp diễn thì để trống ngày kết thúc."})
    if not continuing and ended_on is None:
        raise ValidationError(
            {"ended_on": "Ghi ngày kết thúc vi phạm, hoặc đánh dấu «còn tiếp diễn»."}
        )
    if ended_on is not None:
        if ended_on < started_on:
            raise ValidationError({"ended_on": "Ngày kết thúc trước ngày bắt đầu vi phạm."})
        _not_future(ended_on, "ended_on", "Ngày kết thúc vi phạm")
    row = Violation.objects.create(
        case=case,
        description=description,
        kind=kind,
        category=category,
        category_note=category_note,
        started_on=started_on,
        ended_on=ended_on,
        continuing=continuing,
    )
    record(
        "discipline.violation.added",
        target=case,
        unit_id=case.unit_id,
        details={
            "description": description[:200],
            "kind": ViolationKind(kind).label,
            "category": ViolationCategory(category).label,
            "starts_on": started_on,
            "ends_on": ended_on,
        },
    )
    return row


@transaction.atomic
def pause_add(case: DisciplineCase, *, starts_on: date, ends_on: date, reason: str):
    """A period not counted in the limitation period (chưa xem xét; criminal proceedings)."""
    _check_open(case)
    reason = _text(reason, "Lý do", "reason", required=True)
    if ends_on < starts_on:
        raise ValidationError({"ends_on": "Ngày kết thúc trước ngày bắt đầu."})
    clash = case.pauses.filter(starts_on__lte=ends_on, ends_on__gte=starts_on).first()
    if clash is not None:
        raise ValidationError(
            {
                "starts_on": f"Trùng với khoảng {format_date(clash.starts_on)}–"
                f"{format_date(clash.ends_on)} đã ghi."
            }
        )
    row = LimitationPause.objects.create(
        case=case, starts_on=starts_on, ends_on=ends_on, reason=reason
    )
    record(
        "discipline.pause.added",
        target=case,
        unit_id=case.unit_id,
        details={"starts_on": starts_on, "ends_on": ends_on, "reason": reason},
    )
    return row


@transaction.atomic
def case_statements(
    case: DisciplineCase,
    *,
    self_criticism: str = "",
    reservations: str = "",
    aggravating: str = "",
    mitigating: str = "",
    warranted_on: date | None = None,
    version: int | None = None,
) -> DisciplineCase:
    """What the subject said, the circumstances, and the date the competent body concluded
    that discipline is warranted (it ends the limitation count). `version`: the one the form
    was opened at (a save after another user's is refused, `StaleEdit`, nothing written)."""
    stored = DisciplineCase.objects.select_for_update().get(pk=case.pk)
    check_version(stored, version)
    case.version = stored.version
    _check_open(case)
    if warranted_on is not None:
        _not_future(warranted_on, "warranted_on", "Ngày kết luận phải xử lý kỷ luật")
        if warranted_on < case.opened_on:
            raise ValidationError(
                {"warranted_on": "Ngày kết luận phải xử lý kỷ luật trước ngày bắt đầu xem xét."}
            )
    fields = ("self_criticism", "reservations", "aggravating", "mitigating", "warranted_on")
    before = {f: getattr(stored, f) for f in fields}
    case.warranted_on = warranted_on
    case.self_criticism = _text(self_criticism, "Tự kiểm điểm", "self_criticism")
    case.reservations = _text(reservations, "Ý kiến bảo lưu", "reservations")
    case.aggravating = _text(aggravating, "Tình tiết tăng nặng", "aggravating")
    case.mitigating = _text(mitigating, "Tình tiết giảm nhẹ", "mitigating")
    case.save(update_fields=list(before))
    changes = {f: [v, getattr(case, f)] for f, v in before.items() if v != getattr(case, f)}
    if changes:
        bump_version(case)
    record("discipline.case.updated", target=case, unit_id=case.unit_id, changes=changes)
    return case


def _check_open(case: DisciplineCase) -> None:
    if case.is_voided:
        raise ValidationError({"__all__": "Vụ việc này đã bị hủy."})
    if hasattr(case, "decision"):
        raise ValidationError({"__all__": "Vụ việc đã có quyết định kỷ luật."})
