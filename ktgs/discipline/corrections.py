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
from ktgs.core.choices import DisciplineForm, ViolationCategory, ViolationKind
from ktgs.core.concurrency import bump_version, check_version
from ktgs.core.docnumber import DocumentNumber
from ktgs.core.validators import reject_control_chars
from ktgs.core.vietnamese import format_date, nfc
from ktgs.discipline import decisions as checks
from ktgs.discipline.choices import VoteRole
from ktgs.discipline.models import Decision, DisciplineCase, LimitationPause, Violation, Vote
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


_KEEP = object()  # an argument not given: the stored value stays


def _violation(v: Violation) -> dict:
    return {
        "description": v.description,
        "kind": ViolationKind(v.kind).label,
        "category": ViolationCategory(v.category).label,
        "category_note": v.category_note,
        "started_on": v.started_on,
        "ended_on": v.ended_on,
        "continuing": v.continuing,
    }


def _recheck_decision(case: DisciplineCase, part: str) -> None:
    """After a change of what the limitation and competence read (a violation's kind, category
    or dates, a pause), the case's decision must still pass the rules on its signing date
    (history records: warnings). Raised inside the correction's transaction: nothing stays."""
    decision = _decision_of(case)
    if decision is None or is_history(decision.signed_on):
        return
    problems = checks._problems(case, decision.body, decision.form, decision.signed_on)
    if problems:
        raise ValidationError(
            {
                "__all__": [
                    f"Với {part} sau khi sửa, quyết định {decision.number or 'kỷ luật'} đã ký "
                    "không còn đúng quy định: sửa không được ở đây (quyết định chỉ thay đổi qua "
                    "khiếu nại hoặc xem xét lại).",
                    *problems,
                ]
            }
        )


@transaction.atomic
def violation_correct(
    violation: Violation,
    *,
    description: str,
    reason: str,
    version: int | None = None,
    kind=_KEEP,
    category=_KEEP,
    category_note=_KEEP,
    started_on=_KEEP,
    ended_on=_KEEP,
    continuing=_KEEP,
) -> Violation:
    """Correct a violation: its wording, and its kind, category and dates with the checks of
    recording it re-run; when the case has a decision, the decision's limitation and competence
    are checked again on its signing date (a change that would make it unlawful is refused)."""
    row = _locked_case(violation.case, version)
    violation = Violation.objects.get(pk=violation.pk, case=row)
    reason = correction_reason(reason)
    text = nfc(reject_control_chars(description or "", "Nội dung vi phạm", multiline=True)).strip()
    if not text:
        raise ValidationError({"description": "Cần ghi nội dung vi phạm."})
    given = {
        "kind": kind,
        "category": category,
        "category_note": category_note,
        "started_on": started_on,
        "ended_on": ended_on,
        "continuing": continuing,
    }
    new = {k: getattr(violation, k) if v is _KEEP else v for k, v in given.items()}
    _check_violation(**new)
    new["category_note"] = nfc(
        reject_control_chars(new["category_note"] or "", "Ghi chú về nhóm vi phạm")
    ).strip()
    before = _violation(violation)
    violation.description = text
    for name, value in new.items():
        setattr(violation, name, value)
    changes = _changes(before, _violation(violation))
    violation.save(update_fields=["description", *new])
    if set(changes) - {"description", "category_note"}:
        _recheck_decision(row, "vi phạm")
    _record_case(row, "Vi phạm", changes, reason)
    return violation


def _check_violation(*, kind, category, category_note, started_on, ended_on, continuing) -> None:
    """The checks `services.violation_add` runs on the same fields."""
    if kind not in ViolationKind.values:
        raise ValidationError({"kind": "Chọn loại vi phạm."})
    if category not in ViolationCategory.values:
        raise ValidationError({"category": "Chọn nhóm vi phạm."})
    if started_on is None:
        raise ValidationError({"started_on": "Ghi ngày bắt đầu vi phạm."})
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


# --- a pause of the limitation ----------------------------------------------------------------


def _pause(p: LimitationPause) -> dict:
    return {"starts_on": p.starts_on, "ends_on": p.ends_on, "pause_reason": p.reason}


@transaction.atomic
def pause_correct(
    pause: LimitationPause,
    *,
    starts_on: date,
    ends_on: date,
    pause_reason: str,
    reason: str,
    version: int | None = None,
) -> LimitationPause:
    """Correct a period not counted in the limitation (its dates, its stated reason): no overlap
    with another, and the case's decision checked again."""
    row = _locked_case(pause.case, version)
    pause = LimitationPause.objects.get(pk=pause.pk, case=row)
    reason = correction_reason(reason)
    pause_reason = nfc(reject_control_chars(pause_reason or "", "Lý do không tính")).strip()
    if not pause_reason:
        raise ValidationError({"pause_reason": "Ghi lý do không tính vào thời hiệu."})
    if starts_on is None or ends_on is None:
        raise ValidationError({"ends_on": "Ghi ngày bắt đầu và ngày kết thúc."})
    if ends_on < starts_on:
        raise ValidationError({"ends_on": "Ngày kết thúc trước ngày bắt đầu."})
    clash = (
        row.pauses.exclude(pk=pause.pk)
        .filter(starts_on__lte=ends_on, ends_on__gte=starts_on)
        .first()
    )
    if clash is not None:
        raise ValidationError(
            {
                "starts_on": f"Trùng với khoảng {format_date(clash.starts_on)}–"
                f"{format_date(clash.ends_on)} đã ghi."
            }
        )
    before = _pause(pause)
    pause.starts_on, pause.ends_on, pause.reason = starts_on, ends_on, pause_reason
    changes = _changes(before, _pause(pause))
    pause.save(update_fields=["starts_on", "ends_on", "reason"])
    _recheck_decision(row, "thời gian không tính thời hiệu")
    _record_case(row, "Thời gian không tính thời hiệu", changes, reason)
    return pause


@transaction.atomic
def pause_remove(
    pause: LimitationPause, *, reason: str, version: int | None = None
) -> DisciplineCase:
    """Remove a pause entered by mistake; the case's decision checked again without it."""
    row = _locked_case(pause.case, version)
    pause = LimitationPause.objects.get(pk=pause.pk, case=row)
    reason = correction_reason(reason)
    changes = {
        "pause": [
            f"{format_date(pause.starts_on)}–{format_date(pause.ends_on)}: {pause.reason}",
            None,
        ]
    }
    pause.delete()
    _recheck_decision(row, "thời gian không tính thời hiệu")
    _record_case(row, "Bỏ thời gian không tính thời hiệu (ghi nhầm)", changes, reason)
    return row


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
    "pause_correct",
    "pause_remove",
    "violation_correct",
    "vote_correct",
]
