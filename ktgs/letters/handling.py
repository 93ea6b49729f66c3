"""Handling an accepted letter (issue 16, point 4) and erasing a closed letter's filer identity
(point 7): accept (thụ lý) and assign a handler, dated steps, extensions within the cap, a
verdict per content item, the reply to the filer, the inspections and discipline cases the
letter led to or informed, and the leader's decision to erase who sent it.

Each write checks everything before writing (who may do it, the letter's state, every value),
runs in one transaction and records one audit event. No event, message or log carries the
filer's identity or any free text of the handling (a conclusion, a reply, a note may quote the
filer): events hold codes, dates, numbers and counts.

Who handles: a user holding, in the receiving body's own unit today, a role that changes records
(`services.acts_for`) — a superior's officer does not keep a lower body's register. The handler
and the team are such users too, and must themselves see the letter (not among the accused, a
clearance at its secrecy). Erasing the identity is for the receiving unit's UBKT leaders only.

Opening a letter changes nothing about the accused member (status, roles, membership): while a
denunciation is pending the accused keeps all rights (tests/test_handling.py checks it).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from ktgs.accounts.access import EDIT, ROLE_ACTIONS, visible_to
from ktgs.accounts.models import Assignment, Role, User
from ktgs.audit.services import record
from ktgs.core.concurrency import bump_version
from ktgs.core.dates import reject_future
from ktgs.core.validators import clean_text
from ktgs.core.vietnamese import format_date
from ktgs.discipline import services as discipline
from ktgs.discipline.choices import CaseOrigin
from ktgs.discipline.models import DisciplineCase
from ktgs.inspections.models import Inspection
from ktgs.letters import deadlines
from ktgs.letters.choices import (
    CaseRelation,
    ContentCategory,
    LetterKind,
    LetterStatus,
    LetterVerdict,
    StepKind,
)
from ktgs.letters.models import Letter, LetterCase, LetterExtension, LetterItem, LetterStep
from ktgs.letters.services import FILER_FIELDS, acts_for
from ktgs.orgs.models import Body, Member, OrgUnit
from ktgs.rules import letters as rules

# Steps a user records by hand; the others are written by the service that does the act.
FREE_STEPS = (
    StepKind.TEAM,
    StepKind.PLAN,
    StepKind.FILER,
    StepKind.ACCUSED,
    StepKind.VERIFY,
    StepKind.REPORT,
    StepKind.OTHER,
)
# Letters whose handling is over: the filer's identity may then be erased (never earlier).
CLOSED = (
    LetterStatus.CONCLUDED,
    LetterStatus.NOT_CONSIDERED,
    LetterStatus.FORWARDED,
    LetterStatus.INFORMATION,
)
# The verdicts of a letter received before the pack's first letters row (no rule: true / false).
FALLBACK_VERDICTS = (LetterVerdict.TRUE, LetterVerdict.FALSE)
NUMBER_LIMIT = 50


# --- who ---------------------------------------------------------------------------------------


def may_handle(scope, letter: Letter) -> bool:
    """May the user write the handling of `letter` (they see it and act for its body)?"""
    return scope.sees(letter) and acts_for(scope, letter.body)


def may_erase_identity(scope, letter: Letter) -> bool:
    """Only the receiving unit's own UBKT leaders (chairman, vice-chairmen)."""
    return scope.sees(letter) and any(
        g.role == Role.UBKT_LEADER and g.path == letter.unit.path for g in scope.grants
    )


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _require_handle(scope, letter: Letter) -> None:
    _require(
        may_handle(scope, letter),
        f"Đồng chí không làm việc cho {letter.body.name}: chỉ người có vai trò cập nhật hồ sơ "
        "tại cơ quan tiếp nhận mới giải quyết đơn này.",
    )


def handler_candidates(letter: Letter, on: date | None = None) -> list[User]:
    """The users who may be the letter's handler or on its team: active, holding today in the
    receiving body's unit a role that changes records, and seeing the letter themselves."""
    on = on or timezone.localdate()
    roles = [role for role, actions in ROLE_ACTIONS.items() if EDIT in actions]
    ids = (
        Assignment.objects.filter(Assignment.q_on(on), unit=letter.unit, role__in=roles)
        .values_list("user_id", flat=True)
        .distinct()
    )
    users = User.objects.filter(pk__in=ids, is_active=True).order_by("full_name", "username")
    return [u for u in users if visible_to(u, on).sees(letter)]


def _check_people(letter: Letter, handler: User | None, team: Iterable[User]):
    allowed = {u.pk for u in handler_candidates(letter)}
    if handler is None:
        raise ValidationError({"handler": "Chọn người được giao xử lý đơn."})
    if handler.pk not in allowed:
        raise ValidationError(
            {
                "handler": f"{handler.full_name or handler.username} không có vai trò cập nhật hồ "
                f"sơ tại {letter.body.unit.name} hoặc không được xem đơn này (có thể thuộc tổ chức "
                "bị tố cáo); chọn người khác trong danh sách."
            }
        )
    team = list(team)
    for user in team:
        if user.pk not in allowed:
            raise ValidationError(
                {
                    "team": f"{user.full_name or user.username} không được xem đơn này hoặc không "
                    f"làm việc tại {letter.body.unit.name}; ghi người ngoài cơ quan ở ô «thành "
                    "viên khác»."
                }
            )
    return handler, team


# --- small checks ----------------------------------------------------------------------------------


def _day(letter: Letter, day: date | None, key: str, label: str, *, after: date | None = None):
    """A date of something done: given, not before the letter was received (nor `after`), not
    in the future."""
    if day is None:
        raise ValidationError({key: f"Cần ghi {label}."})
    if day < letter.received_on:
        raise ValidationError(
            {
                key: f"Ngày {label} ({format_date(day)}) trước ngày nhận đơn "
                f"({format_date(letter.received_on)}); sửa lại ngày."
            }
        )
    if after is not None and day < after:
        raise ValidationError(
            {key: f"Ngày {label} ({format_date(day)}) trước ngày {format_date(after)}."}
        )
    reject_future(**{key: day})
    return day


def _locked(letter: Letter) -> Letter:
    """The letter re-read under a row lock (two users acting at once: the second sees the
    first's result)."""
    return Letter.objects.select_for_update().select_related("body__unit", "unit").get(pk=letter.pk)


def _step(scope, letter: Letter, kind: str, on: date, note: str = "") -> LetterStep:
    return LetterStep.objects.create(
        letter=letter, kind=kind, on=on, note=note, recorded_by_id=scope.user_id
    )


def _save(letter: Letter, fields: list[str]) -> None:
    bump_version(letter)
    letter.save(update_fields=[*fields, "version"])


# --- accept, assign ----------------------------------------------------------------------------


@transaction.atomic
def letter_accept(
    *,
    scope,
    letter: Letter,
    accepted_on: date | None,
    number: str = "",
    handler: User | None,
    team: Iterable[User] = (),
    team_text: str = "",
) -> Letter:
    """The decision to resolve (thụ lý) a registered letter: it becomes ACCEPTED, with its
    handler and team, a DECIDED step, and its due date from the rule pack (a kiến nghị, phản
    ánh has no limit in the pack: accepted without one)."""
    _require_handle(scope, letter)
    letter = _locked(letter)
    if letter.status != LetterStatus.REGISTERED:
        raise ValidationError(
            {
                "__all__": f"Đơn đang ở tình trạng «{letter.get_status_display()}»: chỉ thụ lý "
                "đơn đã tiếp nhận, chưa phân loại."
            }
        )
    if letter.kind not in LetterKind.values:
        raise ValidationError({"__all__": "Loại đơn không hợp lệ."})
    accepted_on = _day(letter, accepted_on, "accepted_on", "quyết định giải quyết")
    number = clean_text(number, "Số quyết định, thông báo thụ lý", "number", limit=NUMBER_LIMIT)
    team_text = clean_text(team_text, "Thành viên khác của tổ giải quyết", "team_text", limit=2000)
    handler, team = _check_people(letter, handler, team)
    letter.status = LetterStatus.ACCEPTED
    letter.accepted_on = accepted_on
    letter.accept_number = number
    letter.handler = handler
    letter.team_text = team_text
    if letter.routed_on is None:
        letter.routed_on = accepted_on
    try:
        deadline = deadlines.refresh_due(letter)
    except ValidationError as exc:  # the rule refuses the start day
        raise ValidationError({"accepted_on": exc.messages}) from exc
    _save(
        letter,
        [
            "status",
            "accepted_on",
            "accept_number",
            "handler",
            "team_text",
            "routed_on",
            "due_on",
            "limit_citation",
        ],
    )
    letter.team.set(team)
    _step(scope, letter, StepKind.DECIDED, accepted_on)
    record(
        "letters.letter.accepted",
        target=letter,
        unit_id=letter.unit_id,
        details={
            "accepted_on": accepted_on,
            "number": number,
            "handler": handler.username,
            "team": [u.username for u in team],
            "due_on": letter.due_on,
            "limit": deadline.limit.citation if deadline else "",
        },
    )
    return letter


@transaction.atomic
def letter_assign(*, scope, letter: Letter, handler: User | None, on: date | None) -> Letter:
    """Give the letter to a (new) handler: an ASSIGNED step."""
    _require_handle(scope, letter)
    letter = _locked(letter)
    if letter.status not in (LetterStatus.REGISTERED, LetterStatus.ACCEPTED):
        raise ValidationError({"__all__": "Đơn đã xử lý xong; không giao lại người xử lý được."})
    on = _day(letter, on, "on", "giao xử lý")
    handler, _team = _check_people(letter, handler, ())
    if handler.pk == letter.handler_id:
        raise ValidationError({"handler": "Đồng chí này đang là người xử lý đơn."})
    before = letter.handler.username if letter.handler_id else ""
    letter.handler = handler
    _save(letter, ["handler"])
    _step(scope, letter, StepKind.ASSIGNED, on)
    record(
        "letters.letter.assigned",
        target=letter,
        unit_id=letter.unit_id,
        changes={"handler": [before, handler.username]},
        details={"on": on},
    )
    return letter


def _require_accepted(letter: Letter, what: str) -> None:
    if letter.status != LetterStatus.ACCEPTED:
        raise ValidationError(
            {
                "__all__": f"Đơn chưa được thụ lý giải quyết (tình trạng: "
                f"«{letter.get_status_display()}»): chưa {what} được."
            }
        )


# --- steps, extensions ----------------------------------------------------------------------


@transaction.atomic
def step_add(*, scope, letter: Letter, kind: str, on: date | None, note: str = "") -> LetterStep:
    _require_handle(scope, letter)
    letter = _locked(letter)
    _require_accepted(letter, "ghi bước giải quyết")
    if kind not in FREE_STEPS:
        raise ValidationError({"kind": "Chọn bước trong danh sách."})
    on = _day(letter, on, "on", "thực hiện", after=letter.accepted_on)
    note = clean_text(note, "Ghi chú", "note", limit=4000)
    step = _step(scope, letter, kind, on, note)
    _save(letter, [])
    record(
        "letters.letter.step_added",
        target=letter,
        unit_id=letter.unit_id,
        details={"kind": kind, "on": on, "note_given": bool(note)},
    )
    return step


@transaction.atomic
def extension_grant(
    *, scope, letter: Letter, granted_on: date | None, days, reason: str
) -> LetterExtension:
    """Extend the time limit by `days` (in the limit's day type), within the pack's cap."""
    _require_handle(scope, letter)
    letter = _locked(letter)
    _require_accepted(letter, "gia hạn")
    granted_on = _day(letter, granted_on, "granted_on", "gia hạn", after=letter.accepted_on)
    try:
        days = int(days)
    except (TypeError, ValueError):
        raise ValidationError({"days": "Số ngày gia hạn là một số nguyên dương."}) from None
    if days < 1:
        raise ValidationError({"days": "Số ngày gia hạn là một số nguyên dương."})
    reason = clean_text(reason, "Lý do gia hạn", "reason", required=True, limit=4000)
    try:
        deadline = deadlines.deadline_of(letter, extra_days=days)
    except ValidationError as exc:
        raise ValidationError({"days": exc.messages}) from exc
    if deadline is None:
        raise ValidationError(
            {
                "days": "Đơn này không có thời hạn giải quyết theo quy định (kiến nghị, phản ánh, "
                "hoặc nhận trước khi có quy định về đơn thư): không có gì để gia hạn."
            }
        )
    extension = LetterExtension.objects.create(
        letter=letter, granted_on=granted_on, days=days, reason=reason
    )
    _step(
        scope, letter, StepKind.EXTENDED, granted_on, f"Gia hạn {days} {deadline.limit.unit_name}."
    )
    deadlines.refresh_due(letter)
    _save(letter, ["due_on", "limit_citation"])
    record(
        "letters.letter.extended",
        target=letter,
        unit_id=letter.unit_id,
        details={
            "granted_on": granted_on,
            "days": days,
            "day_type": deadline.limit.day_type,
            "due_on": letter.due_on,
            "limit": deadline.limit.citation,
        },
    )
    return extension


# --- verdicts, conclusion, reply ------------------------------------------------------------------


@dataclass(frozen=True)
class VerdictChoices:
    choices: tuple[str, ...]
    citation: str  # the rule row cited ("" without one)

    @property
    def item_choices(self) -> list[tuple[str, str]]:
        return [(v, LetterVerdict(v).label) for v in self.choices]


def verdict_choices_for(letter: Letter) -> VerdictChoices:
    """The verdicts a content item of this letter may get, by the date it was received."""
    found = rules.verdict_choices(letter.received_on, unit=letter.body.unit)
    if found is None:
        return VerdictChoices(FALLBACK_VERDICTS, "")
    return VerdictChoices(found.item_verdicts, found.citation)


def verdict_of(letter: Letter) -> str:
    """The whole letter's figure (true / partly true / false) from its items' verdicts, "" while
    an item has none (for the figures: `rules.letters.letter_verdict`)."""
    verdicts = [item.verdict for item in letter.items.all()]
    if not verdicts or "" in verdicts:
        return ""
    return rules.letter_verdict(verdicts)


def verdict_label(letter: Letter) -> str:
    code = verdict_of(letter)
    return LetterVerdict(code).label if code else ""


@transaction.atomic
def items_conclude(
    *,
    scope,
    letter: Letter,
    verdicts: Mapping[int, str],
    notes: Mapping[int, str] | None = None,
    categories: Mapping[int, str] | None = None,
    concluded_on: date | None,
    number: str = "",
    conclusion: str = "",
) -> Letter:
    """Record the verdict of content items (item pk → verdict code; "" leaves an item open).
    When every item has its verdict the letter is CONCLUDED (on `concluded_on`, with the
    conclusion's number and text) and a CONCLUDED step is written. `categories` (item pk →
    ContentCategory code, "" for none) classify the items for the statistical forms."""
    _require_handle(scope, letter)
    letter = _locked(letter)
    if letter.status != LetterStatus.ACCEPTED:
        raise ValidationError(
            {
                "__all__": "Chưa kết luận được: đơn chưa được thụ lý giải quyết (tình trạng: "
                f"«{letter.get_status_display()}»). Quyết định giải quyết đơn trước."
            }
        )
    notes, categories = notes or {}, categories or {}
    allowed = verdict_choices_for(letter)
    items = {item.pk: item for item in LetterItem.objects.select_for_update().filter(letter=letter)}
    unknown = (set(verdicts) | set(notes) | set(categories)) - set(items)
    if unknown:
        raise ValidationError({"__all__": "Có nội dung không thuộc đơn này."})
    changed = []
    for pk, item in sorted(items.items(), key=lambda kv: kv[1].position):
        verdict = verdicts.get(pk, item.verdict) or ""
        note = clean_text(
            notes.get(pk, item.verdict_note), "Nhận xét nội dung", f"note_{pk}", limit=4000
        )
        if verdict and verdict not in allowed.choices:
            labels = "; ".join(label for _v, label in allowed.item_choices)
            raise ValidationError(
                {
                    f"verdict_{pk}": f"Nội dung {item.position}: chọn một kết luận theo quy định "
                    f"áp dụng cho đơn nhận ngày {format_date(letter.received_on)} "
                    f"({allowed.citation or 'chưa có quy định'}): {labels}."
                }
            )
        if note and not verdict:
            raise ValidationError(
                {f"verdict_{pk}": f"Nội dung {item.position}: có nhận xét thì chọn kết luận."}
            )
        category = categories.get(pk, item.content_category) or ""
        if category and category not in ContentCategory.values:
            raise ValidationError(
                {
                    f"category_{pk}": f"Nội dung {item.position}: chọn phân loại trong danh mục "
                    "của biểu thống kê, hoặc để trống."
                }
            )
        if (verdict, note, category) != (item.verdict, item.verdict_note, item.content_category):
            item.verdict, item.verdict_note, item.content_category = verdict, note, category
            changed.append(item)
    done = all(item.verdict for item in items.values())
    concluded_on = _day(letter, concluded_on, "concluded_on", "kết luận", after=letter.accepted_on)
    number = clean_text(number, "Số kết luận, thông báo", "number", limit=NUMBER_LIMIT)
    conclusion = clean_text(conclusion, "Nội dung kết luận", "conclusion", limit=20000)
    if done and not conclusion:
        raise ValidationError(
            {"conclusion": "Mọi nội dung đã có kết luận: ghi nội dung kết luận của đơn."}
        )
    if not changed and not done:
        raise ValidationError({"__all__": "Chưa chọn kết luận cho nội dung nào."})
    LetterItem.objects.bulk_update(changed, ["verdict", "verdict_note", "content_category"])
    fields = []
    if done:
        letter.status = LetterStatus.CONCLUDED
        letter.concluded_on = concluded_on
        letter.conclusion_number = number
        letter.conclusion = conclusion
        fields = ["status", "concluded_on", "conclusion_number", "conclusion"]
        _step(scope, letter, StepKind.CONCLUDED, concluded_on)
    _save(letter, fields)
    record(
        "letters.letter.concluded" if done else "letters.letter.verdicts_recorded",
        target=letter,
        unit_id=letter.unit_id,
        details={
            "on": concluded_on,
            "number": number if done else "",
            "items": {str(items[i.pk].position): i.verdict for i in changed},
            "categories": {
                str(items[i.pk].position): i.content_category for i in changed if i.content_category
            },
            "letter_verdict": rules.letter_verdict(i.verdict for i in items.values())
            if done
            else "",
            "rule": allowed.citation,
        },
    )
    return letter


@transaction.atomic
def reply_record(*, scope, letter: Letter, replied_on: date | None, reply: str) -> Letter:
    """The reply to the filer (the conclusion as told to them): only after the verdicts."""
    _require_handle(scope, letter)
    letter = _locked(letter)
    if letter.status != LetterStatus.CONCLUDED:
        raise ValidationError(
            {
                "__all__": "Chưa trả lời người gửi về kết quả được: đơn chưa có kết luận cho mọi "
                "nội dung. Ghi kết luận trước, rồi mới trả lời."
            }
        )
    replied_on = _day(letter, replied_on, "replied_on", "trả lời", after=letter.concluded_on)
    reply = clean_text(reply, "Nội dung trả lời", "reply", required=True, limit=20000)
    first = letter.replied_on is None
    letter.replied_on, letter.reply = replied_on, reply
    _save(letter, ["replied_on", "reply"])
    _step(scope, letter, StepKind.REPLIED, replied_on)
    record(
        "letters.letter.replied",
        target=letter,
        unit_id=letter.unit_id,
        details={"on": replied_on, "first": first},
    )
    return letter


# --- inspections and discipline cases --------------------------------------------------------


def inspections_linkable(scope, letter: Letter):
    linked = letter.cases.exclude(inspection=None).values("inspection_id")
    return (
        scope.visible(Inspection.objects.live())
        .exclude(pk__in=linked)
        .select_related("body")
        .order_by("-decided_on", "-pk")
    )


def cases_linkable(scope, letter: Letter):
    linked = letter.cases.exclude(discipline_case=None).values("discipline_case_id")
    return (
        scope.visible(DisciplineCase.objects.live())
        .exclude(pk__in=linked)
        .select_related("body", "member", "subject_unit")
        .order_by("-opened_on", "-pk")
    )


def cases_visible(scope, letter: Letter) -> list[LetterCase]:
    """The letter's links whose inspection or case the user sees (others are not named)."""
    rows = letter.cases.select_related(
        "inspection__body", "discipline_case__member", "discipline_case__subject_unit"
    )
    return [
        row
        for row in rows
        if (row.inspection_id and scope.sees(row.inspection))
        or (row.discipline_case_id and scope.sees(row.discipline_case))
    ]


@transaction.atomic
def case_link(
    *,
    scope,
    letter: Letter,
    relation: str,
    inspection: Inspection | None = None,
    discipline_case: DisciplineCase | None = None,
) -> LetterCase:
    """Record that the letter led to, or gave information to, an inspection or a discipline
    case the user sees."""
    _require_handle(scope, letter)
    letter = _locked(letter)
    if relation not in CaseRelation.values:
        raise ValidationError({"relation": "Chọn quan hệ: dẫn đến, hoặc làm thông tin cho."})
    if (inspection is None) == (discipline_case is None):
        raise ValidationError(
            {"target": "Chọn một cuộc kiểm tra, giám sát hoặc một vụ việc kỷ luật."}
        )
    target = inspection or discipline_case
    if target.is_voided or not scope.sees(target):
        raise ValidationError(
            {"target": "Không tìm thấy cuộc kiểm tra hoặc vụ việc này trong phạm vi của đồng chí."}
        )
    if letter.status == LetterStatus.REGISTERED:
        raise ValidationError(
            {"__all__": "Phân loại, xử lý đơn trước khi liên kết với cuộc kiểm tra, vụ việc."}
        )
    exists = LetterCase.objects.filter(
        letter=letter, inspection=inspection, discipline_case=discipline_case
    )
    if exists.exists():
        raise ValidationError({"target": "Đơn đã được liên kết với cuộc kiểm tra, vụ việc này."})
    link = LetterCase.objects.create(
        letter=letter, relation=relation, inspection=inspection, discipline_case=discipline_case
    )
    _save(letter, [])
    record(
        "letters.letter.case_linked",
        target=letter,
        unit_id=letter.unit_id,
        details={
            "relation": relation,
            "inspection": inspection.pk if inspection else None,
            "discipline_case": discipline_case.pk if discipline_case else None,
        },
    )
    return link


def case_bodies(scope, letter: Letter) -> list[Body]:
    """The bodies of the receiving unit the user acts for (a case is opened by one of them)."""
    bodies = Body.objects.filter(unit=letter.unit).select_related("unit").order_by("kind")
    return [b for b in bodies if acts_for(scope, b)]


@transaction.atomic
def discipline_case_open_from_letter(
    *,
    scope,
    letter: Letter,
    body: Body | None,
    opened_on: date | None,
    member: Member | None = None,
    unit: OrgUnit | None = None,
) -> DisciplineCase:
    """Open a discipline case whose origin is the letter (the discipline app's own
    `case_open`, origin LETTER) about one of its accused, and link it (LED_TO)."""
    _require_handle(scope, letter)
    letter = _locked(letter)
    if letter.status not in (LetterStatus.ACCEPTED, LetterStatus.CONCLUDED):
        raise ValidationError(
            {"__all__": "Chỉ mở vụ việc kỷ luật từ đơn đã thụ lý giải quyết hoặc đã kết luận."}
        )
    if body is None or body.unit_id != letter.unit_id or not acts_for(scope, body):
        raise ValidationError(
            {"body": f"Chọn tổ chức đảng xem xét thuộc {letter.unit.name} nơi đồng chí làm việc."}
        )
    if (member is None) == (unit is None):
        raise ValidationError({"subject": "Chọn một đảng viên hoặc một tổ chức đảng bị tố cáo."})
    if member is not None and not letter.accused_members.filter(pk=member.pk).exists():
        raise ValidationError({"subject": "Đảng viên này không có trong danh sách bị tố cáo."})
    if unit is not None and not letter.accused_units.filter(pk=unit.pk).exists():
        raise ValidationError({"subject": "Tổ chức này không có trong danh sách bị tố cáo."})
    if opened_on is None:
        raise ValidationError({"opened_on": "Cần ghi ngày bắt đầu xem xét."})
    if opened_on < letter.received_on:
        raise ValidationError({"opened_on": "Ngày bắt đầu xem xét không được trước ngày nhận đơn."})
    case = discipline.case_open(
        body=body,
        opened_on=opened_on,
        member=member,
        unit=unit,
        origin=CaseOrigin.LETTER,
        secrecy=letter.secrecy,
    )
    LetterCase.objects.create(letter=letter, relation=CaseRelation.LED_TO, discipline_case=case)
    _save(letter, [])
    record(
        "letters.letter.case_opened",
        target=letter,
        unit_id=letter.unit_id,
        details={"discipline_case": case.pk, "body": body.name, "on": opened_on},
    )
    return case


# --- retention ---------------------------------------------------------------------------------


def erase_obstacles(letter: Letter) -> list[str]:
    """Why the filer's identity may not be erased now ([] when it may)."""
    reasons = []
    if letter.identity_erased_on:
        reasons.append("Danh tính người gửi đã được xóa.")
    if letter.status not in CLOSED:
        reasons.append(
            f"Đơn chưa xử lý xong (tình trạng «{letter.get_status_display()}»): chỉ xóa danh tính "
            "khi đơn đã kết luận, lưu đơn, chuyển đơn hoặc lưu làm thông tin."
        )
    open_cases = letter.cases.filter(
        discipline_case__isnull=False,
        discipline_case__voided_at__isnull=True,
        discipline_case__decision__isnull=True,
    )
    if open_cases.exists():
        reasons.append("Đơn gắn với vụ việc kỷ luật chưa có quyết định.")
    open_inspections = letter.cases.filter(
        inspection__isnull=False,
        inspection__voided_at__isnull=True,
        inspection__concluded_on__isnull=True,
    )
    if open_inspections.exists():
        reasons.append("Đơn gắn với cuộc kiểm tra, giám sát chưa kết luận.")
    if letter.appeal_id and not letter.appeal.outcome:
        reasons.append("Đơn gắn với khiếu nại kỷ luật chưa giải quyết.")
    if letter.repeats.exists() or letter.later_links.exists():
        reasons.append("Đã có đơn sau lặp lại hoặc trùng đơn này.")
    return reasons


@transaction.atomic
def identity_erase(*, scope, letter: Letter, decision: str, on: date | None) -> Letter:
    """Erase the filer's identity (the four tokens and both blind indexes) of a closed letter,
    by a UBKT leader's recorded decision. The letter and its figures stay."""
    _require(
        may_erase_identity(scope, letter),
        "Chỉ Chủ nhiệm, Phó Chủ nhiệm UBKT của cơ quan tiếp nhận quyết định xóa danh tính người "
        "gửi.",
    )
    letter = _locked(letter)
    reasons = erase_obstacles(letter)
    if reasons:
        raise ValidationError({"__all__": " ".join(reasons)})
    decision = clean_text(
        decision, "Quyết định xóa danh tính", "decision", required=True, limit=200
    )
    closed_on = letter.concluded_on or letter.routed_on or letter.received_on
    on = _day(letter, on, "on", "quyết định xóa", after=closed_on)
    had = letter.has_filer
    for name in FILER_FIELDS:
        setattr(letter, name, "")
    letter.filer_name_index = letter.filer_id_index = ""
    letter.identity_erased_on = on
    letter.identity_erasure_decision = decision
    letter.identity_erased_by_id = scope.user_id
    _save(
        letter,
        [
            *FILER_FIELDS,
            "filer_name_index",
            "filer_id_index",
            "identity_erased_on",
            "identity_erasure_decision",
            "identity_erased_by",
        ],
    )
    record(
        "letters.letter.identity_erased",
        target=letter,
        unit_id=letter.unit_id,
        details={"on": on, "decision": decision, "filer_was_given": had},
    )
    return letter
