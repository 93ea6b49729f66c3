"""Routing (phân loại, xử lý đơn) of a registered letter, by the rules in force on the day it
was received (`rules.letters`): not considered on a ground of the pack ("lưu đơn"), kept as
information (an anonymous denunciation with a clear accused and specific content), forwarded
to the competent body (never refused), a repeat of an earlier letter (not reopened), or — a
complaint about a discipline decision — filed in the appeal flow (`discipline.appeals`).
Acceptance (thụ lý) is handling's (`handling.py`).

`eligibility(letter)` proposes; the user chooses. Each `route_*` checks everything before
writing — the letter is live, REGISTERED, seen and changeable by the user's scope —, runs in one
transaction, sets the status, the day, the rule's citation and the note, and records one audit
event `letters.letter.routed` (the appeal flow records its own `discipline.appeal.filed` too).
No filer field is read here except whether the address was left empty (a ground); none goes
into an event, a message, or the forwarding note (`forwarding_note_docx`): the competent body
receives the original letter itself, which travels separately.
"""

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ktgs.audit.services import record
from ktgs.core.vietnamese import format_date
from ktgs.discipline import appeals
from ktgs.discipline.models import Decision
from ktgs.letters.choices import LetterGround, LetterKind, LetterStatus
from ktgs.letters.models import Letter, LetterLink
from ktgs.letters.selectors import FILER_FIELDS
from ktgs.letters.services import RECEIVING_BODIES, _multiline
from ktgs.orgs.models import Body
from ktgs.rules import discipline as discipline_rules
from ktgs.rules import letters as rules
from ktgs.rules.lookup import RuleNotInForce

# No row of the pack yet says how a letter outside the body's jurisdiction is forwarded (the
# sources: "chuyển đơn đến cấp có thẩm quyền", article not found): cited as such, to be checked.
FORWARD_BASIS = (
    "Đơn không thuộc thẩm quyền giải quyết: chuyển đến cấp có thẩm quyền (chưa xác định điều "
    "khoản; cần kiểm tra)"
)
OUTCOMES = ("not_considered", "information", "forward", "repeat", "appeal")


# --- what the record shows -------------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    ground: str
    label: str
    why: str  # what in the record shows it (never a filer field's content)


@dataclass(frozen=True)
class Eligibility:
    """The rules a letter is routed by, and the grounds of non-consideration that its record
    already shows, each to be confirmed by the user."""

    grounds: rules.Grounds | None  # the pack's grounds for the letter's kind; None: none
    suggested: list[Suggestion] = field(default_factory=list)
    anonymous_specific: rules.Handling | None = None
    mixed: rules.Handling | None = None
    not_computed: str = ""  # received before the pack's first letters row

    @property
    def ground_choices(self) -> list[tuple[str, str]]:
        return self.grounds.choices if self.grounds else []


def _unit(letter: Letter):
    return letter.body.unit


def eligibility(letter: Letter) -> Eligibility:
    on, unit = letter.received_on, _unit(letter)
    if on < rules.FIRST_ROW_ON:
        return Eligibility(None, not_computed=rules.not_computed_warning())
    grounds = None
    if letter.kind in (LetterKind.DENUNCIATION, LetterKind.COMPLAINT):
        grounds = rules.grounds_not_considered(on, letter.kind, unit=unit)
    allowed = set(grounds.grounds) if grounds else set()
    suggested: list[Suggestion] = []

    def suggest(ground: str, why: str) -> None:
        if ground in allowed and all(s.ground != ground for s in suggested):
            suggested.append(Suggestion(ground, LetterGround(ground).label, why))

    if letter.anonymous:
        suggest(LetterGround.ANONYMOUS, "Đơn được ghi là nặc danh, mạo danh, không rõ người gửi.")
    elif Letter.objects.filter(pk=letter.pk, filer_address="").exists():
        suggest(LetterGround.NO_ADDRESS, "Sổ đơn không ghi địa chỉ người gửi.")
    earlier = Letter.objects.live().filter(
        pk__in=LetterLink.objects.filter(letter=letter).values("earlier_id"), body=letter.body
    )
    for other in earlier.only("pk", "number", "year", "status").order_by("received_on", "pk"):
        label = f"Đơn số {other.number}/{other.year}"
        if other.status == LetterStatus.CONCLUDED:
            suggest(
                LetterGround.ALREADY_CONCLUDED,
                f"{label} có thể cùng nội dung đã được kết luận (xem «Đơn liên quan»).",
            )
        if other.status == LetterStatus.NOT_CONSIDERED:
            suggest(
                LetterGround.NON_CONSIDERATION_NOTIFIED,
                f"{label} có thể cùng nội dung đã không được xem xét (xem «Đơn liên quan»).",
            )
    return Eligibility(
        grounds,
        suggested,
        anonymous_specific=rules.handling("anonymous_specific", on, unit=unit),
        mixed=rules.handling("mixed", on, unit=unit),
    )


def appeal_decisions(scope, letter: Letter):
    """The live discipline decisions about the letter's accused members or units that the
    user sees: those a complaint may be about."""
    members = list(letter.accused_members.values_list("pk", flat=True))
    units = list(letter.accused_units.values_list("pk", flat=True))
    if not members and not units:
        return Decision.objects.none()
    about = Q(member_id__in=members) | Q(member__isnull=True, subject_unit_id__in=units)
    return (
        scope.visible(Decision.objects.live())
        .filter(about)
        .select_related("body__unit")
        .order_by("-signed_on", "-pk")
    )


def repeat_candidates(scope, letter: Letter):
    """Earlier live letters of the same body the user sees, linked ones first (suggestions)."""
    from ktgs.letters.selectors import visible_letters

    linked = set(LetterLink.objects.filter(letter=letter).values_list("earlier_id", flat=True))
    rows = list(
        visible_letters(scope)
        .filter(body=letter.body, received_on__lte=letter.received_on)
        .exclude(pk=letter.pk)
        .order_by("-received_on", "-number")[:200]
    )
    return sorted(rows, key=lambda r: r.pk not in linked), linked


# --- the writes ------------------------------------------------------------------------------


def _refuse(key: str, message: str):
    raise ValidationError({key: message})


def _locked(scope, letter: Letter) -> Letter:
    """The letter re-read under lock, checked: live, seen, changeable, not routed yet."""
    row = (
        Letter.objects.select_for_update()
        .defer(*FILER_FIELDS)
        .select_related("body__unit__kind", "unit")
        .filter(pk=letter.pk, voided_at__isnull=True)
        .first()
    )
    if row is None or not scope.sees(row):
        _refuse("__all__", "Không tìm thấy đơn thư này.")
    if not scope.may_change(row):
        _refuse("__all__", "Vai trò của đồng chí không được phân loại, xử lý đơn này.")
    if row.status != LetterStatus.REGISTERED:
        when = f" ngày {format_date(row.routed_on)}" if row.routed_on else ""
        _refuse(
            "__all__",
            f"Đơn số {row.number}/{row.year} đã được xử lý{when}: «{row.get_status_display()}». "
            "Đơn đã phân loại không phân loại lại.",
        )
    return row


def _day(row: Letter, on: date | None) -> date:
    on = on or timezone.localdate()
    if on > timezone.localdate():
        _refuse("on", "Ngày phân loại, xử lý đơn chưa đến; ghi ngày hôm nay hoặc trước đó.")
    if on < row.received_on:
        _refuse(
            "on",
            f"Ngày phân loại, xử lý đơn không được trước ngày nhận đơn "
            f"({format_date(row.received_on)}).",
        )
    return on


def _save(row: Letter, status: str, on: date, citation: str, note: str, **fields) -> Letter:
    row.status, row.routed_on, row.routing_citation, row.routing_note = status, on, citation, note
    for name, value in fields.items():
        setattr(row, name, value)
    row.version += 1
    row.save(
        update_fields=[
            "status",
            "routed_on",
            "routing_citation",
            "routing_note",
            "version",
            *fields,
        ]
    )
    return row


def _event(row: Letter, details: dict) -> None:
    record(
        "letters.letter.routed",
        target=row,
        unit_id=row.unit_id,
        details={
            "number": row.number,
            "year": row.year,
            "status": row.status,
            "routed_on": row.routed_on,
            "citation": row.routing_citation,
            "note_given": bool(row.routing_note),
            **details,
        },
    )


def _note(note: str) -> str:
    return _multiline(note, "Ghi chú xử lý đơn", "note")


@transaction.atomic
def route_not_considered(
    *, scope, letter: Letter, ground: str, on: date | None = None, note: str = ""
) -> Letter:
    """Not considered, filed ("lưu đơn"), on a ground the pack holds for the letter's kind on
    the day it was received."""
    row = _locked(scope, letter)
    day, note = _day(row, on), _note(note)
    if row.received_on < rules.FIRST_ROW_ON:
        _refuse("ground", f"{rules.not_computed_warning()} Không có lý do không xem xét để chọn.")
    grounds = None
    if row.kind in (LetterKind.DENUNCIATION, LetterKind.COMPLAINT):
        grounds = rules.grounds_not_considered(row.received_on, row.kind, unit=row.body.unit)
    if grounds is None:
        _refuse(
            "ground",
            f"Quy định không nêu lý do không xem xét đối với đơn {row.get_kind_display().lower()}"
            "; đồng chí chọn cách xử lý khác.",
        )
    if ground not in grounds.grounds:
        allowed = "; ".join(label for _code, label in grounds.choices)
        _refuse(
            "ground",
            f"Lý do này không có trong quy định áp dụng cho đơn nhận ngày "
            f"{format_date(row.received_on)} ({grounds.citation}). Đồng chí chọn một trong các "
            f"lý do: {allowed}.",
        )
    _save(row, LetterStatus.NOT_CONSIDERED, day, grounds.citation, note, ground=ground)
    _event(row, {"ground": ground})
    return row


@transaction.atomic
def route_information(
    *, scope, letter: Letter, specific: bool, on: date | None = None, note: str = ""
) -> Letter:
    """An anonymous (hidden-, false-name) denunciation with a clear accused and specific
    content: not resolved as a denunciation, kept as information (the pack's
    "anonymous_specific" row; it may ground an inspection on signs of violation)."""
    row = _locked(scope, letter)
    day, note = _day(row, on), _note(note)
    if row.kind != LetterKind.DENUNCIATION:
        _refuse(
            "outcome",
            f"Chỉ đơn tố cáo nặc danh, mạo danh mới lưu làm thông tin; đơn này là đơn "
            f"{row.get_kind_display().lower()}.",
        )
    if not row.anonymous:
        _refuse(
            "outcome",
            "Đơn có ghi tên người gửi (không đánh dấu nặc danh, mạo danh): đơn có tên được xem "
            "xét như đơn tố cáo — thụ lý, chuyển hoặc không xem xét theo lý do của quy định; "
            "không lưu làm thông tin.",
        )
    has_accused = (
        row.accused_text.strip() or row.accused_members.exists() or row.accused_units.exists()
    )
    if not has_accused:
        _refuse(
            "outcome",
            "Đơn không rõ người, tổ chức bị tố cáo: không lưu làm thông tin được; đồng chí chọn "
            "«không xem xét, lưu đơn».",
        )
    if not specific:
        _refuse(
            "specific",
            "Đồng chí xác nhận nội dung tố cáo cụ thể (đánh dấu ô); đơn nội dung không cụ thể "
            "thì chọn «không xem xét, lưu đơn».",
        )
    handling = None
    if row.received_on >= rules.FIRST_ROW_ON:
        handling = rules.handling("anonymous_specific", row.received_on, unit=row.body.unit)
    if handling is None:
        _refuse("outcome", f"{rules.not_computed_warning()} Không lưu làm thông tin theo quy định.")
    _save(row, LetterStatus.INFORMATION, day, handling.citation, note)
    _event(row, {})
    return row


@transaction.atomic
def route_forward(
    *,
    scope,
    letter: Letter,
    to_body: Body | None = None,
    to_text: str = "",
    on: date | None = None,
    note: str = "",
) -> Letter:
    """Outside the body's jurisdiction: registered and forwarded to the competent body, never
    refused (the forwarding note: `forwarding_note_docx`)."""
    row = _locked(scope, letter)
    day, note = _day(row, on), _note(note)
    to_text = _multiline(to_text, "Nơi chuyển đến", "to_text").replace("\n", " ")
    if len(to_text) > 300:
        _refuse("to_text", "Tên nơi chuyển đến dài quá 300 ký tự; hãy viết gọn lại.")
    if to_body is None and not to_text:
        _refuse(
            "to_body",
            "Chọn cơ quan có thẩm quyền nhận đơn, hoặc ghi tên cơ quan, tổ chức ở ô «ghi bằng "
            "chữ» khi không có trong danh sách.",
        )
    if to_body is not None:
        if to_body.pk == row.body_id:
            _refuse("to_body", "Không chuyển đơn cho chính cơ quan đã nhận đơn.")
        if to_body.unit.is_voided or to_body.unit.closed_on or to_body.kind not in RECEIVING_BODIES:
            _refuse(
                "to_body",
                "Chọn ủy ban kiểm tra, cấp ủy hoặc ban thường vụ đang hoạt động; nơi khác thì ghi "
                "bằng chữ.",
            )
        to_text = ""
    _save(
        row,
        LetterStatus.FORWARDED,
        day,
        FORWARD_BASIS,
        note,
        forwarded_to=to_body,
        forwarded_to_text=to_text,
    )
    _event(row, {"forwarded_to": to_body.name if to_body else to_text})
    return row


@transaction.atomic
def route_repeat(
    *, scope, letter: Letter, earlier: Letter | None, on: date | None = None, note: str = ""
) -> Letter:
    """A repeated letter without new content: not reopened, linked to the earlier letter."""
    row = _locked(scope, letter)
    day, note = _day(row, on), _note(note)
    if earlier is None:
        _refuse("earlier", "Chọn đơn đã nhận trước mà đơn này lặp lại.")
    earlier = Letter.objects.live().defer(*FILER_FIELDS).filter(pk=earlier.pk).first()
    if earlier is None or not scope.sees(earlier):
        _refuse("earlier", "Không tìm thấy đơn đã nhận trước này.")
    if earlier.pk == row.pk:
        _refuse("earlier", "Một đơn không lặp lại chính nó; chọn đơn đã nhận trước.")
    if earlier.body_id != row.body_id:
        _refuse(
            "earlier",
            f"Đơn số {earlier.number}/{earlier.year} thuộc sổ của {earlier.body.name}; chỉ chọn "
            f"đơn trong sổ của {row.body.name}.",
        )
    if (earlier.received_on, earlier.pk) > (row.received_on, row.pk):
        _refuse(
            "earlier",
            f"Đơn số {earlier.number}/{earlier.year} nhận sau đơn này; chọn đơn nhận trước.",
        )
    citation = ""
    if row.received_on >= rules.FIRST_ROW_ON and row.kind in (
        LetterKind.DENUNCIATION,
        LetterKind.COMPLAINT,
    ):
        grounds = rules.grounds_not_considered(row.received_on, row.kind, unit=row.body.unit)
        citation = grounds.citation if grounds else ""
    _save(row, LetterStatus.REPEAT, day, citation, note, repeat_of=earlier)
    _event(row, {"repeat_of": earlier.pk, "repeat_of_number": f"{earlier.number}/{earlier.year}"})
    return row


@transaction.atomic
def route_appeal(
    *,
    scope,
    letter: Letter,
    decision: Decision | None,
    by_subject: bool = True,
    on: date | None = None,
    note: str = "",
) -> Letter:
    """A complaint about a discipline decision goes into the existing appeal flow
    (`discipline.appeals.appeal_file`: who may complain, the time limit from the rule in force,
    the competent level), filed on the day the letter was received, to the receiving body."""
    row = _locked(scope, letter)
    day, note = _day(row, on), _note(note)
    if row.kind != LetterKind.COMPLAINT:
        _refuse(
            "outcome",
            f"Chỉ đơn khiếu nại mới chuyển giải quyết khiếu nại kỷ luật; đơn này là đơn "
            f"{row.get_kind_display().lower()}.",
        )
    if decision is None:
        _refuse("decision", "Chọn quyết định kỷ luật bị khiếu nại.")
    found = appeal_decisions(scope, row).filter(pk=decision.pk).first()
    if found is None:
        _refuse(
            "decision",
            "Quyết định này không thuộc đảng viên, tổ chức đảng ghi trong đơn, hoặc đồng chí "
            "không xem được; chọn trong danh sách.",
        )
    try:
        appeal = appeals.appeal_file(
            found,
            filed_on=row.received_on,
            resolver=row.body,
            by_subject=by_subject,
            reason=f"Đơn số {row.number}/{row.year} của {row.body.name}",
        )
    except ValidationError as exc:
        raise ValidationError(
            {"decision": [*exc.messages, "Nếu không thuộc thẩm quyền: chọn «chuyển đơn»."]}
        ) from exc
    try:
        window = discipline_rules.appeal_window(row.received_on, unit=row.body.unit)
        citation = f"{appeals.CHARTER_APPEAL}; {window.citation}"
    except RuleNotInForce:
        citation = appeals.CHARTER_APPEAL
    _save(row, LetterStatus.APPEAL, day, citation, note, appeal=appeal)
    _event(row, {"appeal": appeal.pk, "decision": found.pk})
    return row


# --- the forwarding note -----------------------------------------------------------------------


def forwarding_note_context(letter: Letter):
    """The forwarding note (phiếu chuyển đơn) of a forwarded letter as a document context: the
    letter's number, date, kind, summary, accused, and where it goes — never the filer."""
    from ktgs.documents import printing

    on = letter.routed_on or timezone.localdate()
    issuer = printing.issuer_of(letter.body, on)
    to = letter.forwarded_to.name if letter.forwarded_to_id else letter.forwarded_to_text
    kind = letter.get_kind_display().lower()
    accused = [f"{m.full_name} ({m.code})" for m in letter.accused_members.all()]
    accused += [u.name for u in letter.accused_units.all()]
    if letter.accused_text:
        accused.append(" ".join(letter.accused_text.split()))
    paragraphs = [
        ("text", f"Kính gửi: {to}."),
        (
            "text",
            f"Ngày {format_date(letter.received_on)}, {letter.body.name} nhận được đơn "
            f"{kind} (vào sổ số {letter.number}/{letter.year}, "
            f"{letter.get_channel_display().lower()}).",
        ),
        ("text", f"Tóm tắt nội dung: {' '.join(letter.summary.split())}"),
    ]
    if accused:
        paragraphs.append(("text", f"Người, tổ chức bị tố cáo, khiếu nại: {'; '.join(accused)}."))
    paragraphs += [
        (
            "text",
            f"Nội dung đơn không thuộc thẩm quyền giải quyết của {letter.body.name}. "
            f"{letter.body.name} chuyển đơn đến {to} để xem xét, giải quyết theo thẩm quyền.",
        ),
        (
            "text",
            "Đơn gốc được gửi kèm theo phiếu này. Đề nghị giữ bí mật thông tin người gửi đơn "
            "theo quy định; không chuyển đơn cho người, tổ chức bị tố cáo.",
        ),
    ]
    symbol = issuer.symbol or "      "
    return printing.DocumentContext(
        superior=issuer.superior,
        issuer=issuer.issuer,
        number=f"      -PC/{symbol}",
        place=printing.place_name(),
        on=on,
        kind="PHIẾU CHUYỂN ĐƠN",
        title=f"về việc chuyển đơn số {letter.number}/{letter.year}",
        paragraphs=paragraphs,
        on_behalf=issuer.on_behalf,
        signer_title=issuer.signer_title,
        recipients=[to, "Lưu"],
        symbol=issuer.symbol,
    )


def forwarding_note_docx(letter: Letter) -> bytes:
    from ktgs.documents import printing
    from ktgs.documents.templates_office import template_bytes

    template = template_bytes("phieu-chuyen-don", letter.body.unit)
    return printing.render("phieu-chuyen-don", forwarding_note_context(letter), template=template)
