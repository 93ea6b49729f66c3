"""Writes of inspections and supervisions: create, record a step, conclude, follow up.

Every check names its rule and source; nothing is written unless every check passes. The rules
are those in force on the inspection's decision date (`rules.may_perform`, `rules.steps_for`).
Records dated before the office's `in_use_since` setting are history: competence failures (and
dates with no rule row yet) become warnings kept on the record instead of refusals; shapes and
dates are always enforced.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ktgs.audit.services import record
from ktgs.core.choices import InspectionKind
from ktgs.core.concurrency import bump_version, check_version
from ktgs.core.docnumber import DocumentNumber
from ktgs.core.models import TOP_SECRET, TOP_SECRET_REFUSED, Dated, OfficeSetting, Secrecy
from ktgs.core.validators import reject_control_chars
from ktgs.core.vietnamese import format_date, nfc
from ktgs.inspections.choices import (
    INSPECTION_RESULTS,
    SUPERVISION_KINDS,
    SUPERVISION_RESULTS,
    ConclusionResult,
    FollowUpStatus,
    Origin,
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
from ktgs.orgs.choices import BodyKind, Level, UnitAttributeKey
from ktgs.orgs.models import (
    Body,
    CommitteeSeat,
    HeadOfUnit,
    ManagedBy,
    Member,
    Membership,
    OrgUnit,
    Term,
    UnitAttribute,
)
from ktgs.orgs.selectors import member_cell_on, unit_contains_on
from ktgs.rules.calendar import add_working_days
from ktgs.rules.choices import Step
from ktgs.rules.competence import CellFacts, may_perform
from ktgs.rules.levels import level_on
from ktgs.rules.lookup import RuleNotInForce
from ktgs.rules.procedures import duration_for, steps_for

IN_USE_SINCE = "in_use_since"
PLAN_BASIS = "Theo kế hoạch"  # a due date from the inspection's own plan
LEVEL_RANK = {  # higher first when a member sits on several committees
    Level.CENTRAL: 5,
    Level.PROVINCE: 4,
    Level.SUPERIOR: 3,
    Level.BASE: 2,
    Level.BELOW_BASE: 1,
}
COMMITTEE_BODIES = (BodyKind.COMMITTEE, BodyKind.STANDING)
# Steps that open the procedure: done on the decision (or plan) date itself.
OPENING_STEPS = (Step.DECISION, Step.PLAN)
REACH_SOURCE = "Điều lệ Đảng, Điều 30, khoản 1"
REACH_RULE = (
    "tổ chức đảng kiểm tra, giám sát tổ chức đảng cấp dưới và đảng viên thuộc phạm vi quản lý"
)


def in_use_since() -> date | None:
    row = OfficeSetting.objects.filter(key=IN_USE_SINCE).first()
    return date.fromisoformat(row.value) if row else None


def is_history(on: date) -> bool:
    """A record dated before the office started using KTGS (imported history)."""
    since = in_use_since()
    return since is not None and on < since


# --- subjects as they were on the decision date ------------------------------------------------


@dataclass(frozen=True)
class SubjectInput:
    unit: OrgUnit | None = None
    member: Member | None = None


@dataclass(frozen=True)
class TeamInput:
    name: str
    role: str = TeamRole.MEMBER
    position: str = ""


def _member_cell_on(member: Member, day: date) -> OrgUnit:
    cell = member_cell_on(member, day)
    if cell is None:
        raise ValidationError(
            {
                "subjects": f"Đảng viên {member.full_name} ({member.code}) không sinh hoạt ở chi bộ "
                f"nào vào ngày {format_date(day)}: kiểm tra lại ngày quyết định hoặc quá trình "
                "sinh hoạt đảng của đảng viên."
            }
        )
    return cell


def _snapshot(member: Member, day: date) -> dict:
    """Committee seat (highest level), headship and managing body of a member on `day`."""
    seats = (
        CommitteeSeat.objects.filter(
            Dated.q_on(day), member=member, body__kind__in=COMMITTEE_BODIES
        )
        .select_related("body__unit__kind")
        .order_by("pk")
    )
    best = max(seats, key=lambda s: LEVEL_RANK.get(s.body.unit.kind.level, 0), default=None)
    head = HeadOfUnit.objects.filter(Dated.q_on(day), member=member).order_by("pk").first()
    managed = ManagedBy.objects.filter(Dated.q_on(day), member=member).order_by("pk").first()
    return {
        "committee_unit": best.body.unit if best else None,
        "committee_level": best.body.unit.kind.level if best else "",
        "head_of_id": head.unit_id if head else None,
        "managed_by_id": managed.body_id if managed else None,
    }


def _subject_rows(subjects: Iterable[SubjectInput], day: date) -> list[InspectionSubject]:
    rows, seen = [], set()
    for s in subjects:
        if (s.unit is None) == (s.member is None):
            raise ValidationError(
                {"subjects": "Mỗi đối tượng là một tổ chức đảng hoặc một đảng viên."}
            )
        key = ("m", s.member.pk) if s.member else ("u", s.unit.pk)
        if key in seen:
            raise ValidationError({"subjects": "Một đối tượng được ghi hai lần; bỏ bớt một dòng."})
        seen.add(key)
        if s.member is not None:
            cell = _member_cell_on(s.member, day)
            rows.append(
                InspectionSubject(
                    unit=cell, member=s.member, name=s.member.full_name, **_snapshot(s.member, day)
                )
            )
        else:
            if s.unit.established_on > day or (s.unit.closed_on and s.unit.closed_on <= day):
                raise ValidationError(
                    {
                        "subjects": f"«{s.unit.name}» chưa thành lập hoặc đã giải thể vào ngày {format_date(day)}."
                    }
                )
            rows.append(InspectionSubject(unit=s.unit, name=s.unit.name))
    if not rows:
        raise ValidationError({"subjects": "Chọn ít nhất một đối tượng kiểm tra, giám sát."})
    return rows


# --- checks ---------------------------------------------------------------------------------------


def _cell_facts(unit: OrgUnit, day: date) -> CellFacts:
    attrs = {
        a.key: a.value
        for a in UnitAttribute.objects.filter(
            Dated.q_on(day),
            unit=unit,
            key__in=[
                UnitAttributeKey.HAS_CELL_COMMITTEE,
                UnitAttributeKey.DISPERSED_MEMBERS,
                UnitAttributeKey.PARTY_GROUPS,
            ],
        )
    }
    return CellFacts(
        has_cell_committee=bool(attrs.get(UnitAttributeKey.HAS_CELL_COMMITTEE)),
        member_count=Membership.objects.filter(Dated.q_on(day), unit=unit).count(),
        dispersed=bool(attrs.get(UnitAttributeKey.DISPERSED_MEMBERS)),
        party_groups=int(attrs.get(UnitAttributeKey.PARTY_GROUPS) or 0),
    )


def competence_problems(
    body: Body, kind: str, day: date, rows: list[InspectionSubject]
) -> list[str]:
    """What the rules in force on `day` say against this body doing this on these subjects
    (each message names the rule and its source); empty when allowed."""
    problems = []
    level = level_on(body.unit, day)
    facts = _cell_facts(body.unit, day) if body.kind == BodyKind.CELL_MEETING else None
    try:
        verdict = may_perform(body.kind, level, kind, day, cell_facts=facts, unit=body.unit)
    except RuleNotInForce as exc:
        problems.append(exc.messages[0])
    else:
        if not verdict:
            problems.append(f"{verdict.reason_vi}.")
    for row in rows:
        if not unit_contains_on(body.unit, row.unit, day):
            # The member's cell that day may lie outside what the user sees: not named.
            what = f"đảng viên {row.name} ({row.member.code})" if row.member else f"«{row.name}»"
            problems.append(
                f"{what} không thuộc phạm vi của {body.unit.name} vào ngày {format_date(day)}: "
                f"{REACH_RULE} — {REACH_SOURCE}."
            )
    return problems


def _text(value: str, label: str, *, required: bool = False, multiline: bool = True) -> str:
    value = nfc(reject_control_chars(value or "", label, multiline=multiline)).strip()
    if required and not value:
        raise ValidationError({"topic": f"Cần ghi {label.lower()}."})
    return value


def _secrecy(value: str) -> str:
    if value == TOP_SECRET:
        raise ValidationError({"secrecy": TOP_SECRET_REFUSED})
    if value not in Secrecy.values:
        raise ValidationError({"secrecy": "Chọn độ mật: thường, mật hoặc tối mật."})
    return value


def _number(kind: str, number: str, body: Body, day: date, *, exclude: int | None = None) -> str:
    """The canonical decision number; refused when the body already used it in the same
    committee term (numbers restart each term), or the same year when no term is recorded.
    `exclude`: the inspection being corrected (its own number is not a clash)."""
    number = (number or "").strip()
    if not number:
        if kind == InspectionKind.SUPERVISION_REGULAR:
            return ""
        raise ValidationError(
            {
                "decision_number": "Cần ghi số quyết định (ví dụ 12-QĐ/ĐUK); chỉ giám sát thường "
                "xuyên mới không có quyết định."
            }
        )
    try:
        canonical = DocumentNumber(number)
    except ValidationError as exc:
        raise ValidationError({"decision_number": exc.messages}) from exc
    taken = Inspection.objects.live().filter(body=body, decision_number=canonical)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    term = Term.objects.filter(Term.q_on(day), unit_id=body.unit_id).order_by("-starts_on").first()
    if term is not None:
        taken = taken.filter(decided_on__gte=term.starts_on)
        if term.ends_on:
            taken = taken.filter(decided_on__lt=term.ends_on)
        period = f"nhiệm kỳ {term.name}"
    else:
        taken = taken.filter(decided_on__year=day.year)
        period = f"năm {day.year}"
    if taken.exists():
        raise ValidationError(
            {
                "decision_number": f"{body.name} đã có cuộc kiểm tra, giám sát theo quyết định số "
                f"{canonical} trong {period}; kiểm tra lại số quyết định."
            }
        )
    return str(canonical)


# --- create ---------------------------------------------------------------------------------------


def inspection_create(
    *,
    body: Body,
    kind: str,
    decided_on: date,
    subjects: Iterable[SubjectInput],
    topic: str,
    decision_number: str = "",
    legal_basis: str = "",
    plan_ends_on: date | None = None,
    team: Iterable[TeamInput] = (),
    planned: dict[str, date] | None = None,
    secrecy: str = Secrecy.NORMAL,
    programme_item=None,
    origin: Inspection | None = None,
    source: str = Origin.ENTERED,
    external_ref: str = "",
) -> Inspection:
    """Create an inspection or supervision with its subjects, team and procedure steps.

    `planned` maps a step to its planned date (the plan's due dates where no source gives one).
    """
    if kind not in InspectionKind.values:
        raise ValidationError({"kind": "Chọn loại kiểm tra, giám sát."})
    if decided_on > timezone.localdate():
        raise ValidationError(
            {"decided_on": "Ngày quyết định chưa đến; ghi ngày đã ký quyết định."}
        )
    if plan_ends_on and plan_ends_on < decided_on:
        raise ValidationError(
            {"plan_ends_on": "Ngày kết thúc theo kế hoạch phải từ ngày quyết định trở đi."}
        )
    topic = _text(topic, "Nội dung", required=True)
    legal_basis = _text(legal_basis, "Căn cứ")
    secrecy = _secrecy(secrecy)
    number = _number(kind, decision_number, body, decided_on)
    rows = _subject_rows(subjects, decided_on)
    problems = competence_problems(body, kind, decided_on, rows)
    history = is_history(decided_on)
    if problems and not history:
        raise ValidationError({"__all__": problems})
    try:
        steps = steps_for(kind, decided_on, unit=body.unit)
    except RuleNotInForce as exc:
        if not history:
            raise
        problems.append(exc.messages[0])
        steps = []
    planned = planned or {}
    for step, day in planned.items():
        if day < decided_on:
            raise ValidationError(
                {
                    "planned": f"Ngày dự kiến của bước «{Step(step).label}» ({format_date(day)}) trước ngày quyết định."
                }
            )
    team = list(team)
    with transaction.atomic():
        inspection = Inspection.objects.create(
            kind=kind,
            body=body,
            unit=body.unit,
            topic=topic,
            legal_basis=legal_basis,
            decision_number=number,
            decided_on=decided_on,
            plan_ends_on=plan_ends_on,
            secrecy=secrecy,
            programme_item=programme_item,
            origin=origin,
            warnings="\n".join(problems),
            source=source,
            external_ref=external_ref,
        )
        for row in rows:
            row.inspection = inspection
        InspectionSubject.objects.bulk_create(rows)
        TeamMember.objects.bulk_create(
            TeamMember(
                inspection=inspection,
                name=_text(t.name, "Họ và tên", multiline=False),
                role=t.role,
                position=_text(t.position, "Chức vụ", multiline=False),
            )
            for t in team
            if t.name.strip()
        )
        InspectionStep.objects.bulk_create(
            InspectionStep(
                inspection=inspection,
                step=s.step,
                position=n,
                optional=s.optional,
                done_on=decided_on if s.step in OPENING_STEPS else None,
                **_due(s.step, planned, plan_ends_on),
            )
            for n, s in enumerate(steps, start=1)
        )
        record(
            "inspections.inspection.created",
            target=inspection,
            unit_id=body.unit_id,
            details={
                "kind": InspectionKind(kind).label,
                "body": body.name,
                "decision": number,
                "decided_on": decided_on,
                "subjects": [r.name for r in rows],
                "warnings": problems,
            },
        )
    return inspection


def _due(step: str, planned: dict[str, date], plan_ends_on: date | None) -> dict:
    if step in planned:
        return {"due_on": planned[step], "due_basis": PLAN_BASIS}
    if step == Step.CONCLUSION_NOTICE and plan_ends_on:
        return {"due_on": plan_ends_on, "due_basis": f"{PLAN_BASIS} (ngày kết thúc)"}
    return {}


# --- steps ----------------------------------------------------------------------------------------


@transaction.atomic
def step_record(
    step: InspectionStep, *, done_on: date | None = None, skipped: bool = False, note: str = ""
) -> InspectionStep:
    """Record that a step was done on `done_on` (or skipped, when optional)."""
    inspection = Inspection.objects.select_for_update().get(pk=step.inspection_id)
    step = InspectionStep.objects.get(pk=step.pk)
    _check_open(inspection)
    note = _text(note, "Ghi chú")
    label = step.get_step_display()
    if step.done_on or step.skipped:
        raise ValidationError({"done_on": f"Bước «{label}» đã được ghi."})
    if skipped:
        if not step.optional:
            raise ValidationError(
                {"skipped": f"Bước «{label}» là bước bắt buộc, không bỏ qua được."}
            )
        done_on = None
    else:
        if done_on is None:
            raise ValidationError({"done_on": "Ghi ngày thực hiện bước (ngày/tháng/năm)."})
        if done_on < inspection.decided_on:
            raise ValidationError(
                {
                    "done_on": f"Ngày thực hiện ({format_date(done_on)}) trước ngày quyết định "
                    f"{format_date(inspection.decided_on)}: một bước không thể làm trước khi có quyết định."
                }
            )
        if done_on > timezone.localdate():
            raise ValidationError({"done_on": "Ngày thực hiện chưa đến; chỉ ghi bước đã làm."})
    earlier = list(inspection.steps.filter(position__lt=step.position).order_by("position"))
    pending = [s for s in earlier if not s.done_on and not s.skipped]
    if pending:
        raise ValidationError(
            {
                "done_on": f"Cần ghi trước bước «{pending[0].get_step_display()}» (các bước làm theo thứ tự)."
            }
        )
    last = max((s.done_on for s in earlier if s.done_on), default=None)
    if done_on and last and done_on < last:
        raise ValidationError(
            {
                "done_on": f"Ngày thực hiện ({format_date(done_on)}) trước ngày của bước trước ({format_date(last)})."
            }
        )
    if step.step == Step.CONCLUSION_NOTICE and done_on:
        unconcluded = inspection.subjects.filter(result="").values_list("name", flat=True)
        if unconcluded:
            raise ValidationError(
                {
                    "done_on": "Chưa có kết luận đối với: "
                    + ", ".join(unconcluded)
                    + ". Ghi kết luận trước khi thông báo."
                }
            )
    step.done_on, step.skipped, step.note = done_on, skipped, note
    step.save(update_fields=["done_on", "skipped", "note"])
    if step.step == Step.SUBJECT_REPORT and done_on:
        _set_sourced_due(inspection, done_on)
    if step.step == Step.CONCLUSION_NOTICE and done_on:
        inspection.concluded_on = done_on
        inspection.save(update_fields=["concluded_on"])
    record(
        "inspections.step.recorded",
        target=inspection,
        unit_id=inspection.unit_id,
        details={"step": label, "done_on": done_on, "skipped": skipped, "note": note},
    )
    return step


@transaction.atomic
def steps_plan(
    inspection: Inspection, planned: dict[int, date | None], *, version: int | None = None
) -> Inspection:
    """Set the planned dates of open steps ({step id: date or None}): the due date of a step
    whose duration no source gives. Dates from a sourced duration are kept. `version`: the
    inspection's when the plan form was opened (a plan saved after another user's is refused,
    `StaleEdit`, nothing written)."""
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    check_version(inspection, version)
    _check_open(inspection)
    steps = {s.pk: s for s in inspection.steps.all()}
    changed, last = {}, inspection.decided_on
    for step in sorted(steps.values(), key=lambda s: s.position):
        if step.pk not in planned or step.done_on or step.skipped:
            continue
        if step.due_on and step.due_basis and not step.due_basis.startswith(PLAN_BASIS):
            continue  # due from a sourced duration
        day = planned[step.pk]
        label = step.get_step_display()
        if day is not None and day < last:
            raise ValidationError(
                {
                    f"step_{step.pk}": f"Ngày dự kiến của bước «{label}» ({format_date(day)}) "
                    f"phải từ {format_date(last)} trở đi (sau ngày quyết định và các bước trước)."
                }
            )
        last = day or last
        if day != step.due_on:
            changed[label] = [step.due_on, day]
            step.due_on = day
            step.due_basis = PLAN_BASIS if day else ""
            step.save(update_fields=["due_on", "due_basis"])
    if changed:
        bump_version(inspection)
        record(
            "inspections.plan.set",
            target=inspection,
            unit_id=inspection.unit_id,
            changes=changed,
        )
    return inspection


def _set_sourced_due(inspection: Inspection, received_on: date) -> None:
    """Where the pack gives a duration (counted from the subject's report), the conclusion
    notice is due that many days later; otherwise the plan's date stays."""
    try:
        duration = duration_for(
            inspection.kind,
            inspection.body.kind,
            level_on(inspection.unit, inspection.decided_on),
            inspection.decided_on,
            unit=inspection.unit,  # the performing body's unit: its office overrides apply
        )
    except RuleNotInForce:
        return
    if not duration.sourced:
        return
    if duration.day_type == "working":
        due = add_working_days(received_on, duration.days)
        unit = "ngày làm việc"
    else:
        due = received_on + timedelta(days=duration.days)
        unit = "ngày"
    inspection.steps.filter(step=Step.CONCLUSION_NOTICE).update(
        due_on=due,
        due_basis=f"{duration.days} {unit} từ ngày nhận báo cáo — {duration.source}"[:255],
    )


def _check_open(inspection: Inspection) -> None:
    if inspection.is_voided:
        raise ValidationError({"__all__": "Cuộc kiểm tra, giám sát này đã bị hủy."})
    if inspection.concluded_on:
        raise ValidationError(
            {
                "__all__": f"Cuộc kiểm tra, giám sát đã thông báo kết luận ngày {format_date(inspection.concluded_on)}."
            }
        )


# --- conclusions ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Recommendation:
    text: str
    due_on: date
    owner_unit: OrgUnit | None = None  # default: the subject's unit


@transaction.atomic
def subject_conclude(
    subject: InspectionSubject,
    *,
    result: str,
    concluded_on: date,
    strengths: str = "",
    shortcomings: str = "",
    good_practice: str = "",
    commendation: str = "",
    remedy: str = "",
    reservations: str = "",
    recommendations: Iterable[Recommendation] = (),
) -> InspectionSubject:
    inspection = Inspection.objects.select_for_update().get(pk=subject.inspection_id)
    subject = InspectionSubject.objects.select_related("unit").get(pk=subject.pk)
    _check_open(inspection)
    if subject.result:
        raise ValidationError({"result": f"Đã có kết luận đối với {subject.name}."})
    allowed = SUPERVISION_RESULTS if inspection.kind in SUPERVISION_KINDS else INSPECTION_RESULTS
    if result not in allowed:
        what = "giám sát" if inspection.kind in SUPERVISION_KINDS else "kiểm tra"
        names = "; ".join(ConclusionResult(r).label.lower() for r in allowed)
        raise ValidationError({"result": f"Kết luận của cuộc {what} chỉ có thể là: {names}."})
    if remedy not in Remedy.values:
        raise ValidationError({"remedy": "Chọn góp ý, phê bình, nhắc nhở hoặc không."})
    announcement = inspection.steps.filter(step=Step.ANNOUNCEMENT).first()
    if announcement is not None and not announcement.done_on:
        raise ValidationError(
            {
                "result": "Cuộc kiểm tra, giám sát chưa công bố quyết định: ghi bước «Công bố quyết định» trước khi kết luận "
                "(quy trình kiểm tra, giám sát — QĐ 354-QĐ/UBKTTW)."
            }
        )
    start = announcement.done_on if announcement else inspection.decided_on
    if concluded_on < start:
        raise ValidationError(
            {
                "concluded_on": f"Ngày kết luận ({format_date(concluded_on)}) trước ngày công bố quyết định ({format_date(start)})."
            }
        )
    if concluded_on > timezone.localdate():
        raise ValidationError({"concluded_on": "Ngày kết luận chưa đến."})
    recommendations = list(recommendations)
    for r in recommendations:
        if r.due_on < concluded_on:
            raise ValidationError(
                {
                    "recommendations": f"Hạn thực hiện kiến nghị ({format_date(r.due_on)}) trước ngày kết luận."
                }
            )
    subject.result = result
    subject.concluded_on = concluded_on
    subject.strengths = _text(strengths, "Ưu điểm")
    subject.shortcomings = _text(shortcomings, "Hạn chế, khuyết điểm")
    subject.good_practice = _text(good_practice, "Nhân tố tích cực")
    subject.commendation = _text(commendation, "Đề nghị khen thưởng")
    subject.remedy = remedy
    subject.reservations = _text(reservations, "Ý kiến bảo lưu")
    subject.recommendations = "\n".join(_text(r.text, "Kiến nghị") for r in recommendations)
    subject.save()
    FollowUp.objects.bulk_create(
        FollowUp(
            inspection=inspection,
            subject=subject,
            text=_text(r.text, "Kiến nghị", required=True),
            owner_unit=r.owner_unit or subject.unit,
            due_on=r.due_on,
        )
        for r in recommendations
    )
    if result == ConclusionResult.VIOLATION_DISCIPLINE:
        DisciplineProposal.objects.create(
            inspection=inspection,
            subject=subject,
            proposed_on=concluded_on,
            note=subject.shortcomings,
        )
    record(
        "inspections.subject.concluded",
        target=inspection,
        unit_id=inspection.unit_id,
        details={
            "subject": subject.name,
            "result": ConclusionResult(result).label,
            "remedy": Remedy(remedy).label if remedy else "",
            "recommendations": len(recommendations),
            "discipline_proposal": result == ConclusionResult.VIOLATION_DISCIPLINE,
        },
    )
    return subject


def signs_inspection_open(
    supervision: Inspection,
    *,
    body: Body | None = None,
    decided_on: date,
    decision_number: str,
    topic: str = "",
    subjects: Iterable[InspectionSubject] | None = None,
    **fields,
) -> Inspection:
    """Turn a supervision that found signs of violation into an inspection on signs of violation
    of those subjects (linked to it), by the same body unless another is named."""
    if supervision.kind not in SUPERVISION_KINDS:
        raise ValidationError(
            {"__all__": "Chỉ cuộc giám sát mới chuyển sang kiểm tra khi có dấu hiệu vi phạm."}
        )
    with_signs = supervision.subjects.filter(result=ConclusionResult.SIGNS_OF_VIOLATION)
    chosen = list(
        with_signs if subjects is None else with_signs.filter(pk__in=[s.pk for s in subjects])
    )
    if not chosen:
        raise ValidationError(
            {
                "__all__": "Chưa có đối tượng nào được kết luận «có dấu hiệu vi phạm» trong cuộc giám sát này."
            }
        )
    if decided_on < (max(s.concluded_on for s in chosen)):
        raise ValidationError(
            {"decided_on": "Ngày quyết định kiểm tra phải sau ngày kết luận giám sát."}
        )
    return inspection_create(
        body=body or supervision.body,
        kind=InspectionKind.SIGNS_OF_VIOLATION,
        decided_on=decided_on,
        decision_number=decision_number,
        topic=topic or f"Kiểm tra khi có dấu hiệu vi phạm (từ giám sát: {supervision.topic})",
        subjects=[
            SubjectInput(member=s.member) if s.member else SubjectInput(unit=s.unit) for s in chosen
        ],
        secrecy=supervision.secrecy,
        origin=supervision,
        **fields,
    )


# --- follow-ups -----------------------------------------------------------------------------------


@transaction.atomic
def follow_up_close(follow_up: FollowUp, *, status: str, done_on: date, note: str = "") -> FollowUp:
    follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    if follow_up.status != FollowUpStatus.OPEN:
        raise ValidationError({"status": "Kiến nghị này đã được đóng."})
    if status not in (FollowUpStatus.DONE, FollowUpStatus.CANCELLED):
        raise ValidationError({"status": "Chọn «đã thực hiện» hoặc «không còn phải thực hiện»."})
    if done_on < follow_up.subject.concluded_on:
        raise ValidationError({"done_on": "Ngày hoàn thành trước ngày kết luận."})
    if done_on > timezone.localdate():
        raise ValidationError({"done_on": "Ngày hoàn thành chưa đến."})
    follow_up.status, follow_up.done_on = status, done_on
    follow_up.note = _text(note, "Ghi chú")
    follow_up.save(update_fields=["status", "done_on", "note"])
    record(
        "inspections.follow_up.closed",
        target=follow_up.inspection,
        unit_id=follow_up.owner_unit_id,
        details={
            "follow_up": follow_up.text[:200],
            "status": FollowUpStatus(status).label,
            "done_on": done_on,
        },
    )
    return follow_up


@transaction.atomic
def inspection_void(inspection: Inspection, *, reason: str) -> Inspection:
    reason = _text(reason, "Lý do hủy")
    if not reason:
        raise ValidationError({"reason": "Cần ghi lý do hủy."})
    if inspection.is_voided:
        raise ValidationError({"reason": "Cuộc kiểm tra, giám sát đã bị hủy."})
    if inspection.follow_ons.live().exists():
        raise ValidationError(
            {"reason": "Có cuộc kiểm tra chuyển từ cuộc giám sát này; hủy cuộc đó trước."}
        )
    inspection.voided_at = timezone.now()
    inspection.void_reason = reason
    inspection.save(update_fields=["voided_at", "void_reason"])
    record(
        "inspections.inspection.voided",
        target=inspection,
        unit_id=inspection.unit_id,
        details={"reason": reason},
    )
    return inspection


def office_in_use_since_set(day: date) -> OfficeSetting:
    """Set the date from which the office uses KTGS (older records are imported history)."""
    with transaction.atomic():
        old = in_use_since()
        row, _ = OfficeSetting.objects.update_or_create(
            key=IN_USE_SINCE, defaults={"value": day.isoformat()}
        )
        record(
            "core.setting.changed",
            target=row,
            changes={"in_use_since": [old, day]},
        )
    return row


__all__ = [
    "Recommendation",
    "SubjectInput",
    "TeamInput",
    "competence_problems",
    "follow_up_close",
    "in_use_since",
    "inspection_create",
    "inspection_void",
    "is_history",
    "office_in_use_since_set",
    "signs_inspection_open",
    "step_record",
    "subject_conclude",
]
