"""The limitation count of a case's violations: the rule pack's periods and scope
(`rules.limitation_count`) fed with what the records say: the violation's category, the pauses
of the case, and the later violations of the same subject (this case and the subject's other
cases not voided) that restart the count (docs/discipline.md, "Limitation")."""

from datetime import date

from ktgs.core.choices import DisciplineForm
from ktgs.core.vietnamese import format_date
from ktgs.discipline.models import DisciplineCase, Violation
from ktgs.orgs.models import OrgUnit
from ktgs.rules import discipline as rules


def subject_violation_starts(case: DisciplineCase) -> list[date]:
    """The start dates of every violation recorded for the case's subject (a member: in any of
    their cases; an organisation: in its own cases), voided cases left out."""
    qs = Violation.objects.filter(case__voided_at__isnull=True)
    if case.member_id:
        qs = qs.filter(case__member_id=case.member_id)
    else:
        qs = qs.filter(case__member__isnull=True, case__subject_unit_id=case.subject_unit_id)
    return sorted(set(qs.values_list("started_on", flat=True)))


def violation_count(
    case: DisciplineCase,
    violation: Violation,
    form: str,
    concluded_on: date,
    *,
    unit: OrgUnit,
    starts: list[date] | None = None,
    pauses: list | None = None,
) -> rules.LimitationCount:
    """The limitation of one ended violation of the case for `form` (RuleNotInForce when the
    pack has no row for the conclusion date). `starts` and `pauses` save queries in loops."""
    if starts is None:
        starts = subject_violation_starts(case)
    if pauses is None:
        pauses = list(case.pauses.all())
    return rules.limitation_count(
        violation.ended_on,
        form,
        concluded_on,
        subject=case.subject_kind,
        category=violation.category,
        later_starts=starts,
        pauses=[(p.starts_on, p.ends_on) for p in pauses],
        unit=unit,
    )


def expired_text(violation: Violation, form: str, count: rules.LimitationCount) -> str:
    """The refusal when the period has run out, naming the rules applied."""
    restart = (
        f", tính lại từ vi phạm mới ngày {format_date(count.counted_from)}"
        if count.restarted
        else ""
    )
    return (
        f"Đã hết thời hiệu kỷ luật {DisciplineForm(form).label.lower()} ({count.period.years} "
        f"năm) đối với vi phạm kết thúc ngày {format_date(violation.ended_on)}{restart}: hết "
        f"ngày {format_date(count.ends)} — {count.citations}."
    )
