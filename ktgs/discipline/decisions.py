"""Votes and decisions of a discipline case, under the rules in force on the date that selects
each rule (rules/discipline.py): sanction forms, competence and vote thresholds by the vote or
decision date, the limitation period by the date the competent body concluded, the effective
date and the end of effect by the signing date. Every refusal names the rule and its source;
nothing is written unless every check passes. Decisions dated before the office's
`in_use_since` are history: competence and limitation failures become warnings on the record.
"""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ktgs.audit.services import record
from ktgs.core.choices import DisciplineForm, DisciplineSubject, SubjectRelation
from ktgs.core.docnumber import DocumentNumber
from ktgs.core.models import Dated
from ktgs.core.vietnamese import format_date
from ktgs.discipline.choices import VoteRole
from ktgs.discipline.limitation import expired_text, subject_violation_starts, violation_count
from ktgs.discipline.models import Decision, DisciplineCase, Vote
from ktgs.discipline.services import member_subject_kind
from ktgs.inspections.services import is_history
from ktgs.orgs.choices import BodyKind, MembershipEnd, MemberStatus, UnitAttributeKey
from ktgs.orgs.models import (
    Body,
    CommitteeSeat,
    ManagedBy,
    Membership,
    OrgUnit,
    UnitAttribute,
)
from ktgs.orgs.selectors import parent_on, unit_contains_on
from ktgs.rules import discipline as rules
from ktgs.rules.levels import level_on
from ktgs.rules.lookup import RuleNotInForce

# heaviest first: votes for a heavier form count for a lighter one when none reaches alone
HEAVIEST_FIRST = (
    DisciplineForm.DISSOLUTION,
    DisciplineForm.EXPULSION,
    DisciplineForm.REMOVAL,
    DisciplineForm.WARNING,
    DisciplineForm.REPRIMAND,
)
COMMITTEE_BODIES = (BodyKind.COMMITTEE, BodyKind.STANDING)
LOWERING_NOTE = "cộng dồn số phiếu từ hình thức cao xuống (quy trình biểu quyết kỷ luật)"


def _label(form: str) -> str:
    return DisciplineForm(form).label.lower()


# --- the facts the rules are keyed by ------------------------------------------------------


STRENGTH = {"decide": 2, "propose": 1, "none": 0}


def relations_of(body: Body, case: DisciplineCase, day: date) -> list[str]:
    """The relations competence is read for. An organisation whose parent's parent is the
    body's unit — directly under a lower committee — is both "under a lower committee"
    (khiển trách, cảnh cáo by a UBKT: QĐ 22-QĐ/TW) and "two levels down" (giải tán by the
    committee): the rows name it either way."""
    relation = relation_of(body, case, day)
    if relation == SubjectRelation.ORG_TWO_LEVELS_DOWN:
        return [SubjectRelation.ORG_TWO_LEVELS_DOWN, SubjectRelation.ORG_UNDER_LOWER]
    return [relation]


def competence_for(body: Body, case: DisciplineCase, kind: str, day: date):
    """(per_form, citation, relation label): what the body may do for this violation kind, the
    most permissive over the subject's relations."""
    per_form: dict[str, str] = {}
    citation, label = "", ""
    for relation in relations_of(body, case, day):
        rule = rules.competence(
            body.kind,
            level_on(body.unit, day),
            relation,
            kind,
            day,
            may_admit_members=_may_admit(body.unit, day),
            unit=body.unit,
        )
        citation = citation or rule.citation
        label = label or SubjectRelation(relation).label.lower()
        for form, value in rule.per_form.items():
            if STRENGTH[value] > STRENGTH[per_form.get(form, "none")]:
                per_form[form] = value
                citation = rule.citation
            else:
                per_form.setdefault(form, value)
    return per_form, citation, label


def competence_refusal(body: Body, subject, kinds, form: str, day: date) -> str:
    """Why `body` may not decide `form` for this subject (a case, or anything with `member_id`
    and `subject_unit`) and these violation kinds on `day`, naming the rule; "" when it may.
    The one competence check of decisions, appeal outcomes and imports."""
    for kind in sorted(set(kinds) or {"conduct"}):
        per_form, citation, label = competence_for(body, subject, kind, day)
        if per_form.get(form) != "decide":
            what = "chỉ được đề nghị" if per_form.get(form) == "propose" else "không được"
            return f"{body.name} {what} quyết định {_label(form)} đối với {label} — {citation}."
    return ""


def relation_of(body: Body, case: DisciplineCase, day: date) -> str:
    """The subject's relation to the deciding body on `day` (SubjectRelation)."""
    if case.member_id is None:
        parent = parent_on(case.subject_unit, day)
        if parent is not None and parent.pk == body.unit_id:
            return SubjectRelation.ORG_DIRECTLY_UNDER
        grand = parent_on(parent, day) if parent is not None else None
        if grand is not None and grand.pk == body.unit_id:
            return SubjectRelation.ORG_TWO_LEVELS_DOWN
        if case.subject_unit.pk != body.unit_id and unit_contains_on(
            body.unit, case.subject_unit, day
        ):
            return SubjectRelation.ORG_FURTHER_DOWN
        return SubjectRelation.ORG_NOT_BELOW  # the body's own organisation, or not under it
    seats = CommitteeSeat.objects.filter(
        Dated.q_on(day), member_id=case.member_id, body__kind__in=COMMITTEE_BODIES
    ).select_related("body__unit")
    if any(s.body.unit_id == body.unit_id for s in seats):
        return SubjectRelation.SAME_LEVEL_COMMITTEE
    managed = ManagedBy.objects.filter(Dated.q_on(day), member_id=case.member_id).select_related(
        "body__unit"
    )
    for m in managed:
        if m.body.unit_id != body.unit_id and unit_contains_on(m.body.unit, body.unit, day):
            return SubjectRelation.HIGHER_MANAGED
    if any(unit_contains_on(body.unit, s.body.unit, day) for s in seats):
        return SubjectRelation.LOWER_LEVEL_COMMITTEE
    return SubjectRelation.OWN_MEMBER


def denominator_of(body: Body, day: date) -> int:
    """A cell's full members, or the seated members of a committee / UBKT, on `day`."""
    if body.kind == BodyKind.CELL_MEETING:
        rows = Membership.objects.filter(Dated.q_on(day), unit_id=body.unit_id).select_related(
            "member"
        )
        return sum(1 for r in rows if r.member.status_on(day) == MemberStatus.FULL)
    return (
        CommitteeSeat.objects.filter(Dated.q_on(day), body=body)
        .values("member_id")
        .distinct()
        .count()
    )


def _may_admit(unit: OrgUnit, day: date) -> bool:
    row = UnitAttribute.objects.filter(
        Dated.q_on(day), unit=unit, key=UnitAttributeKey.MAY_ADMIT_MEMBERS
    ).first()
    return bool(row and row.value)


# --- votes ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    form: str  # "" when no form reaches the threshold
    threshold: rules.VoteThreshold
    explanation: str


def adopted_form(
    body: Body, counts: dict[str, int], denominator: int, day: date, forms: tuple[str, ...]
) -> Outcome:
    """The heaviest form whose votes — added with those of the heavier forms — reach the
    threshold of the body on `day`."""
    total, explanation = 0, []
    threshold = None
    for form in [f for f in HEAVIEST_FIRST if f in forms]:
        total += int(counts.get(form, 0))
        threshold = rules.vote_threshold(body.kind, form, day, unit=body.unit)
        if total and rules.reaches(total, denominator, threshold.share):
            share = "trên một nửa" if threshold.share == "more_than_half" else "hai phần ba"
            explanation.append(
                f"{_label(form)}: {total}/{denominator} phiếu đạt {share} — {threshold.citation}"
            )
            return Outcome(form, threshold, "; ".join(explanation))
        explanation.append(f"{_label(form)}: {total}/{denominator} phiếu")
    return Outcome("", threshold, "; ".join(explanation) + " — không hình thức nào đạt tỷ lệ")


@transaction.atomic
def vote_record(
    case: DisciplineCase,
    *,
    body: Body,
    role: str,
    voted_on: date,
    counts: dict[str, int],
    denominator: int | None = None,
) -> Vote:
    """Record a body's vote (counts per form). The denominator is the body's full or seated
    members on the vote date (computed when not given)."""
    if case.is_voided or hasattr(case, "decision"):
        raise ValidationError({"__all__": "Vụ việc đã có quyết định hoặc đã bị hủy."})
    if role not in VoteRole.values:
        raise ValidationError({"role": "Chọn đề nghị hay quyết định."})
    if voted_on > timezone.localdate():
        raise ValidationError({"voted_on": "Ngày biểu quyết chưa đến."})
    if voted_on < case.opened_on:
        raise ValidationError({"voted_on": "Ngày biểu quyết trước ngày bắt đầu xem xét."})
    counts = {f: int(n) for f, n in counts.items() if int(n or 0) > 0}
    if any(f not in DisciplineForm.values for f in counts) or any(n < 0 for n in counts.values()):
        raise ValidationError({"counts": "Số phiếu theo hình thức không đúng."})
    denominator = denominator if denominator is not None else denominator_of(body, voted_on)
    if denominator <= 0:
        raise ValidationError(
            {
                "denominator": f"{body.name} không có thành viên nào vào ngày {format_date(voted_on)}."
            }
        )
    if sum(counts.values()) > denominator:
        raise ValidationError(
            {
                "counts": f"Tổng số phiếu ({sum(counts.values())}) lớn hơn số thành viên ({denominator})."
            }
        )
    forms = rules.sanction_forms(case.subject_kind, voted_on, unit=body.unit).forms
    outcome = adopted_form(body, counts, denominator, voted_on, forms)
    vote = Vote.objects.create(
        case=case,
        body=body,
        role=role,
        voted_on=voted_on,
        denominator=denominator,
        counts=counts,
        proposed_form=outcome.form,
    )
    record(
        "discipline.vote.recorded",
        target=case,
        unit_id=case.unit_id,
        details={
            "body": body.name,
            "role": VoteRole(role).label,
            "on": voted_on,
            "votes": vote.counts_text,
            "denominator": denominator,
            "result": outcome.explanation,
        },
    )
    return vote


# --- the decision -------------------------------------------------------------------------------


def _problems(case: DisciplineCase, body: Body, form: str, signed_on: date) -> list[str]:
    """What the rules in force say against this decision (each naming its rule and source)."""
    problems = []
    try:
        allowed = rules.sanction_forms(case.subject_kind, signed_on, unit=body.unit)
        if form not in allowed.forms:
            problems.append(
                f"Không áp dụng hình thức {_label(form)} với "
                f"{DisciplineSubject(case.subject_kind).label.lower()} — {allowed.citation}."
            )
        kinds = set(case.violations.values_list("kind", flat=True))
        refusal = competence_refusal(body, case, kinds, form, signed_on)
        if refusal:
            problems.append(refusal)
        concluded_on = case.warranted_on or signed_on
        starts, pauses = subject_violation_starts(case), list(case.pauses.all())
        for v in case.violations.all():
            if v.continuing:
                continue
            count = violation_count(
                case, v, form, concluded_on, unit=body.unit, starts=starts, pauses=pauses
            )
            if count.ends is not None and concluded_on > count.ends:
                problems.append(expired_text(v, form, count))
    except RuleNotInForce as exc:
        problems.append(exc.messages[0])
    return problems


@transaction.atomic
def decision_make(
    case: DisciplineCase,
    *,
    body: Body,
    form: str,
    signed_on: date,
    number: str = "",
    announced_on: date | None = None,
    received_on: date | None = None,
    not_appointable_until: date | None = None,
) -> Decision:
    case = DisciplineCase.objects.select_for_update().get(pk=case.pk)
    if case.is_voided or hasattr(case, "decision"):
        raise ValidationError({"__all__": "Vụ việc đã có quyết định hoặc đã bị hủy."})
    if form not in DisciplineForm.values:
        raise ValidationError({"form": "Chọn hình thức kỷ luật."})
    today = timezone.localdate()
    for field, day in (("signed_on", signed_on), ("announced_on", announced_on)):
        if day and day > today:
            raise ValidationError({field: f"Ngày {format_date(day)} chưa đến."})
    if not case.violations.exists():
        raise ValidationError({"__all__": "Ghi ít nhất một vi phạm trước khi quyết định kỷ luật."})
    history = is_history(signed_on)
    if case.member_id:
        case.subject_kind = member_subject_kind(case.member, signed_on)
    try:
        allowed = rules.sanction_forms(case.subject_kind, signed_on, unit=body.unit)
    except RuleNotInForce as exc:
        allowed = None
        if not history:
            raise ValidationError({"form": exc.messages}) from exc
    if allowed is not None and form not in allowed.forms and not history:
        raise ValidationError(
            {
                "form": f"Không áp dụng hình thức {_label(form)} với "
                f"{DisciplineSubject(case.subject_kind).label.lower()} — {allowed.citation}."
            }
        )
    vote = case.votes.filter(body=body, role=VoteRole.DECIDE).order_by("-voted_on").first()
    if vote is None and not history:
        raise ValidationError(
            {"__all__": f"Chưa có biểu quyết quyết định của {body.name}: ghi biểu quyết trước."}
        )
    if vote is not None and signed_on < vote.voted_on:
        raise ValidationError(
            {
                "signed_on": f"Ngày ký ({format_date(signed_on)}) trước ngày biểu quyết "
                f"({format_date(vote.voted_on)})."
            }
        )
    if vote is not None and vote.proposed_form != form and not history:
        reached = _label(vote.proposed_form) if vote.proposed_form else "không hình thức nào"
        raise ValidationError(
            {
                "form": f"Biểu quyết ngày {format_date(vote.voted_on)} đạt tỷ lệ với {reached}, "
                f"không phải {_label(form)}."
            }
        )
    if vote is not None and not history:
        _check_proposer(case, body, form, signed_on)
    if case.member_id and form == DisciplineForm.REMOVAL and not _holds_post(case, signed_on):
        raise ValidationError(
            {"form": "Cách chức chỉ áp dụng với đảng viên đang giữ chức vụ (cấp ủy viên…)."}
        )
    problems = _problems(case, body, form, signed_on)
    if problems and not history:
        raise ValidationError({"__all__": problems})
    try:
        effect = rules.takes_effect(
            body.kind, signed_on, signed_on=signed_on, announced_on=announced_on, unit=body.unit
        )
        ends = rules.effect_ends(
            effect.day, form, signed_on, announced_on=announced_on, unit=body.unit
        )
    except ValueError as exc:
        raise ValidationError({"announced_on": str(exc)}) from exc
    number = str(DocumentNumber(number)) if number else ""
    seat = _top_committee_seat(case, signed_on)
    extra = [effect.basis, ends.basis]
    if not_appointable_until is None and case.member_id:
        not_appointable_until, after = rules.not_appointable_until(
            effect.day, form, signed_on, unit=body.unit
        )
        if after is not None and not_appointable_until is not None:
            extra.append(after)
    bar = None
    if case.member_id:
        bar = rules.charter_bar(
            form, signed_on, effective_on=effect.day, announced_on=announced_on, unit=body.unit
        )
    if bar is not None:
        extra.append(bar.basis)
    decision = Decision.objects.create(
        case=case,
        body=body,
        subject_unit=case.subject_unit,
        member=case.member,
        subject_name=case.member.full_name if case.member_id else case.subject_unit.name,
        subject_kind=case.subject_kind,
        committee_unit=seat.body.unit if seat else None,
        committee_level=seat.body.unit.kind.level if seat else "",
        form=form,
        number=number,
        signed_on=signed_on,
        announced_on=announced_on,
        received_on=received_on,
        effective_on=effect.day,
        effect_ends_on=ends.day,
        effect_end_provisional=ends.provisional,
        not_appointable_until=not_appointable_until,
        not_electable_until=bar.until if bar else None,
        basis=_basis_text(case, body, form, signed_on, extra),
        warnings="\n".join(problems),
        secrecy=case.secrecy,
    )
    case.save(update_fields=["subject_kind"])
    if form == DisciplineForm.EXPULSION and case.member_id:
        _end_membership(case, effect.day, number)
    record(
        "discipline.decision.made",
        target=decision,
        unit_id=body.unit_id,
        details={
            "body": body.name,
            "subject": decision.subject_name,
            "form": DisciplineForm(form).label,
            "number": number,
            "signed_on": signed_on,
            "effective_on": effect.day,
            "warnings": problems,
        },
    )
    return decision


def _basis_text(case: DisciplineCase, body: Body, form: str, day: date, extra: list) -> str:
    """The rules the decision was made under, each cited; a value an office corrected says so
    ("điều chỉnh của đơn vị từ …")."""
    from ktgs.rules.choices import RuleOrigin
    from ktgs.rules.models import RuleRow

    used = list(extra)
    try:
        used.append(rules.sanction_forms(case.subject_kind, day, unit=body.unit).basis)
        for kind in sorted(set(case.violations.values_list("kind", flat=True))) or ["conduct"]:
            for relation in relations_of(body, case, day):
                used.append(
                    rules.competence(
                        body.kind,
                        level_on(body.unit, day),
                        relation,
                        kind,
                        day,
                        may_admit_members=_may_admit(body.unit, day),
                        unit=body.unit,
                    ).basis
                )
        concluded_on = case.warranted_on or day
        used.append(rules.limitation(form, concluded_on, unit=body.unit).basis)
        used.append(rules.limitation_scope(case.subject_kind, concluded_on, unit=body.unit).basis)
    except RuleNotInForce:
        pass  # history: the warnings say which rule was missing
    rows = RuleRow.objects.in_bulk([b.row_id for b in used])
    parts = []
    for b in used:
        row = rows.get(b.row_id)
        text = b.citation
        if row is not None and row.origin == RuleOrigin.OFFICE:
            text += f" (điều chỉnh của đơn vị từ {format_date(row.starts_on)})"
        parts.append(text)
    return "; ".join(dict.fromkeys(parts))


def _check_proposer(case: DisciplineCase, body: Body, form: str, day: date) -> None:
    """Expulsion (and dissolution) also need the proposing body's share, when a body proposed:
    votes for this form or a heavier one, over the proposer's own denominator."""
    threshold = rules.vote_threshold(body.kind, form, day, unit=body.unit)
    if not threshold.proposer_share:
        return
    proposal = (
        case.votes.filter(role=VoteRole.PROPOSE).exclude(body=body).order_by("-voted_on").first()
    )
    if proposal is None:
        return  # no organisation proposed: only the deciding body's threshold
    heavier = HEAVIEST_FIRST[: HEAVIEST_FIRST.index(form) + 1]
    votes = sum(int(proposal.counts.get(f, 0)) for f in heavier)
    if not rules.reaches(votes, proposal.denominator, threshold.proposer_share):
        share = "hai phần ba" if threshold.proposer_share == "two_thirds" else "trên một nửa"
        raise ValidationError(
            {
                "form": f"{proposal.body.name} đề nghị {_label(form)} với {votes}/"
                f"{proposal.denominator} phiếu, chưa đạt {share} — {threshold.citation}."
            }
        )


def _holds_post(case: DisciplineCase, day: date) -> bool:
    return CommitteeSeat.objects.filter(Dated.q_on(day), member_id=case.member_id).exists()


def _top_committee_seat(case: DisciplineCase, day: date):
    if not case.member_id:
        return None
    from ktgs.inspections.services import LEVEL_RANK

    seats = CommitteeSeat.objects.filter(
        Dated.q_on(day), member_id=case.member_id, body__kind__in=COMMITTEE_BODIES
    ).select_related("body__unit__kind")
    return max(seats, key=lambda s: LEVEL_RANK.get(s.body.unit.kind.level, 0), default=None)


def _end_membership(case: DisciplineCase, day: date, number: str) -> None:
    from ktgs.orgs.services import membership_end

    membership_end(member=case.member, on=day, reason=MembershipEnd.EXPELLED, decision=number or "")
