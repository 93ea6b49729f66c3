"""Appeals against discipline decisions (khiếu nại kỷ luật); suspensions are in suspensions.py.

Appeal window and its start event come from the rule in force on the filing date
(`rules.discipline.appeal_window`). The decision stays in force while the appeal is pending. An
outcome that changes the sanction records a new decision replacing the original (kept); one
that annuls it keeps the original marked by the appeal. An annulled or lightened expulsion
restores the membership from its original dates.
"""

from datetime import date
from types import SimpleNamespace

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ktgs.audit.services import record
from ktgs.core.choices import DisciplineForm
from ktgs.core.docnumber import DocumentNumber
from ktgs.core.validators import reject_control_chars
from ktgs.core.vietnamese import format_date, nfc
from ktgs.discipline.choices import AppealOutcome
from ktgs.discipline.decisions import competence_refusal
from ktgs.discipline.models import Appeal, Decision
from ktgs.inspections.services import is_history
from ktgs.orgs import counters
from ktgs.orgs.choices import BodyKind, Level, MembershipEnd
from ktgs.orgs.models import Body, Member, Membership
from ktgs.orgs.selectors import unit_contains_on
from ktgs.rules import discipline as rules
from ktgs.rules.lookup import RuleNotInForce

CHARTER_APPEAL = "Điều lệ Đảng, Điều 39"


def _text(value: str, label: str) -> str:
    return nfc(reject_control_chars(value or "", label, multiline=True)).strip()


def _start_day(decision: Decision, start: str) -> date | None:
    if start == "receipt":
        return decision.received_on
    return decision.announced_on or (decision.signed_on if start == "signing" else None)


@transaction.atomic
def appeal_file(
    decision: Decision,
    *,
    filed_on: date,
    resolver: Body,
    by_subject: bool = True,
    reason: str = "",
) -> Appeal:
    """Record an appeal; refused when it may not be resolved (filed by someone else, late, to a
    body that is not above the deciding one, against a decision already replaced)."""
    if decision.is_voided or decision.replaced_by.exists():
        raise ValidationError({"__all__": "Quyết định này đã được thay thế hoặc đã bị hủy."})
    if filed_on > timezone.localdate():
        raise ValidationError({"filed_on": "Ngày gửi khiếu nại chưa đến."})
    if filed_on < decision.signed_on:
        raise ValidationError({"filed_on": "Ngày gửi khiếu nại trước ngày ký quyết định."})
    if not by_subject:
        raise ValidationError(
            {
                "by_subject": "Chỉ đảng viên, tổ chức đảng bị kỷ luật mới được khiếu nại; khiếu "
                f"nại thay không được giải quyết — {CHARTER_APPEAL}."
            }
        )
    if decision.appeals.filter(outcome="").exists():
        raise ValidationError({"__all__": "Đang có một khiếu nại chưa giải quyết."})
    if decision.body.unit.kind.level == Level.CENTRAL and decision.body.kind == BodyKind.COMMITTEE:
        raise ValidationError(
            {
                "__all__": "Quyết định của Ban Chấp hành Trung ương là quyết định cuối cùng; "
                f"khiếu nại không được giải quyết — {CHARTER_APPEAL}."
            }
        )
    done = (
        decision.appeals.exclude(outcome="")
        .select_related("resolver__unit")
        .order_by("-resolved_on", "-pk")
        .first()
    )
    if done is not None and (
        resolver.unit_id == done.resolver.unit_id
        or not unit_contains_on(resolver.unit, done.resolver.unit, filed_on)
    ):
        raise ValidationError(
            {
                "resolver": f"Khiếu nại đã được {done.resolver.name} giải quyết ngày "
                f"{format_date(done.resolved_on)}; khiếu nại tiếp chỉ gửi cấp trên của cấp đã "
                f"giải quyết, không giải quyết lại ở cùng cấp — {CHARTER_APPEAL}."
            }
        )
    try:
        window = rules.appeal_window(filed_on, unit=resolver.unit)
    except RuleNotInForce as exc:
        raise ValidationError({"filed_on": exc.messages}) from exc
    start = _start_day(decision, window.start)
    if start is None:
        what = "ngày nhận quyết định" if window.start == "receipt" else "ngày công bố quyết định"
        raise ValidationError(
            {"filed_on": f"Cần ghi {what} để tính thời hạn khiếu nại ({window.citation})."}
        )
    deadline = rules.appeal_deadline(start, filed_on, unit=resolver.unit)
    if filed_on > deadline:
        unit = {"working_days": "ngày làm việc", "days": "ngày", "months": "tháng"}[window.unit]
        raise ValidationError(
            {
                "filed_on": f"Quá thời hạn khiếu nại: {window.length} {unit} kể từ "
                f"{format_date(start)}, hết ngày {format_date(deadline)} — {window.citation}."
            }
        )
    if not _above(resolver, decision.body, filed_on):
        raise ValidationError(
            {
                "resolver": f"Khiếu nại gửi tổ chức đảng cấp trên của {decision.body.name} (quyết "
                f"định của ủy ban kiểm tra: cấp ủy, ban thường vụ cùng cấp) — {CHARTER_APPEAL}; "
                f"{window.citation}."
            }
        )
    appeal = Appeal.objects.create(
        decision=decision, filed_on=filed_on, resolver=resolver, reason=_text(reason, "Nội dung")
    )
    record(
        "discipline.appeal.filed",
        target=decision,
        unit_id=resolver.unit_id,
        details={"filed_on": filed_on, "resolver": resolver.name, "deadline": deadline},
    )
    return appeal


@transaction.atomic
def appeal_resolve(
    appeal: Appeal,
    *,
    outcome: str,
    resolved_on: date,
    new_form: str = "",
    number: str = "",
    announced_on: date | None = None,
) -> Appeal:
    """Record the outcome. The end of effect of the decision left in force (upheld: the
    original; changed: the new one) counts from the announcement of the decision resolving the
    appeal (`announced_on`; provisional from `resolved_on` when not recorded)."""
    appeal = Appeal.objects.select_for_update().select_related("decision").get(pk=appeal.pk)
    if appeal.outcome:
        raise ValidationError({"outcome": "Khiếu nại này đã được giải quyết."})
    if outcome not in (AppealOutcome.UPHELD, AppealOutcome.CHANGED, AppealOutcome.ANNULLED):
        raise ValidationError({"outcome": "Chọn giữ nguyên, thay đổi hoặc xóa bỏ."})
    if resolved_on < appeal.filed_on or resolved_on > timezone.localdate():
        raise ValidationError(
            {"resolved_on": "Ngày giải quyết phải từ ngày gửi khiếu nại đến hôm nay."}
        )
    if announced_on is not None and not resolved_on <= announced_on <= timezone.localdate():
        raise ValidationError(
            {"announced_on": "Ngày công bố phải từ ngày giải quyết khiếu nại đến hôm nay."}
        )
    old = appeal.decision
    unit = appeal.resolver.unit
    if outcome == AppealOutcome.UPHELD:
        _restart_effect_clock(old, resolved_on, announced_on, unit)
    if outcome == AppealOutcome.CHANGED:
        if new_form not in DisciplineForm.values or new_form == old.form:
            raise ValidationError({"new_form": "Chọn hình thức kỷ luật mới, khác hình thức cũ."})
        allowed = rules.sanction_forms(old.subject_kind, resolved_on, unit=appeal.resolver.unit)
        if new_form not in allowed.forms:
            raise ValidationError(
                {"new_form": f"Hình thức này không áp dụng cho đối tượng — {allowed.citation}."}
            )
        warnings = _resolver_competence(appeal, new_form, resolved_on)
        ends = rules.effect_ends(
            resolved_on, new_form, resolved_on, announced_on=announced_on, unit=unit
        )
        bar = None
        if old.member_id:
            bar = rules.charter_bar(
                new_form,
                resolved_on,
                effective_on=resolved_on,
                announced_on=announced_on,
                unit=unit,
            )
        basis = [f"Giải quyết khiếu nại ngày {format_date(resolved_on)}", ends.citation]
        if bar is not None:
            basis.append(bar.citation)
        appeal.new_decision = Decision.objects.create(
            case=None,
            body=appeal.resolver,
            subject_unit=old.subject_unit,
            member=old.member,
            subject_name=old.subject_name,
            subject_kind=old.subject_kind,
            committee_unit=old.committee_unit,
            committee_level=old.committee_level,
            form=new_form,
            number=str(DocumentNumber(number)) if number else "",
            signed_on=resolved_on,
            announced_on=announced_on,
            effective_on=resolved_on,
            effect_ends_on=ends.day,
            effect_end_provisional=ends.provisional,
            not_electable_until=bar.until if bar else None,
            basis="; ".join(basis),
            replaces=old,
            warnings=warnings,
            secrecy=old.secrecy,
        )
    appeal.outcome, appeal.resolved_on = outcome, resolved_on
    appeal.save(update_fields=["outcome", "resolved_on", "new_decision"])
    lighter = outcome == AppealOutcome.ANNULLED or (
        outcome == AppealOutcome.CHANGED and new_form != DisciplineForm.EXPULSION
    )
    if old.form == DisciplineForm.EXPULSION and old.member_id and lighter:
        _restore_membership(old.member, old.effective_on)
    record(
        "discipline.appeal.resolved",
        target=old,
        unit_id=appeal.resolver.unit_id,
        details={
            "outcome": AppealOutcome(outcome).label,
            "form": DisciplineForm(new_form).label if new_form else "",
            "resolved_on": resolved_on,
        },
    )
    return appeal


def _restart_effect_clock(decision: Decision, resolved_on: date, announced_on, unit) -> None:
    """Upheld: the end of effect counts again from the announcement of the decision resolving
    the appeal (QĐ 69-QĐ/TW, Điều 2, khoản 5, and the regime's row)."""
    try:
        ends = rules.effect_ends(
            decision.effective_on,
            decision.form,
            decision.signed_on,
            announced_on=announced_on or resolved_on,
            unit=unit,
        )
    except RuleNotInForce:
        return  # history before the pack: the stored end stays
    if ends.day is None or ends.day <= (decision.effect_ends_on or ends.day):
        return
    decision.effect_ends_on = ends.day
    decision.effect_end_provisional = announced_on is None
    decision.save(update_fields=["effect_ends_on", "effect_end_provisional"])


def _resolver_competence(appeal: Appeal, form: str, day: date) -> str:
    """The resolver changes the form only where it may decide that form itself: the same check
    as a decision (decisions.competence_refusal). Before `in_use_since` a warning instead."""
    old = appeal.decision
    subject = old.case or SimpleNamespace(member_id=old.member_id, subject_unit=old.subject_unit)
    kinds = old.case.violations.values_list("kind", flat=True) if old.case else ()
    try:
        refusal = competence_refusal(appeal.resolver, subject, kinds, form, day)
    except RuleNotInForce as exc:
        refusal = exc.messages[0]
    if refusal and not is_history(day):
        raise ValidationError({"new_form": refusal})
    return refusal


def _restore_membership(member: Member, ended_on: date) -> None:
    """Reopen the membership an expulsion ended, from its original dates."""
    row = (
        Membership.objects.filter(
            member=member, ends_on=ended_on, end_reason=MembershipEnd.EXPELLED
        )
        .order_by("-starts_on")
        .first()
    )
    if row is None:
        return
    if Membership.objects.filter(member=member, starts_on__gte=ended_on).exists():
        raise ValidationError(
            {"outcome": "Đảng viên đã có quá trình sinh hoạt mới sau khi bị khai trừ; sửa tay."}
        )
    row.ends_on, row.end_reason, row.decision = None, "", ""
    row.save(update_fields=["ends_on", "end_reason", "decision"])
    member.current_unit_id = row.unit_id
    member.save(update_fields=["current_unit"])
    counters.refresh([row.unit.path])
    record(
        "orgs.member.membership_restored",
        target=member,
        unit_id=row.unit_id,
        details={"on": ended_on},
    )


def _above(resolver: Body, decider: Body, day: date) -> bool:
    """The resolver is a body of a unit above the deciding one, or — for a UBKT's decision —
    the committee or standing committee of the same unit."""
    if resolver.unit_id == decider.unit_id:
        return decider.kind == BodyKind.INSPECTION and resolver.kind in (
            BodyKind.COMMITTEE,
            BodyKind.STANDING,
        )
    return unit_contains_on(resolver.unit, decider.unit, day)
