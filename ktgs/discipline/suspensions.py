"""Suspensions: đình chỉ sinh hoạt đảng of a member, đình chỉ hoạt động of a party organisation.

Who may suspend (`rules.discipline.suspension_competence`), the length, the extension and the
cap (`rules.discipline.suspension`) come from the rows in force on the start date, read for the
suspending body's unit (its office overrides). An organisation is suspended only by a body of a
unit above it, never by its own bodies.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Coalesce
from django.utils import timezone

from ktgs.audit.services import record
from ktgs.core.models import Dated, Secrecy
from ktgs.core.validators import reject_control_chars
from ktgs.core.vietnamese import format_date, nfc
from ktgs.discipline.choices import SuspensionSubject
from ktgs.discipline.models import Suspension
from ktgs.orgs.choices import BodyKind
from ktgs.orgs.models import Body, CommitteeSeat, Member, OrgUnit
from ktgs.orgs.selectors import member_cell_on as cell_on
from ktgs.orgs.selectors import parent_on
from ktgs.rules import discipline as rules
from ktgs.rules.lookup import RuleNotInForce


def _text(value: str, label: str) -> str:
    return nfc(reject_control_chars(value or "", label, multiline=True)).strip()


# The bodies the form offers; which of them may suspend whom is the rule pack's
# (family "discipline_suspension_competence").
SUSPENDING_BODIES = (BodyKind.COMMITTEE, BodyKind.STANDING, BodyKind.INSPECTION)
SUSPENSION_COMPETENCE = (
    "đảng viên: cấp ủy, ban thường vụ cấp ủy, ủy ban kiểm tra của tổ chức đảng có chi bộ của "
    "đảng viên; tổ chức đảng: cấp ủy, ban thường vụ cấp ủy cấp trên (tạm áp dụng, cần đối chiếu)"
)
BODY_WORDS = {
    BodyKind.COMMITTEE: "cấp ủy",
    BodyKind.STANDING: "ban thường vụ cấp ủy",
    BodyKind.INSPECTION: "ủy ban kiểm tra",
}
MEMBER = SuspensionSubject.MEMBER
ORGANISATION = SuspensionSubject.ORGANISATION


def levels_above(ancestor: OrgUnit, unit: OrgUnit, day: date) -> int | None:
    """How many levels `ancestor` lies above `unit` in the tree on `day` (0: the unit itself);
    None when it does not contain it."""
    seen, node, n = set(), unit, 0
    while node is not None and node.pk not in seen:
        if node.pk == ancestor.pk:
            return n
        seen.add(node.pk)
        node, n = parent_on(node, day), n + 1
    return None


def _who(rule: rules.SuspensionCompetence, subject: str) -> str:
    bodies = ", ".join(BODY_WORDS.get(k, k) for k in rule.bodies)
    if subject == MEMBER:
        return f"{bodies} của tổ chức đảng có chi bộ của đảng viên"
    return f"{bodies} cấp trên của tổ chức đảng"


def _check_competence(body: Body, unit: OrgUnit, day: date, subject: str):
    """The rule of who may suspend, or ValidationError naming it (body not competent, an
    organisation not below the body)."""
    try:
        rule = rules.suspension_competence(day, subject=subject, unit=body.unit)
    except RuleNotInForce as exc:
        raise ValidationError({"starts_on": exc.messages}) from exc
    levels = levels_above(body.unit, unit, day)
    what = "sinh hoạt đảng viên này" if subject == MEMBER else f"hoạt động của {unit.name}"
    if body.kind not in rule.bodies:
        raise ValidationError(
            {
                "body": f"{body.name} không được đình chỉ {what} — chỉ {_who(rule, subject)} "
                f"({rule.citation})."
            }
        )
    if subject == ORGANISATION and levels == 0:
        raise ValidationError(
            {
                "subject_unit": f"Tổ chức đảng không tự đình chỉ hoạt động của mình: chỉ cấp "
                f"trên của {unit.name} được đình chỉ ({rule.citation})."
            }
        )
    if levels is None or levels < rule.min_levels_above:
        where = "chi bộ của đảng viên" if subject == MEMBER else unit.name
        raise ValidationError(
            {
                "body": f"{body.name} không được đình chỉ {what} — {where} không ở dưới "
                f"{body.unit.name} vào ngày {format_date(day)}; chỉ {_who(rule, subject)} "
                f"({rule.citation})."
            }
        )
    return rule


def suspension_last_day(suspension: Suspension) -> date:
    """The last day of the suspension: the extended end when extended."""
    return suspension.extended_to or suspension.ends_on


def _same_subject(suspension: Suspension) -> dict:
    if suspension.member_id:
        return {"member_id": suspension.member_id}
    return {"subject_kind": ORGANISATION, "subject_unit_id": suspension.subject_unit_id}


def _overlapping(subject: dict, first: date, last: date, exclude: int | None = None):
    rows = (
        Suspension.objects.annotate(last=Coalesce("extended_to", "ends_on"))
        .filter(starts_on__lte=last, last__gte=first, **subject)
        .order_by("starts_on")
    )
    return rows.exclude(pk=exclude) if exclude else rows


def suspended_seats(suspension: Suspension):
    """Committee seats the member held on the start date: their committee activity is suspended
    for the same period (shown, not written: the seats themselves are not changed). None for an
    organisation."""
    if not suspension.member_id:
        return CommitteeSeat.objects.none()
    return (
        CommitteeSeat.objects.filter(Dated.q_on(suspension.starts_on), member=suspension.member)
        .select_related("body__unit")
        .order_by("body__unit__path", "body__kind")
    )


def _capped_end(starts_on: date, longest: date, ends_on: date | None, cap_text: str) -> date:
    """`ends_on` as asked (the longest allowed when empty); refused above the cap."""
    if ends_on is None:
        return longest
    if ends_on <= starts_on:
        raise ValidationError({"ends_on": "Ngày kết thúc phải sau ngày bắt đầu."})
    if ends_on > longest:
        raise ValidationError(
            {
                "ends_on": f"Thời hạn quá mức cho phép: {cap_text}, đến hết ngày {format_date(longest)}."
            }
        )
    return ends_on


def _days_text(rule: rules.Suspension, days: int) -> str:
    unit = "ngày làm việc" if rule.unit == "working_days" else "ngày"
    return f"không quá {days} {unit} — {rule.citation}"


def _subject_unit(subject: str, member: Member | None, unit: OrgUnit | None, day: date):
    if subject == MEMBER:
        cell = cell_on(member, day)
        if cell is None:
            raise ValidationError(
                {
                    "starts_on": f"{member.full_name} không sinh hoạt đảng vào ngày "
                    f"{format_date(day)}; kiểm tra lại ngày bắt đầu."
                }
            )
        return cell
    if unit is None:
        raise ValidationError({"subject_unit": "Chọn tổ chức đảng bị đình chỉ hoạt động."})
    return unit


@transaction.atomic
def suspension_start(
    member: Member | None = None,
    *,
    body: Body,
    starts_on: date,
    reason: str,
    unit: OrgUnit | None = None,
    ends_on: date | None = None,
) -> Suspension:
    """Suspend `member` (đình chỉ sinh hoạt đảng) or, without a member, the organisation `unit`
    (đình chỉ hoạt động), from `starts_on` to `ends_on` (empty: the longest the rule allows)."""
    subject = MEMBER if member is not None else ORGANISATION
    reason = _text(reason, "Lý do")
    if not reason:
        raise ValidationError({"reason": "Cần ghi lý do đình chỉ."})
    if starts_on > timezone.localdate():
        raise ValidationError({"starts_on": "Ngày bắt đầu chưa đến."})
    try:
        rule = rules.suspension(starts_on, subject=subject, unit=body.unit)
    except RuleNotInForce as exc:
        raise ValidationError({"starts_on": exc.messages}) from exc
    subject_unit = _subject_unit(subject, member, unit, starts_on)
    competence = _check_competence(body, subject_unit, starts_on, subject)
    longest = rules.suspension_ends(starts_on, False, subject=subject, unit=body.unit)
    ends_on = _capped_end(starts_on, longest, ends_on, _days_text(rule, rule.days))
    row = Suspension(
        subject_kind=subject,
        subject_unit=subject_unit,
        member=member,
        body=body,
        starts_on=starts_on,
        ends_on=ends_on,
        reason=reason,
        basis=f"{rule.citation}; {competence.citation}"[:255],
        secrecy=member.secrecy if member is not None else Secrecy.NORMAL,
    )
    clash = _overlapping(_same_subject(row), starts_on, ends_on).first()
    if clash is not None:
        raise ValidationError(
            {
                "starts_on": f"Trùng thời gian với đình chỉ từ {format_date(clash.starts_on)} "
                f"đến {format_date(clash.last)}; chọn ngày bắt đầu sau ngày đó."
            }
        )
    row.save()
    record(
        "discipline.suspension.started",
        target=member if member is not None else subject_unit,
        unit_id=body.unit_id,
        details={
            "subject": subject,
            "starts_on": starts_on,
            "ends_on": row.ends_on,
            "basis": row.basis,
        },
    )
    return row


def suspension_extension(suspension: Suspension) -> tuple[date | None, str]:
    """The end one extension would give at most (None when the regime allows none) and its
    citation — the regime in force at the suspension's start."""
    unit = suspension.body.unit  # the suspending body's: its office overrides apply
    subject = suspension.subject_kind
    rule = rules.suspension(suspension.starts_on, subject=subject, unit=unit)
    if not rule.extension_days:
        return None, rule.citation
    return rules.suspension_ends(suspension.starts_on, True, subject=subject, unit=unit), (
        rule.citation
    )


@transaction.atomic
def suspension_extend(
    suspension: Suspension, *, on: date | None = None, to: date | None = None
) -> Suspension:
    """Extend once, to `to` (empty: the longest the regime in force at the start allows). With
    `on` (the day the extension is decided) the suspension must still be running that day."""
    locked = Suspension.objects.select_for_update().get(pk=suspension.pk)
    if locked.extended_to:
        raise ValidationError({"__all__": "Đã gia hạn đình chỉ một lần."})
    if on is not None and not suspension.starts_on <= on <= suspension.ends_on:
        raise ValidationError(
            {
                "__all__": f"Chỉ gia hạn khi đình chỉ còn hiệu lực (từ "
                f"{format_date(suspension.starts_on)} đến {format_date(suspension.ends_on)})."
            }
        )
    longest, citation = suspension_extension(suspension)
    if longest is None:
        raise ValidationError({"__all__": f"Quy định không cho gia hạn — {citation}."})
    if to is not None and to <= suspension.ends_on:
        raise ValidationError({"__all__": "Ngày gia hạn phải sau ngày hết hạn đình chỉ."})
    if to is not None and to > longest:
        raise ValidationError(
            {
                "__all__": f"Gia hạn quá mức cho phép: tổng thời gian đình chỉ đến hết ngày "
                f"{format_date(longest)} — {citation}."
            }
        )
    extended_to = to or longest
    clash = _overlapping(
        _same_subject(suspension), suspension.ends_on, extended_to, exclude=suspension.pk
    ).first()
    if clash is not None:
        raise ValidationError(
            {
                "__all__": f"Gia hạn đến {format_date(extended_to)} sẽ trùng với đình chỉ từ "
                f"{format_date(clash.starts_on)}."
            }
        )
    suspension.extended_to = locked.extended_to = extended_to
    locked.save(update_fields=["extended_to"])
    record(
        "discipline.suspension.extended",
        target=suspension.member or suspension.subject_unit,
        unit_id=suspension.body.unit_id,
        details={"extended_to": suspension.extended_to, "basis": citation},
    )
    return suspension
