"""Corrections of data-entry errors in a saved inspection: its header, a step, the team, a
conclusion (docs/inspections.md, «Sửa lỗi nhập liệu»).

Each correction re-runs, on the corrected values, the checks the first write ran (competence
and reach on the decision date, the decision number, the order of the steps, the dates of a
conclusion); it carries the inspection's version (a correction saved after another user's is
refused, `StaleEdit`), needs a reason, and records one audit event
"inspections.inspection.corrected" with the part corrected, each changed field before and after,
the reason and what depends on the record. The inspection page lists them («Lịch sử sửa»).
A refusal writes nothing. A conclusion that led to a discipline case, or a supervision's
"signs of violation" that led to an inspection, keeps its result: the case or the inspection
that followed is voided first.
"""

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ktgs.audit.services import record
from ktgs.core.concurrency import bump_version, check_version
from ktgs.core.vietnamese import format_date
from ktgs.inspections.choices import (
    INSPECTION_RESULTS,
    SUPERVISION_KINDS,
    SUPERVISION_RESULTS,
    ConclusionResult,
    FollowUpStatus,
    ProposalStatus,
    Remedy,
    TeamRole,
)
from ktgs.inspections.models import (
    DisciplineProposal,
    FollowUp,
    Inspection,
    InspectionStep,
    InspectionSubject,
    TeamMember,
)
from ktgs.inspections.services import (
    OPENING_STEPS,
    SubjectInput,
    TeamInput,
    _number,
    _set_sourced_due,
    _snapshot,
    _subject_rows,
    _text,
    competence_problems,
    is_history,
)
from ktgs.orgs.models import Body
from ktgs.rules.choices import Step
from ktgs.rules.lookup import RuleNotInForce
from ktgs.rules.procedures import steps_for

ACTION = "inspections.inspection.corrected"
REASON_REQUIRED = (
    "Ghi lý do sửa (ví dụ «nhập nhầm ngày quyết định»): lý do được lưu trong lịch sử sửa của hồ sơ."
)
NOTHING_CHANGED = (
    "Không ô nào khác với hồ sơ đang lưu: sửa ít nhất một ô, hoặc bấm Thôi để quay lại."
)
SNAPSHOT = ("unit_id", "committee_unit_id", "committee_level", "head_of_id", "managed_by_id")


def correction_reason(reason: str) -> str:
    reason = _text(reason, "Lý do sửa")
    if not reason:
        raise ValidationError({"reason": REASON_REQUIRED})
    return reason


def _locked(inspection: Inspection, version: int | None) -> Inspection:
    row = (
        Inspection.objects.select_for_update(of=("self",))
        .select_related("body__unit", "unit")
        .get(pk=inspection.pk)
    )
    check_version(row, version)
    if row.is_voided:
        raise ValidationError({"__all__": "Cuộc kiểm tra, giám sát này đã bị hủy."})
    return row


def _not_future(day: date, field: str, label: str) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: f"{label} ({format_date(day)}) chưa đến."})


def _changes(before: dict, after: dict) -> dict:
    changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    if not changes:
        raise ValidationError({"__all__": NOTHING_CHANGED})
    return changes


def _dependents(inspection: Inspection) -> list[str]:
    """What others built on this inspection: named in the correction's record."""
    out = []
    taken = DisciplineProposal.objects.filter(
        inspection=inspection, status=ProposalStatus.TAKEN_UP
    ).count()
    if taken:
        out.append(f"{taken} vụ việc kỷ luật mở từ kết luận")
    follow_ons = inspection.follow_ons.live().count()
    if follow_ons:
        out.append(f"{follow_ons} cuộc kiểm tra chuyển từ cuộc giám sát này")
    return out


def _record(inspection: Inspection, part: str, changes: dict, reason: str) -> None:
    bump_version(inspection)
    details = {"part": part, "reason": reason}
    dependents = _dependents(inspection)
    if dependents:
        details["dependents"] = "; ".join(dependents)
    record(ACTION, target=inspection, unit_id=inspection.unit_id, changes=changes, details=details)


# --- the header -----------------------------------------------------------------------------


def _header(row: Inspection) -> dict:
    return {
        "topic": row.topic,
        "legal_basis": row.legal_basis,
        "decision_number": row.decision_number,
        "decided_on": row.decided_on,
        "plan_ends_on": row.plan_ends_on,
        "body": row.body.name,
    }


def _check_moved(row: Inspection, body: Body, decided_on: date) -> tuple[list, list[str]]:
    """A new decision date or body: the subjects as they were that day, the competence and
    reach on it, and the same procedure steps; steps and conclusions not before it."""
    subjects = list(row.subjects.select_related("unit", "member").order_by("pk"))
    rows = _subject_rows(
        [
            SubjectInput(member=s.member) if s.member_id else SubjectInput(unit=s.unit)
            for s in subjects
        ],
        decided_on,
    )
    problems = competence_problems(body, row.kind, decided_on, rows)
    history = is_history(decided_on)
    if problems and not history:
        raise ValidationError({"__all__": problems})
    try:
        wanted = [s.step for s in steps_for(row.kind, decided_on, unit=body.unit)]
    except RuleNotInForce as exc:
        if not history:
            raise ValidationError({"decided_on": exc.messages}) from exc
        problems.append(exc.messages[0])
        wanted = None
    steps = list(row.steps.order_by("position"))
    if wanted is not None and wanted != [s.step for s in steps]:
        raise ValidationError(
            {
                "decided_on": "Theo quy định có hiệu lực ngày "
                f"{format_date(decided_on)}, quy trình gồm các bước khác với các bước đã ghi: "
                "không sửa được ngày hoặc chủ thể; hủy hồ sơ này và tạo lại."
            }
        )
    early = [
        s for s in steps if s.done_on and s.step not in OPENING_STEPS and s.done_on < decided_on
    ]
    concluded = [s for s in subjects if s.concluded_on and s.concluded_on < decided_on]
    if early or concluded:
        what = early[0].get_step_display() if early else f"kết luận đối với {concluded[0].name}"
        raise ValidationError(
            {
                "decided_on": f"«{what}» đã ghi trước ngày {format_date(decided_on)}: ngày "
                "quyết định phải trước các bước đã làm; sửa ngày của bước đó trước."
            }
        )
    return list(zip(subjects, rows, strict=True)), problems


@transaction.atomic
def inspection_correct(
    inspection: Inspection,
    *,
    topic: str,
    decided_on: date,
    reason: str,
    decision_number: str = "",
    legal_basis: str = "",
    plan_ends_on: date | None = None,
    body: Body | None = None,
    version: int | None = None,
) -> Inspection:
    """Correct the header. The performing body changes only if the rules in force on the
    decision date let it perform this kind on these subjects (the create checks, re-run)."""
    row = _locked(inspection, version)
    reason = correction_reason(reason)
    body = body or row.body
    topic = _text(topic, "Nội dung", required=True)
    legal_basis = _text(legal_basis, "Căn cứ")
    _not_future(decided_on, "decided_on", "Ngày quyết định")
    if plan_ends_on and plan_ends_on < decided_on:
        raise ValidationError(
            {"plan_ends_on": "Ngày kết thúc theo kế hoạch phải từ ngày quyết định trở đi."}
        )
    number = _number(row.kind, decision_number, body, decided_on, exclude=row.pk)
    moved = decided_on != row.decided_on or body.pk != row.body_id
    pairs, problems = _check_moved(row, body, decided_on) if moved else ([], None)
    before = _header(row)
    row.topic, row.legal_basis, row.decision_number = topic, legal_basis, number
    row.decided_on, row.plan_ends_on, row.body, row.unit = decided_on, plan_ends_on, body, body.unit
    changes = _changes(before, _header(row))
    fields = ["topic", "legal_basis", "decision_number", "decided_on", "plan_ends_on"]
    if moved:
        row.warnings = "\n".join(problems)
        fields += ["body", "unit", "warnings"]
        for subject, fresh in pairs:
            snap = {"unit_id": fresh.unit_id}
            if subject.member_id:
                snap.update(_snapshot(subject.member, decided_on))
                snap["committee_unit_id"] = getattr(snap.pop("committee_unit"), "pk", None)
            for name, value in snap.items():
                setattr(subject, name, value)
            subject.save(update_fields=[n for n in SNAPSHOT if n in snap])
        row.steps.filter(step__in=OPENING_STEPS, done_on__isnull=False).update(done_on=decided_on)
    _record(row, "Thông tin chung", changes, reason)
    row.save(update_fields=fields)
    return row


# --- a step ---------------------------------------------------------------------------------


@transaction.atomic
def step_correct(
    step: InspectionStep,
    *,
    done_on: date | None,
    reason: str,
    note: str = "",
    version: int | None = None,
) -> InspectionStep:
    """Correct the date (and note) of a step already recorded; the order of the steps and the
    decision date are checked again."""
    row = _locked(step.inspection, version)
    step = InspectionStep.objects.get(pk=step.pk, inspection=row)
    reason = correction_reason(reason)
    label = step.get_step_display()
    if not step.done_on:
        raise ValidationError(
            {
                "done_on": f"Bước «{label}» chưa được ghi là đã làm: ghi bước trên trang cuộc "
                "kiểm tra, giám sát."
            }
        )
    if step.step == Step.DECISION:
        raise ValidationError(
            {
                "done_on": "Ngày của bước «Quyết định» là ngày quyết định: sửa ở phần thông tin "
                "chung."
            }
        )
    if done_on is None:
        raise ValidationError({"done_on": "Ghi ngày thực hiện bước (ngày/tháng/năm)."})
    _not_future(done_on, "done_on", "Ngày thực hiện")
    if done_on < row.decided_on:
        raise ValidationError(
            {
                "done_on": f"Ngày thực hiện ({format_date(done_on)}) trước ngày quyết định "
                f"{format_date(row.decided_on)}."
            }
        )
    others = list(row.steps.exclude(pk=step.pk).filter(done_on__isnull=False))
    before_ = max(
        (s for s in others if s.position < step.position), key=lambda s: s.done_on, default=None
    )
    after_ = min(
        (s for s in others if s.position > step.position), key=lambda s: s.done_on, default=None
    )
    if before_ and done_on < before_.done_on:
        raise ValidationError(
            {
                "done_on": f"Ngày thực hiện ({format_date(done_on)}) trước ngày của bước "
                f"«{before_.get_step_display()}» ({format_date(before_.done_on)})."
            }
        )
    if after_ and done_on > after_.done_on:
        raise ValidationError(
            {
                "done_on": f"Ngày thực hiện ({format_date(done_on)}) sau ngày của bước "
                f"«{after_.get_step_display()}» ({format_date(after_.done_on)})."
            }
        )
    if step.step == Step.CONCLUSION_NOTICE:
        late = row.subjects.filter(concluded_on__gt=done_on).first()
        if late is not None:
            raise ValidationError(
                {
                    "done_on": f"Kết luận đối với {late.name} ghi ngày "
                    f"{format_date(late.concluded_on)}, sau ngày thông báo kết luận này."
                }
            )
    note = _text(note, "Ghi chú")
    changes = _changes(
        {"done_on": step.done_on, "note": step.note}, {"done_on": done_on, "note": note}
    )
    step.done_on, step.note = done_on, note
    step.save(update_fields=["done_on", "note"])
    if step.step == Step.SUBJECT_REPORT:
        _set_sourced_due(row, done_on)
    if step.step == Step.CONCLUSION_NOTICE:
        row.concluded_on = done_on
        row.save(update_fields=["concluded_on"])
    _record(row, f"Bước «{label}»", changes, reason)
    return step


# --- the team -------------------------------------------------------------------------------


@transaction.atomic
def team_correct(
    inspection: Inspection,
    *,
    team: Iterable[TeamInput],
    reason: str,
    version: int | None = None,
) -> Inspection:
    row = _locked(inspection, version)
    reason = correction_reason(reason)
    new = [
        TeamMember(
            inspection=row,
            name=_text(t.name, "Họ và tên", multiline=False),
            role=t.role if t.role in TeamRole.values else TeamRole.MEMBER,
            position=_text(t.position, "Chức vụ", multiline=False),
        )
        for t in team
        if t.name.strip()
    ]
    old = list(row.team.all())
    changes = _changes({"team": [str(t) for t in old]}, {"team": [str(t) for t in new]})
    row.team.all().delete()
    TeamMember.objects.bulk_create(new)
    _record(row, "Đoàn (tổ) kiểm tra, giám sát", changes, reason)
    return row


# --- a conclusion ---------------------------------------------------------------------------

TEXTS = {
    "strengths": "Ưu điểm",
    "shortcomings": "Hạn chế, khuyết điểm",
    "good_practice": "Nhân tố tích cực",
    "commendation": "Đề nghị khen thưởng",
    "reservations": "Ý kiến bảo lưu",
}


def _conclusion(subject: InspectionSubject) -> dict:
    return {
        "result": ConclusionResult(subject.result).label if subject.result else "",
        "concluded_on": subject.concluded_on,
        "remedy": Remedy(subject.remedy).label if subject.remedy else "",
        **{k: getattr(subject, k) for k in TEXTS},
    }


def _check_result_change(row: Inspection, subject: InspectionSubject, result: str) -> None:
    """A result others built on stays: the discipline case or the inspection that followed
    from it is voided first."""
    proposal = DisciplineProposal.objects.filter(subject=subject).first()
    if proposal is not None and proposal.status == ProposalStatus.TAKEN_UP:
        raise ValidationError(
            {
                "result": f"Kết luận đối với {subject.name} đã dẫn đến một vụ việc kỷ luật: kết "
                "quả không sửa được ở đây. Nếu kết luận sai, hủy vụ việc kỷ luật trước (trang vụ "
                "việc), rồi sửa kết luận."
            }
        )
    if subject.result == ConclusionResult.SIGNS_OF_VIOLATION and row.follow_ons.live().exists():
        raise ValidationError(
            {
                "result": "Cuộc giám sát đã chuyển sang kiểm tra khi có dấu hiệu vi phạm: kết quả "
                "«có dấu hiệu vi phạm» không sửa được ở đây; hủy cuộc kiểm tra đó trước."
            }
        )


@transaction.atomic
def conclusion_correct(
    subject: InspectionSubject,
    *,
    result: str,
    concluded_on: date,
    reason: str,
    remedy: str = "",
    version: int | None = None,
    **texts: str,
) -> InspectionSubject:
    """Correct a recorded conclusion (result, date, texts); the follow-ups it created stay
    (each is closed on its own page)."""
    row = _locked(subject.inspection, version)
    subject = InspectionSubject.objects.select_related("unit").get(pk=subject.pk, inspection=row)
    reason = correction_reason(reason)
    if not subject.result:
        raise ValidationError(
            {
                "result": f"Chưa có kết luận đối với {subject.name}: ghi kết luận trên trang cuộc "
                "kiểm tra, giám sát."
            }
        )
    allowed = SUPERVISION_RESULTS if row.kind in SUPERVISION_KINDS else INSPECTION_RESULTS
    if result not in allowed:
        what = "giám sát" if row.kind in SUPERVISION_KINDS else "kiểm tra"
        names = "; ".join(ConclusionResult(r).label.lower() for r in allowed)
        raise ValidationError({"result": f"Kết luận của cuộc {what} chỉ có thể là: {names}."})
    if remedy not in Remedy.values:
        raise ValidationError({"remedy": "Chọn góp ý, phê bình, nhắc nhở hoặc không."})
    if result != subject.result:
        _check_result_change(row, subject, result)
    announcement = row.steps.filter(step=Step.ANNOUNCEMENT).first()
    start = announcement.done_on if announcement and announcement.done_on else row.decided_on
    if concluded_on < start:
        raise ValidationError(
            {
                "concluded_on": f"Ngày kết luận ({format_date(concluded_on)}) trước ngày công bố "
                f"quyết định ({format_date(start)})."
            }
        )
    _not_future(concluded_on, "concluded_on", "Ngày kết luận")
    if row.concluded_on and concluded_on > row.concluded_on:
        raise ValidationError(
            {
                "concluded_on": f"Ngày kết luận ({format_date(concluded_on)}) sau ngày thông báo "
                f"kết luận ({format_date(row.concluded_on)})."
            }
        )
    early = subject.follow_ups.filter(due_on__lt=concluded_on).first()
    if early is not None:
        raise ValidationError(
            {
                "concluded_on": f"Kiến nghị «{early.text[:60]}» có hạn {format_date(early.due_on)}, "
                "trước ngày kết luận mới."
            }
        )
    before = _conclusion(subject)
    subject.result, subject.concluded_on, subject.remedy = result, concluded_on, remedy
    for name, label in TEXTS.items():
        setattr(subject, name, _text(texts.get(name, ""), label))
    changes = _changes(before, _conclusion(subject))
    subject.save(update_fields=["result", "concluded_on", "remedy", *TEXTS])
    proposal = DisciplineProposal.objects.filter(subject=subject).first()
    if result == ConclusionResult.VIOLATION_DISCIPLINE and proposal is None:
        DisciplineProposal.objects.create(
            inspection=row, subject=subject, proposed_on=concluded_on, note=subject.shortcomings
        )
    elif result != ConclusionResult.VIOLATION_DISCIPLINE and proposal is not None:
        proposal.delete()  # still open (checked above): nobody took it up
    _record(row, f"Kết luận đối với {subject.name}", changes, reason)
    return subject


# --- the subjects list ------------------------------------------------------------------------


@transaction.atomic
def subject_remove(
    subject: InspectionSubject, *, reason: str, version: int | None = None
) -> Inspection:
    """Take off the list a subject added by mistake. Refused once anything was built on it (a
    conclusion, its follow-ups or proposal of discipline), and for the last subject (void the
    inspection instead). The subject's name and unit stay in the correction's record."""
    row = _locked(subject.inspection, version)
    subject = InspectionSubject.objects.select_related("unit").get(pk=subject.pk, inspection=row)
    reason = correction_reason(reason)
    if subject.result:
        raise ValidationError(
            {
                "__all__": f"Đã có kết luận đối với {subject.name}: không bỏ đối tượng này khỏi "
                "danh sách. Nếu kết luận ghi nhầm đối tượng, hủy cuộc kiểm tra, giám sát và tạo "
                "lại."
            }
        )
    built = (
        subject.follow_ups.exists() or DisciplineProposal.objects.filter(subject=subject).exists()
    )
    if built:
        raise ValidationError(
            {
                "__all__": f"Đã có kiến nghị hoặc đề nghị kỷ luật đối với {subject.name}: không "
                "bỏ đối tượng này khỏi danh sách."
            }
        )
    if row.subjects.count() == 1:
        raise ValidationError(
            {
                "__all__": f"{subject.name} là đối tượng duy nhất: cuộc kiểm tra, giám sát phải có "
                "ít nhất một đối tượng. Nếu cả cuộc ghi nhầm, hãy hủy hồ sơ (nút «Hủy hồ sơ»)."
            }
        )
    names = list(row.subjects.order_by("pk").values_list("name", flat=True))
    subject.delete()
    changes = {
        "subjects": [names, list(row.subjects.order_by("pk").values_list("name", flat=True))]
    }
    _record(row, f"Bỏ đối tượng {subject.name} (ghi nhầm)", changes, reason)
    return row


# --- a follow-up ----------------------------------------------------------------------------


def _follow_up(row: FollowUp) -> dict:
    return {
        "text": row.text,
        "due_on": row.due_on,
        "status": FollowUpStatus(row.status).label,
        "done_on": row.done_on,
        "note": row.note,
    }


@transaction.atomic
def follow_up_correct(
    follow_up: FollowUp,
    *,
    text: str,
    due_on: date,
    status: str,
    reason: str,
    done_on: date | None = None,
    note: str = "",
    version: int | None = None,
) -> FollowUp:
    """Correct a recommendation's text, due date, state or completion date. The checks of the
    conclusion and of closing are re-run: due not before the conclusion; a state other than
    «đang thực hiện» needs a completion date, not before the conclusion and not after today;
    an open one has none."""
    row = _locked(follow_up.inspection, version)
    item = FollowUp.objects.select_related("subject").get(pk=follow_up.pk, inspection=row)
    reason = correction_reason(reason)
    text = _text(text, "Kiến nghị", required=True)
    concluded_on = item.subject.concluded_on
    if due_on is None:
        raise ValidationError({"due_on": "Ghi hạn thực hiện kiến nghị (ngày/tháng/năm)."})
    if concluded_on and due_on < concluded_on:
        raise ValidationError(
            {
                "due_on": f"Hạn thực hiện ({format_date(due_on)}) trước ngày kết luận "
                f"({format_date(concluded_on)})."
            }
        )
    if status not in FollowUpStatus.values:
        raise ValidationError({"status": "Chọn một tình trạng trong danh sách."})
    if status == FollowUpStatus.OPEN:
        if done_on is not None:
            raise ValidationError(
                {"done_on": "Kiến nghị đang thực hiện chưa có ngày hoàn thành: để trống ô này."}
            )
    else:
        if done_on is None:
            raise ValidationError({"done_on": "Ghi ngày hoàn thành (hoặc ngày thôi thực hiện)."})
        _not_future(done_on, "done_on", "Ngày hoàn thành")
        if concluded_on and done_on < concluded_on:
            raise ValidationError(
                {
                    "done_on": f"Ngày hoàn thành ({format_date(done_on)}) trước ngày kết luận "
                    f"({format_date(concluded_on)})."
                }
            )
    before = _follow_up(item)
    item.text, item.due_on, item.status, item.done_on = text, due_on, status, done_on
    item.note = _text(note, "Ghi chú")
    changes = _changes(before, _follow_up(item))
    item.save(update_fields=["text", "due_on", "status", "done_on", "note"])
    _record(row, f"Kiến nghị «{text[:60]}»", changes, reason)
    return item


__all__ = [
    "conclusion_correct",
    "follow_up_correct",
    "subject_remove",
    "correction_reason",
    "inspection_correct",
    "step_correct",
    "team_correct",
]
