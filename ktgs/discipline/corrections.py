"""Corrections of data-entry errors in a discipline case, a vote and a decision (docs/discipline.md,
«Sửa lỗi nhập liệu»).

Each correction re-runs, on the corrected values, the checks the first write ran (reach on the
opening date; vote counts, denominator and threshold; the decision's sanction forms, competence,
limitation, effective date and end of effect by the signing date); it carries the record's
version (the case's for the case, its violations and votes; the decision's own), needs a reason,
and records one audit event "….corrected" with the part, each changed field before and after,
the reason and what depends on the record (an appeal). A refusal writes nothing.

A signed decision's form, deciding body and subject are not typing errors: only the competent
body changes them, through an appeal (`appeals.py`) — the correction page refuses them.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ktgs.audit.services import record
from ktgs.core.choices import DisciplineForm
from ktgs.core.concurrency import bump_version, check_version
from ktgs.core.docnumber import DocumentNumber
from ktgs.core.validators import reject_control_chars
from ktgs.core.vietnamese import format_date, nfc
from ktgs.discipline import decisions as checks
from ktgs.discipline.choices import VoteRole
from ktgs.discipline.models import Decision, DisciplineCase, Violation, Vote
from ktgs.discipline.services import _member_cell, _within_reach, member_subject_kind
from ktgs.inspections.services import is_history
from ktgs.rules import discipline as rules
from ktgs.rules.lookup import RuleNotInForce

REASON_REQUIRED = (
    "Ghi lý do sửa (ví dụ «nhập nhầm số quyết định»): lý do được lưu trong lịch sử sửa của hồ sơ."
)
NOTHING_CHANGED = (
    "Không ô nào khác với hồ sơ đang lưu: sửa ít nhất một ô, hoặc bấm Thôi để quay lại."
)
NOT_A_TYPO = (
    "{what} của quyết định kỷ luật đã ký không sửa được như một lỗi nhập liệu: chỉ cấp có "
    "thẩm quyền thay đổi, qua giải quyết khiếu nại (trang vụ việc, «Ghi khiếu nại») hoặc "
    "xem xét lại. Ở đây chỉ sửa số, ngày ký, ngày công bố, ngày nhận."
)


def correction_reason(reason: str) -> str:
    reason = nfc(reject_control_chars(reason or "", "Lý do sửa", multiline=True)).strip()
    if not reason:
        raise ValidationError({"reason": REASON_REQUIRED})
    return reason


def _not_future(day: date | None, field: str, label: str) -> None:
    if day and day > timezone.localdate():
        raise ValidationError({field: f"{label} ({format_date(day)}) chưa đến."})


def _changes(before: dict, after: dict) -> dict:
    changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    if not changes:
        raise ValidationError({"__all__": NOTHING_CHANGED})
    return changes


def _locked_case(case: DisciplineCase, version: int | None) -> DisciplineCase:
    row = (
        DisciplineCase.objects.select_for_update(of=("self",))
        .select_related("body__unit", "member", "subject_unit")
        .get(pk=case.pk)
    )
    check_version(row, version)
    if row.is_voided:
        raise ValidationError({"__all__": "Vụ việc này đã bị hủy."})
    return row


def _record_case(case: DisciplineCase, part: str, changes: dict, reason: str) -> None:
    bump_version(case)
    record(
        "discipline.case.corrected",
        target=case,
        unit_id=case.unit_id,
        changes=changes,
        details={"part": part, "reason": reason},
    )


def _decision_of(case: DisciplineCase) -> Decision | None:
    return Decision.objects.live().filter(case=case).select_related("body__unit").first()


# --- the case -------------------------------------------------------------------------------


@transaction.atomic
def case_correct(
    case: DisciplineCase, *, opened_on: date, reason: str, version: int | None = None
) -> DisciplineCase:
    """Correct the date the case was opened: the subject (a member's cell and standing that
    day) and the body's reach are read again; votes and the conclusion stay after it."""
    row = _locked_case(case, version)
    reason = correction_reason(reason)
    _not_future(opened_on, "opened_on", "Ngày bắt đầu xem xét")
    first_vote = row.votes.order_by("voted_on").first()
    if first_vote is not None and first_vote.voted_on < opened_on:
        raise ValidationError(
            {
                "opened_on": f"Đã có biểu quyết ngày {format_date(first_vote.voted_on)}, trước "
                "ngày bắt đầu xem xét mới; sửa ngày biểu quyết trước."
            }
        )
    if row.warranted_on and row.warranted_on < opened_on:
        raise ValidationError(
            {"opened_on": "Ngày kết luận phải xử lý kỷ luật đã ghi trước ngày bắt đầu xem xét mới."}
        )
    cell = _member_cell(row.member, opened_on) if row.member_id else row.subject_unit
    if not _within_reach(row.body, cell, row.member, opened_on):
        raise ValidationError(
            {
                "opened_on": f"Vào ngày {format_date(opened_on)}, đối tượng không thuộc phạm vi "
                f"{row.body.name} xem xét kỷ luật — Điều lệ Đảng, Điều 36."
            }
        )
    decided = _decision_of(row) is not None
    before = {"opened_on": row.opened_on, "subject_unit": row.subject_unit.name}
    row.opened_on = opened_on
    fields = ["opened_on"]
    if row.member_id and not decided:  # after a decision its kind is the signing date's
        row.subject_kind = member_subject_kind(row.member, opened_on)
        row.subject_unit = cell
        fields += ["subject_kind", "subject_unit"]
    changes = _changes(before, {"opened_on": opened_on, "subject_unit": row.subject_unit.name})
    _record_case(row, "Vụ việc", changes, reason)
    row.save(update_fields=fields)
    return row


@transaction.atomic
def violation_correct(
    violation: Violation, *, description: str, reason: str, version: int | None = None
) -> Violation:
    """Correct the wording of a violation (its kind and dates select rules: not here)."""
    row = _locked_case(violation.case, version)
    violation = Violation.objects.get(pk=violation.pk, case=row)
    reason = correction_reason(reason)
    text = nfc(reject_control_chars(description or "", "Nội dung vi phạm", multiline=True)).strip()
    if not text:
        raise ValidationError({"description": "Cần ghi nội dung vi phạm."})
    changes = _changes({"description": violation.description}, {"description": text})
    violation.description = text
    violation.save(update_fields=["description"])
    _record_case(row, "Vi phạm", changes, reason)
    return violation


# --- a vote ---------------------------------------------------------------------------------


@transaction.atomic
def vote_correct(
    vote: Vote,
    *,
    voted_on: date,
    counts: dict[str, int],
    reason: str,
    denominator: int | None = None,
    version: int | None = None,
) -> Vote:
    """Correct a vote's date, counts or denominator; the threshold is applied again. A vote
    behind a signed decision must still reach that decision's form (the form itself changes
    only through an appeal)."""
    row = _locked_case(vote.case, version)
    vote = Vote.objects.select_related("body__unit").get(pk=vote.pk, case=row)
    reason = correction_reason(reason)
    _not_future(voted_on, "voted_on", "Ngày biểu quyết")
    if voted_on < row.opened_on:
        raise ValidationError({"voted_on": "Ngày biểu quyết trước ngày bắt đầu xem xét."})
    counts = {f: int(n) for f, n in counts.items() if int(n or 0) > 0}
    if any(f not in DisciplineForm.values for f in counts):
        raise ValidationError({"counts": "Số phiếu theo hình thức không đúng."})
    body = vote.body
    denominator = denominator if denominator is not None else checks.denominator_of(body, voted_on)
    if denominator <= 0:
        raise ValidationError(
            {
                "denominator": f"{body.name} không có thành viên nào vào ngày {format_date(voted_on)}."
            }
        )
    if sum(counts.values()) > denominator:
        raise ValidationError(
            {
                "counts": f"Tổng số phiếu ({sum(counts.values())}) lớn hơn số thành viên "
                f"({denominator})."
            }
        )
    try:
        forms = rules.sanction_forms(row.subject_kind, voted_on, unit=body.unit).forms
    except RuleNotInForce as exc:
        raise ValidationError({"voted_on": exc.messages}) from exc
    outcome = checks.adopted_form(body, counts, denominator, voted_on, forms)
    decision = _decision_of(row)
    before = {
        "voted_on": vote.voted_on,
        "votes": vote.counts_text,
        "denominator": vote.denominator,
        "proposed_form": vote.get_proposed_form_display() if vote.proposed_form else "",
    }
    vote.voted_on, vote.counts, vote.denominator = voted_on, counts, denominator
    vote.proposed_form = outcome.form
    after = {
        "voted_on": voted_on,
        "votes": vote.counts_text,
        "denominator": denominator,
        "proposed_form": vote.get_proposed_form_display() if outcome.form else "",
    }
    changes = _changes(before, after)
    if decision is not None:
        _check_vote_behind(row, vote, decision)
    vote.save(update_fields=["voted_on", "counts", "denominator", "proposed_form"])
    if decision is not None and not is_history(decision.signed_on):
        try:  # the proposer's share, with the corrected counts (rolled back when refused)
            checks._check_proposer(row, decision.body, decision.form, decision.signed_on)
        except ValidationError as exc:
            raise ValidationError({"counts": exc.messages}) from exc
    _record_case(row, f"Biểu quyết {vote}", changes, f"{reason} ({outcome.explanation})")
    return vote


def _check_vote_behind(case: DisciplineCase, vote: Vote, decision: Decision) -> None:
    if vote.voted_on > decision.signed_on:
        raise ValidationError(
            {
                "voted_on": f"Quyết định đã ký ngày {format_date(decision.signed_on)}: ngày "
                "biểu quyết không sau ngày ký."
            }
        )
    deciding = vote.body_id == decision.body_id and vote.role == VoteRole.DECIDE
    if deciding and vote.proposed_form != decision.form and not is_history(decision.signed_on):
        reached = (
            DisciplineForm(vote.proposed_form).label.lower()
            if vote.proposed_form
            else ("không hình thức nào")
        )
        raise ValidationError(
            {
                "counts": f"Với số phiếu này, biểu quyết đạt tỷ lệ với {reached}, không phải "
                f"{decision.get_form_display().lower()} như quyết định đã ký. "
                + NOT_A_TYPO.format(what="Hình thức")
            }
        )


# --- the decision ---------------------------------------------------------------------------


def _decision_values(d: Decision) -> dict:
    return {
        "number": d.number,
        "signed_on": d.signed_on,
        "announced_on": d.announced_on,
        "received_on": d.received_on,
        "effective_on": d.effective_on,
        "effect_ends_on": d.effect_ends_on,
        "not_appointable_until": d.not_appointable_until,
        "not_electable_until": d.not_electable_until,
    }


def _refuse_substance(d: Decision, form, body, member) -> None:
    if form is not None and form != d.form:
        raise ValidationError({"form": NOT_A_TYPO.format(what="Hình thức kỷ luật")})
    if body is not None and body.pk != d.body_id:
        raise ValidationError({"__all__": NOT_A_TYPO.format(what="Cấp quyết định")})
    if member is not None and member.pk != d.member_id:
        raise ValidationError({"__all__": NOT_A_TYPO.format(what="Đối tượng")})


def _check_signed_on(case: DisciplineCase, d: Decision, signed_on: date) -> list[str]:
    """The decision checks on the corrected signing date; the problems kept as warnings for
    history (before the office used KTGS)."""
    history = is_history(signed_on)
    vote = case.votes.filter(body=d.body, role=VoteRole.DECIDE).order_by("-voted_on").first()
    if vote is not None and signed_on < vote.voted_on:
        raise ValidationError(
            {
                "signed_on": f"Ngày ký ({format_date(signed_on)}) trước ngày biểu quyết "
                f"({format_date(vote.voted_on)})."
            }
        )
    if case.member_id:
        case.subject_kind = member_subject_kind(case.member, signed_on)
    problems = checks._problems(case, d.body, d.form, signed_on)
    if problems and not history:
        raise ValidationError({"signed_on": problems})
    return problems


@transaction.atomic
def decision_correct(
    decision: Decision,
    *,
    number: str,
    signed_on: date,
    reason: str,
    announced_on: date | None = None,
    received_on: date | None = None,
    form: str | None = None,
    body=None,
    member=None,
    version: int | None = None,
) -> Decision:
    """Correct a signed decision's number and dates. The effective date, end of effect and bars
    are computed again from the corrected dates (a date typed on the form for the bar is kept);
    the limitation and competence are checked again on the signing date."""
    d = (
        Decision.objects.select_for_update(of=("self",))
        .select_related("body__unit", "case__member", "case__subject_unit")
        .get(pk=decision.pk)
    )
    check_version(d, version)
    reason = correction_reason(reason)
    if d.is_voided:
        raise ValidationError({"__all__": "Quyết định này đã bị hủy."})
    _refuse_substance(d, form, body, member)
    for field, day, label in (
        ("signed_on", signed_on, "Ngày ký"),
        ("announced_on", announced_on, "Ngày công bố"),
        ("received_on", received_on, "Ngày nhận"),
    ):
        _not_future(day, field, label)
    try:
        number = str(DocumentNumber(number)) if (number or "").strip() else ""
    except ValidationError as exc:
        raise ValidationError({"number": exc.messages}) from exc
    case = d.case
    problems = _check_signed_on(case, d, signed_on) if case is not None else []
    unit = d.body.unit
    try:
        effect = rules.takes_effect(
            d.body.kind, signed_on, signed_on=signed_on, announced_on=announced_on, unit=unit
        )
        ends = rules.effect_ends(
            effect.day, d.form, signed_on, announced_on=announced_on, unit=unit
        )
    except ValueError as exc:
        raise ValidationError({"announced_on": str(exc)}) from exc
    if d.form == DisciplineForm.EXPULSION and d.member_id and effect.day != d.effective_on:
        raise ValidationError(
            {
                "signed_on": "Quyết định khai trừ đã kết thúc sinh hoạt đảng của đảng viên từ "
                f"ngày có hiệu lực {format_date(d.effective_on)}: ngày có hiệu lực không sửa "
                "được ở đây; nếu ngày sai, đề nghị cấp có thẩm quyền xem xét lại."
            }
        )
    before = _decision_values(d)
    extra = [effect.basis, ends.basis]
    if d.member_id:
        typed = (
            d.not_appointable_until
            != rules.not_appointable_until(d.effective_on, d.form, d.signed_on, unit=unit)[0]
        )
        if not typed:
            d.not_appointable_until, after = rules.not_appointable_until(
                effect.day, d.form, signed_on, unit=unit
            )
            if after is not None and d.not_appointable_until is not None:
                extra.append(after)
        bar = rules.charter_bar(
            d.form, signed_on, effective_on=effect.day, announced_on=announced_on, unit=unit
        )
        d.not_electable_until = bar.until if bar else None
        if bar is not None:
            extra.append(bar.basis)
        seat = checks._top_committee_seat(case or d, signed_on)
        d.committee_unit = seat.body.unit if seat else None
        d.committee_level = seat.body.unit.kind.level if seat else ""
    d.number, d.signed_on, d.announced_on, d.received_on = (
        number,
        signed_on,
        announced_on,
        received_on,
    )
    d.effective_on, d.effect_ends_on = effect.day, ends.day
    d.effect_end_provisional = ends.provisional
    changes = _changes(before, _decision_values(d))
    if case is not None:
        d.basis = checks._basis_text(case, d.body, d.form, signed_on, extra)
        d.subject_kind = case.subject_kind
        d.warnings = "\n".join(problems)
    appeals = d.appeals.count()
    bump_version(d)
    d.save()
    details = {"part": "Quyết định", "reason": reason}
    if appeals:
        details["dependents"] = f"{appeals} khiếu nại đối với quyết định này"
    record(
        "discipline.decision.corrected",
        target=d,
        unit_id=d.body.unit_id,
        changes=changes,
        details=details,
    )
    return d


__all__ = [
    "case_correct",
    "correction_reason",
    "decision_correct",
    "violation_correct",
    "vote_correct",
]
