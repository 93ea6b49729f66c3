"""Writes of letters: register a letter (with its items and its likely duplicates), re-encrypt
every filer identity under the current key.

Each function checks everything before writing, runs in one transaction and records one audit
event. No filer field — not its text, not a hash of it — ever goes into an audit event, a message
or a log: the events say only whether a filer was given.
"""

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q

from ktgs.accounts.access import EDIT, ROLE_ACTIONS
from ktgs.audit.services import record
from ktgs.core.dates import reject_future
from ktgs.core.models import TOP_SECRET, Secrecy, levels_up_to
from ktgs.core.validators import clean_text, reject_control_chars
from ktgs.core.vietnamese import fold
from ktgs.letters import crypto
from ktgs.letters.choices import AnonymousKind, Channel, FilerKind, LetterKind, LinkReason
from ktgs.letters.models import Letter, LetterItem, LetterLink
from ktgs.orgs.choices import BodyKind
from ktgs.orgs.models import Body, Member, OrgUnit
from ktgs.rules import letters as letter_rules
from ktgs.rules.lookup import RuleNotInForce

RECEIVING_BODIES = (BodyKind.INSPECTION, BodyKind.COMMITTEE, BodyKind.STANDING)
FILER_FIELDS = ("filer_name", "filer_address", "filer_phone", "filer_citizen_id")
SIMILAR_SUMMARY = 0.8  # difflib ratio of the folded summaries
SIMILAR_WINDOW = 1000  # at most this many earlier letters of the body compared by summary


@dataclass
class Filer:
    name: str = ""
    address: str = ""
    phone: str = ""
    citizen_id: str = ""


@dataclass
class Registered:
    letter: Letter
    links: list[LetterLink] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def rules_on(received_on: date, body: Body | None = None):
    """The letters rules in force on the day the letter was received (`rules.letters`), at the
    receiving body's level and with its unit's office corrections: who may file, the grounds of
    non-consideration, the handling of anonymous and mixed letters, the time limits, the
    verdicts. None before the pack's first letters row (the limits are not computed)."""
    unit = body.unit if body is not None else None
    level = getattr(getattr(unit, "kind", None), "level", None)
    return letter_rules.letter_rules_on(received_on, level=level, unit=unit)


def _multiline(value: str, label: str, key: str, *, required: bool = False) -> str:
    try:
        value = reject_control_chars(value or "", label, multiline=True)
    except ValidationError as exc:
        raise ValidationError({key: exc.messages}) from exc
    lines = [" ".join(line.split()) for line in value.replace("\r", "").split("\n")]
    value = "\n".join(lines).strip()
    if required and not value:
        raise ValidationError({key: f"Cần ghi {label.lower()}."})
    return value


def acts_for(scope, body: Body) -> bool:
    """Does the user act for `body`: a role that writes records held in the body's own unit
    (not only above it — a superior's officer does not keep a lower body's register)."""
    return any(
        g.path == body.unit.path and EDIT in ROLE_ACTIONS.get(g.role, frozenset())
        for g in scope.grants
    )


def _check_filer(filer: Filer, anonymous: bool) -> Filer:
    name = clean_text(filer.name, "Họ tên người gửi", "filer_name", limit=255)
    address = clean_text(filer.address, "Địa chỉ người gửi", "filer_address", limit=500)
    phone = clean_text(filer.phone, "Số điện thoại", "filer_phone", limit=30)
    citizen_id = clean_text(filer.citizen_id, "Số CCCD", "filer_citizen_id", limit=20).replace(
        " ", ""
    )
    if not anonymous and not name:
        raise ValidationError(
            {
                "filer_name": "Cần ghi họ tên người gửi; đơn không rõ người gửi thì đánh dấu "
                "«nặc danh, mạo danh»."
            }
        )
    if phone and not all(ch.isdigit() or ch in "+-. ()" for ch in phone):
        raise ValidationError(
            {"filer_phone": "Số điện thoại chỉ gồm chữ số (có thể có dấu +, -, dấu chấm)."}
        )
    if citizen_id and not (citizen_id.isdigit() and len(citizen_id) in (9, 12)):
        raise ValidationError({"filer_citizen_id": "Số CCCD có 12 chữ số (CMND cũ: 9 chữ số)."})
    return Filer(name=name, address=address, phone=phone, citizen_id=citizen_id)


def check_categories(anonymous: bool, filer_kind: str, anonymous_kind: str) -> tuple[str, str]:
    """Who filed (a category) and which kind of anonymous letter: each optional, each only
    where it applies."""
    filer_kind, anonymous_kind = filer_kind or "", anonymous_kind or ""
    if filer_kind not in ("", *FilerKind.values):
        raise ValidationError({"filer_kind": "Chọn người gửi là đảng viên, công dân hoặc tổ chức."})
    if anonymous_kind not in ("", *AnonymousKind.values):
        raise ValidationError(
            {"anonymous_kind": "Chọn loại đơn không rõ người gửi: giấu tên, mạo tên hoặc nặc danh."}
        )
    if anonymous and filer_kind:
        raise ValidationError(
            {
                "filer_kind": "Đơn nặc danh, mạo danh thì không ghi người gửi là ai: để trống ô "
                "«Người gửi là», hoặc bỏ đánh dấu nặc danh."
            }
        )
    if anonymous_kind and not anonymous:
        raise ValidationError(
            {
                "anonymous_kind": "Đồng chí chọn loại đơn không rõ người gửi nhưng chưa đánh dấu "
                "đơn nặc danh, mạo danh: đánh dấu ô đó, hoặc để trống loại đơn."
            }
        )
    return filer_kind, anonymous_kind


def _check_number(number, body: Body, year: int) -> int | None:
    if number in (None, ""):
        return None
    try:
        number = int(number)
    except (TypeError, ValueError):
        raise ValidationError({"number": "Số đơn là một số nguyên dương, ví dụ 12."}) from None
    if number < 1:
        raise ValidationError({"number": "Số đơn là một số nguyên dương, ví dụ 12."})
    if Letter.objects.filter(body=body, year=year, number=number).exists():
        raise ValidationError(
            {
                "number": f"{body.name} đã có đơn số {number} năm {year}. Để trống để lấy số tiếp "
                "theo."
            }
        )
    return number


def _check_accused(scope, members: Iterable[Member], units: Iterable[OrgUnit]):
    members, units = list(members), list(units)
    for member in members:
        if not scope.sees(member):
            raise ValidationError(
                {
                    "accused_members": "Có đảng viên đồng chí không xem được; ghi bằng chữ ở ô "
                    "«người, tổ chức bị tố cáo (ghi bằng chữ)»."
                }
            )
    for unit in units:
        if unit.is_voided or not scope.contains(unit.path):
            raise ValidationError(
                {
                    "accused_units": "Có tổ chức đảng đồng chí không xem được; ghi bằng chữ ở ô "
                    "«người, tổ chức bị tố cáo (ghi bằng chữ)»."
                }
            )
    return members, units


@transaction.atomic
def letter_register(
    *,
    scope,
    body: Body,
    received_on: date | None,
    channel: str,
    kind: str,
    anonymous: bool,
    filer: Filer,
    summary: str,
    items: Iterable[str] = (),
    accused_members: Iterable[Member] = (),
    accused_units: Iterable[OrgUnit] = (),
    accused_text: str = "",
    number=None,
    secrecy: str = Secrecy.NORMAL,
    filer_kind: str = "",
    anonymous_kind: str = "",
) -> Registered:
    """Register a received letter. Nothing is written unless every check passes.

    `filer_kind` (đảng viên / công dân / tổ chức) and `anonymous_kind` (giấu tên / mạo tên /
    nặc danh) are the categories the statistical forms count (counting357.py), both optional:
    the first only for a signed letter, the second only for an anonymous one."""
    if body is None or body.kind not in RECEIVING_BODIES:
        raise ValidationError(
            {"body": "Chọn cơ quan tiếp nhận: ủy ban kiểm tra, cấp ủy hoặc ban thường vụ."}
        )
    if body.unit.is_voided or body.unit.closed_on:
        raise ValidationError({"body": f"«{body.unit.name}» đã giải thể hoặc bị hủy."})
    if not acts_for(scope, body):
        raise ValidationError(
            {
                "body": f"Đồng chí không làm việc cho {body.name}: chỉ vào sổ đơn thư của cơ quan "
                "nơi đồng chí được phân công."
            }
        )
    if received_on is None:
        raise ValidationError({"received_on": "Cần ghi ngày nhận đơn."})
    reject_future(received_on=received_on)
    if channel not in Channel.values:
        raise ValidationError({"channel": "Chọn hình thức tiếp nhận trong danh sách."})
    if kind not in LetterKind.values:
        raise ValidationError(
            {"kind": "Chọn loại đơn: tố cáo, khiếu nại, hoặc kiến nghị, phản ánh."}
        )
    if secrecy == TOP_SECRET or secrecy not in Secrecy.values:
        raise ValidationError({"secrecy": "Chọn độ mật: thường, mật hoặc tối mật."})
    if secrecy not in levels_up_to(scope.clearance):
        raise ValidationError(
            {"secrecy": "Độ mật này cao hơn mức đồng chí được tiếp cận; chọn mức thấp hơn."}
        )
    filer = _check_filer(filer, anonymous)
    filer_kind, anonymous_kind = check_categories(anonymous, filer_kind, anonymous_kind)
    summary = _multiline(summary, "Tóm tắt nội dung", "summary", required=True)
    accused_text = _multiline(accused_text, "Người, tổ chức bị tố cáo", "accused_text")
    contents = [_multiline(t, "Nội dung", "items") for t in items]
    contents = [t for t in contents if t] or [summary]
    members, units = _check_accused(scope, accused_members, accused_units)
    year = received_on.year
    number = _check_number(number, body, year)
    if number is None:
        top = Letter.objects.filter(body=body, year=year).aggregate(m=Max("number"))["m"]
        number = (top or 0) + 1

    name_index, id_index = crypto.blind_index(name=filer.name, citizen_id=filer.citizen_id)
    try:
        with transaction.atomic():
            letter = Letter.objects.create(
                body=body,
                unit=body.unit,
                year=year,
                number=number,
                received_on=received_on,
                channel=channel,
                kind=kind,
                anonymous=anonymous,
                filer_kind=filer_kind,
                anonymous_kind=anonymous_kind,
                summary=summary,
                accused_text=accused_text,
                secrecy=secrecy,
                filer_name=crypto.encrypt(filer.name),
                filer_address=crypto.encrypt(filer.address),
                filer_phone=crypto.encrypt(filer.phone),
                filer_citizen_id=crypto.encrypt(filer.citizen_id),
                filer_name_index=name_index,
                filer_id_index=id_index,
            )
    except IntegrityError:
        raise ValidationError(
            {"number": f"Số đơn {number} năm {year} vừa được dùng; gửi lại để lấy số khác."}
        ) from None
    letter.accused_members.set(members)
    letter.accused_units.set(units)
    LetterItem.objects.bulk_create(
        LetterItem(letter=letter, position=i, content=c) for i, c in enumerate(contents, 1)
    )
    links = _link_likely_duplicates(letter, members, units)
    warnings = []
    try:  # a letter is registered whatever the pack holds: a gap is a warning, not a refusal
        if rules_on(received_on, body) is None:
            warnings.append(letter_rules.not_computed_warning())
    except RuleNotInForce as exc:
        warnings.append(" ".join(exc.messages))
    record(
        "letters.letter.registered",
        target=letter,
        unit_id=body.unit_id,
        details={
            "body": body.name,
            "number": number,
            "year": year,
            "received_on": received_on,
            "channel": channel,
            "kind": kind,
            "anonymous": anonymous,
            "anonymous_kind": anonymous_kind,
            "filer_given": any((filer.name, filer.address, filer.phone, filer.citizen_id)),
            "items": len(contents),
            "accused_members": [m.code for m in members],
            "accused_units": [u.code for u in units],
            "linked_to": [link.earlier_id for link in links],
            "secrecy": secrecy,
        },
    )
    return Registered(letter=letter, links=links, warnings=warnings)


def _link_likely_duplicates(
    letter: Letter, members: list[Member], units: list[OrgUnit]
) -> list[LetterLink]:
    """Link `letter` to the earlier live letters with the same filer (blind index), the same
    accused, or a similar summary in the same body. Flagged, never refused."""
    reasons: dict[int, set[str]] = {}
    earlier = Letter.objects.live().exclude(pk=letter.pk)
    filer_q = Q()
    if letter.filer_name_index:
        filer_q |= Q(filer_name_index=letter.filer_name_index)
    if letter.filer_id_index:
        filer_q |= Q(filer_id_index=letter.filer_id_index)
    if filer_q:
        for pk in earlier.filter(filer_q).values_list("pk", flat=True):
            reasons.setdefault(pk, set()).add(LinkReason.SAME_FILER)
    accused_q = Q()
    if members:
        accused_q |= Q(accused_members__in=members)
    if units:
        accused_q |= Q(accused_units__in=units)
    if accused_q:
        for pk in earlier.filter(accused_q).values_list("pk", flat=True).distinct():
            reasons.setdefault(pk, set()).add(LinkReason.SAME_ACCUSED)
    mine = fold(letter.summary)
    same_body = earlier.filter(body=letter.body).order_by("-received_on", "-pk")
    for pk, summary in same_body.values_list("pk", "summary")[:SIMILAR_WINDOW]:
        if difflib.SequenceMatcher(None, mine, fold(summary)).ratio() >= SIMILAR_SUMMARY:
            reasons.setdefault(pk, set()).add(LinkReason.SIMILAR_SUMMARY)
    order = [r.value for r in LinkReason]
    return LetterLink.objects.bulk_create(
        LetterLink(letter=letter, earlier_id=pk, reasons=sorted(rs, key=order.index))
        for pk, rs in sorted(reasons.items())
    )


@transaction.atomic
def identities_rotate() -> int:
    """Re-encrypt every letter's filer fields under the current key (MultiFernet.rotate); the
    old keys may then be dropped from KTGS_LETTERS_KEYS_OLD. Returns how many letters."""
    fields = FILER_FIELDS
    has_any = Q()
    for name in fields:
        has_any |= ~Q(**{name: ""})
    rows = list(Letter.objects.select_for_update().filter(has_any).only("pk", *fields))
    for row in rows:
        for name in fields:
            setattr(row, name, crypto.rotate(getattr(row, name)))
    Letter.objects.bulk_update(rows, fields, batch_size=500)
    record("letters.key_rotated", details={"letters": len(rows)})
    return len(rows)


INDEX_FIELDS = ("filer_name_index", "filer_id_index")


@transaction.atomic
def indexes_rebuild(batch: int = 1000) -> int:
    """Recompute every letter's blind indexes under the current `KTGS_LETTERS_INDEX_KEY` (after
    the index key was changed), from the decrypted name and citizen ID — no old index key is
    needed. Returns how many letters; one audit event (the count only)."""
    rows = (
        Letter.objects.select_for_update()
        .filter(~Q(filer_name="") | ~Q(filer_citizen_id=""))
        .only("pk", "filer_name", "filer_citizen_id", *INDEX_FIELDS)
        .order_by("pk")
    )
    done, pending = 0, []
    for row in rows.iterator(chunk_size=batch):
        row.filer_name_index, row.filer_id_index = crypto.blind_index(
            name=crypto.decrypt(row.filer_name), citizen_id=crypto.decrypt(row.filer_citizen_id)
        )
        pending.append(row)
        if len(pending) >= batch:
            Letter.objects.bulk_update(pending, INDEX_FIELDS)
            done, pending = done + len(pending), []
    if pending:
        Letter.objects.bulk_update(pending, INDEX_FIELDS)
        done += len(pending)
    record("letters.index_rebuilt", details={"letters": done})
    return done
