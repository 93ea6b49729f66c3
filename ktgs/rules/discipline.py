"""Discipline rules read from the pack: forms, competence, votes, limitation, effect, appeals and
suspension. Every lookup goes through `rule_in_force` (so office corrections apply) and returns
the value with the row's citation, status and id; the date that selects the row is named on each
function (docs/rules.md, "Discipline"). `unit` is the unit of the body that decides (votes,
resolves, suspends): the office overrides of that unit's subtree apply; without it, the pack's."""

import calendar as _calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from ktgs.orgs.models import OrgUnit
from ktgs.rules.calendar import add_working_days
from ktgs.rules.lookup import RuleNotInForce, rule_in_force
from ktgs.rules.models import RuleRow

MEMBER_FORMS = ("reprimand", "warning", "removal", "expulsion")
ORG_FORMS = ("reprimand", "warning", "dissolution")
SHARES = {"more_than_half": (1, 2), "two_thirds": (2, 3)}  # "trên một nửa", "ít nhất hai phần ba"


@dataclass(frozen=True)
class Basis:
    citation: str  # "QĐ 296-QĐ/TW, Điều 10, mục 1.1"
    status: str  # confirmed / to_check
    row_id: int

    @classmethod
    def of(cls, row: RuleRow) -> "Basis":
        return cls(row.citation, row.status, row.pk)


class _Cited:
    """citation, status and row_id of the row an answer came from (its `basis` field)."""

    @property
    def citation(self) -> str:
        return self.basis.citation

    @property
    def status(self) -> str:
        return self.basis.status

    @property
    def row_id(self) -> int:
        return self.basis.row_id


@dataclass(frozen=True)
class Forms(_Cited):
    forms: tuple[str, ...]  # lightest first
    basis: Basis


@dataclass(frozen=True)
class Competence(_Cited):
    per_form: dict[str, str]  # form -> "decide" | "propose" | "none"
    basis: Basis


@dataclass(frozen=True)
class VoteThreshold(_Cited):
    share: str  # "more_than_half" | "two_thirds"
    denominator: str  # "cell_full_members" | "seated_members"
    proposer_share: str | None  # what the proposing body must reach too (expulsion, dissolution)
    basis: Basis


@dataclass(frozen=True)
class Limitation(_Cited):
    years: int | None  # None: no limitation
    exceptions: str
    basis: Basis


@dataclass(frozen=True)
class LimitationScope(_Cited):
    no_limitation: tuple[str, ...]  # violation categories without a limitation period
    restart: bool  # a new violation within the period restarts the earlier one's count
    basis: Basis


@dataclass(frozen=True)
class LimitationCount:
    """The limitation of one ended violation for one form, as the competent body concluding on
    `concluded_on` counts it."""

    ends: date | None  # the last day to conclude; None: no limitation
    why_none: str  # "" | "form" (khai trừ, giải tán) | "category" (scope.no_limitation)
    counted_from: date  # the violation's end, or the later violation that restarted the count
    restarted: bool
    paused_days: int
    period: Limitation
    scope: LimitationScope

    @property
    def citations(self) -> str:
        if self.why_none == "category" or self.restarted:
            return f"{self.period.citation}; {self.scope.citation}"
        return self.period.citation


@dataclass(frozen=True)
class AppealWindow(_Cited):
    length: int
    unit: str  # "working_days" | "days" | "months"
    start: str  # "announcement" | "receipt"
    resolver: str  # "" when the research does not say
    basis: Basis


@dataclass(frozen=True)
class Effect(_Cited):
    day: date | None  # the effective date, or the end of effect (None: it never ends)
    event: str  # "announcement" | "signing" | "months" | "never"
    basis: Basis
    provisional: bool = False  # counted from the effective date for want of the announcement


@dataclass(frozen=True)
class Bar(_Cited):
    until: date  # the last day of the bar
    provisional: bool  # counted from the effective date for want of the announcement
    basis: Basis


@dataclass(frozen=True)
class Suspension(_Cited):
    days: int
    unit: str  # "days" | "working_days"
    extension_days: int
    cap: int
    basis: Basis


def sanction_forms(subject: str, on: date, *, unit: OrgUnit | None = None) -> Forms:
    """Forms allowed for an organisation / full / probationary member on the decision date."""
    row = rule_in_force("discipline_forms", subject, on, unit=unit)
    return Forms(tuple(row.value["forms"]), Basis.of(row))


def competence(
    body_kind: str,
    level: str,
    relation: str,
    violation_kind: str,
    on: date,
    *,
    may_admit_members: bool = False,
    unit: OrgUnit | None = None,
) -> Competence:
    """What this body may do with each form for this subject and violation on the decision date.

    A đảng ủy cơ sở's "decide_if_admits" becomes decide when it may admit members, else propose.
    """
    row = rule_in_force(
        "discipline_competence", f"{body_kind}:{level}", on, fallback=f"{body_kind}:*", unit=unit
    )
    per_kind = row.value.get(relation, {})
    values = per_kind.get(violation_kind, per_kind.get("*", {}))
    forms = ORG_FORMS if relation.startswith("org_") else MEMBER_FORMS
    admits = "decide" if may_admit_members else "propose"
    per_form = {}
    for form in forms:
        value = values.get(form, "none")
        per_form[form] = admits if value == "decide_if_admits" else value
    return Competence(per_form, Basis.of(row))


def vote_threshold(
    body_kind: str, form: str, on: date, *, unit: OrgUnit | None = None
) -> VoteThreshold:
    """The deciding body's threshold and denominator on the vote date; for expulsion and
    dissolution also the proposer's share (counted on the proposer's own denominator)."""
    row = rule_in_force("discipline_vote", body_kind, on, unit=unit)
    value = row.value
    proposer = value.get("proposer_share", {}).get(form)
    return VoteThreshold(value["share"], value["denominator"], proposer, Basis.of(row))


def reaches(votes_for: int, denominator_count: int, threshold: str) -> bool:
    """ "more_than_half": strictly more than half; "two_thirds": at least two thirds."""
    num, den = SHARES[threshold]
    if threshold == "more_than_half":
        return votes_for * den > denominator_count * num
    return votes_for * den >= denominator_count * num


def limitation(form: str, on: date, *, unit: OrgUnit | None = None) -> Limitation:
    """The limitation period for a form, chosen by the date the competent body concludes."""
    row = rule_in_force("discipline_limitation", form, on, unit=unit)
    return Limitation(row.value.get("years"), row.value.get("exceptions", ""), Basis.of(row))


def limitation_ends(
    violation_end: date, form: str, concluded_on: date, *, unit: OrgUnit | None = None
) -> date | None:
    """The last day on which the competent body may still conclude; None: no limitation."""
    years = limitation(form, concluded_on, unit=unit).years
    return None if years is None else add_months(violation_end, 12 * years)


def limitation_scope(subject: str, on: date, *, unit: OrgUnit | None = None) -> LimitationScope:
    """The violation categories without a limitation period and whether a new violation
    restarts the count, for a member (full, probationary) or an organisation, chosen by the date
    the competent body concludes."""
    key = "organisation" if subject == "organisation" else "member"
    row = rule_in_force("discipline_limitation_scope", key, on, unit=unit)
    value = row.value
    return LimitationScope(
        tuple(value.get("no_limitation", ())), bool(value.get("restart")), Basis.of(row)
    )


def limitation_count(
    violation_end: date,
    form: str,
    concluded_on: date,
    *,
    subject: str,
    category: str = "",
    later_starts: Iterable[date] = (),
    pauses: Iterable[tuple[date, date]] = (),
    unit: OrgUnit | None = None,
) -> LimitationCount:
    """The limitation of a violation that ended on `violation_end`: none for the form or the
    category; else the period from the end, restarted from each violation of the same subject
    committed (`later_starts`) within the running period when the regime says so, plus the
    days of the pauses (first and last day included) on or after the day counted from."""
    period = limitation(form, concluded_on, unit=unit)
    scope = limitation_scope(subject, concluded_on, unit=unit)
    pauses = list(pauses)
    if category in scope.no_limitation or period.years is None:
        why = "category" if category in scope.no_limitation else "form"
        return LimitationCount(None, why, violation_end, False, 0, period, scope)
    start, later = violation_end, sorted(set(later_starts))
    while True:
        paused = _paused_days(pauses, start)
        ends = add_months(start, 12 * period.years) + timedelta(days=paused)
        within = [d for d in later if start < d <= min(ends, concluded_on)]
        if not scope.restart or not within:
            break
        start = within[-1]
    return LimitationCount(ends, "", start, start != violation_end, paused, period, scope)


def _paused_days(pauses: list[tuple[date, date]], since: date) -> int:
    return sum((last - max(first, since)).days + 1 for first, last in pauses if last >= since)


def takes_effect(
    body_kind: str,
    on: date,
    *,
    signed_on: date | None = None,
    announced_on: date | None = None,
    unit: OrgUnit | None = None,
) -> Effect:
    """The effective date of a decision signed on `on`: a cell's on announcing the vote, the
    others' on signing (as the regime says). Raises ValueError when the needed date is missing."""
    row = rule_in_force("discipline_effect", body_kind, on, fallback="*", unit=unit)
    event = row.value["from"]
    day = announced_on if event == "announcement" else signed_on
    if day is None:
        what = "ngày công bố kết quả biểu quyết" if event == "announcement" else "ngày ký"
        raise ValueError(f"Cần {what} để tính ngày quyết định có hiệu lực ({row.citation}).")
    return Effect(day, event, Basis.of(row))


def effect_ends(
    effective_on: date,
    form: str,
    on: date,
    *,
    announced_on: date | None = None,
    unit: OrgUnit | None = None,
) -> Effect:
    """The day a decision signed on `on` stops having effect, if the subject neither appeals
    nor commits a new violation (None for expulsion, dissolution). The months count from what
    the regime says: the announcement (`announced_on`: of the decision, or of the decision
    resolving an appeal) or the effective date; provisional when the announcement is needed and
    not recorded (counted from the effective date)."""
    row = rule_in_force("discipline_effect_end", "*", on, unit=unit)
    if form in row.value.get("not_for", []):
        return Effect(None, "never", Basis.of(row))
    start, provisional = _clock_start(row, effective_on, announced_on)
    return Effect(add_months(start, row.value["months"]), "months", Basis.of(row), provisional)


def _clock_start(row: RuleRow, effective_on: date, announced_on: date | None, signed_on=None):
    """(the day a period counts from, provisional) under the row's "from"."""
    event = row.value.get("from", "effective")
    if event == "announcement":
        return (announced_on, False) if announced_on else (effective_on, True)
    if event == "signing" and signed_on is not None:
        return signed_on, False
    return effective_on, False


def charter_bar(
    form: str,
    signed_on: date,
    *,
    effective_on: date,
    announced_on: date | None = None,
    unit: OrgUnit | None = None,
) -> Bar | None:
    """The Party's bar after `form` (cách chức: one year not elected to a cấp ủy nor appointed
    to an equivalent or higher post, Điều lệ Đảng, Điều 40, khoản 3), chosen by the signing
    date; None when the form carries none."""
    try:
        row = rule_in_force("discipline_bar", form, signed_on, unit=unit)
    except RuleNotInForce:
        return None
    start, provisional = _clock_start(row, effective_on, announced_on, signed_on)
    return Bar(add_months(start, row.value["months"]), provisional, Basis.of(row))


def not_appointable_until(
    effective_on: date, form: str, on: date, *, unit: OrgUnit | None = None
) -> tuple[date | None, Basis | None]:
    """The last day a cadre disciplined with `form` (decision signed on `on`) is not appointed
    or introduced for election: (None, None) when the form has none or no row holds that day."""
    try:
        row = rule_in_force("discipline_after", "*", on, unit=unit)
    except RuleNotInForce:
        return None, None
    months = row.value["months"].get(form)
    if not months:
        return None, Basis.of(row)
    return add_months(effective_on, months), Basis.of(row)


def appeal_window(filed_on: date, *, unit: OrgUnit | None = None) -> AppealWindow:
    """The window to appeal; `unit`: the unit of the body that resolves the appeal."""
    row = rule_in_force("discipline_appeal", "*", filed_on, unit=unit)
    value = row.value
    return AppealWindow(
        value["length"], value["unit"], value["start"], value.get("resolver", ""), Basis.of(row)
    )


def appeal_deadline(start_day: date, filed_on: date, *, unit: OrgUnit | None = None) -> date:
    """The last day to file, counted from `start_day` (the announcement or the receipt, as
    appeal_window(filed_on).start says); the start day itself is not counted."""
    window = appeal_window(filed_on, unit=unit)
    return _add(start_day, window.length, window.unit)


def suspension(
    starts_on: date, *, subject: str = "member", unit: OrgUnit | None = None
) -> Suspension:
    row = rule_in_force("discipline_suspension", subject, starts_on, unit=unit)
    v = row.value
    return Suspension(v["days"], v["unit"], v["extension_days"], v["cap"], Basis.of(row))


def suspension_ends(
    starts_on: date, extended: bool, *, subject: str = "member", unit: OrgUnit | None = None
) -> date:
    """The last day of a suspension starting on `starts_on` (the start day not counted), with the
    longest extension the regime in force at its start allows when `extended`."""
    rule = suspension(starts_on, subject=subject, unit=unit)
    days = min(rule.days + rule.extension_days, rule.cap) if extended else rule.days
    return _add(starts_on, days, rule.unit)


@dataclass(frozen=True)
class SuspensionCompetence(_Cited):
    bodies: tuple[str, ...]  # body kinds that may suspend
    min_levels_above: int  # 0: the member's cell or above; 1: strictly above the organisation
    basis: Basis


def suspension_competence(
    starts_on: date, *, subject: str = "member", unit: OrgUnit | None = None
) -> SuspensionCompetence:
    """Who may suspend a member ("member") or an organisation's activity ("organisation"), by
    the start date; `unit`: the suspending body's unit."""
    row = rule_in_force("discipline_suspension_competence", subject, starts_on, unit=unit)
    v = row.value
    return SuspensionCompetence(tuple(v["bodies"]), v["min_levels_above"], Basis.of(row))


def _add(start: date, n: int, unit: str) -> date:
    if unit == "working_days":
        return add_working_days(start, n)
    if unit == "months":
        return add_months(start, n)
    return start + timedelta(days=n)


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it has no such day)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, _calendar.monthrange(year, month)[1]))
