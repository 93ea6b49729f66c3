"""Writes of the documents app: numbers taken, attachments added and voided.

`number_use()` runs inside the service of the record that carries the number (a decision, a
conclusion), whose own audit event names the number; it records no event of its own.
`attachment_add()` writes the file and its row together: on any error nothing is left, neither
row nor file.
"""

import hashlib
import uuid
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from ktgs.audit.context import current_actor
from ktgs.audit.services import record
from ktgs.core.docnumber import DocumentNumber
from ktgs.core.validators import reject_control_chars
from ktgs.core.vietnamese import format_date, nfc
from ktgs.documents import filecheck
from ktgs.documents.models import Attachment, IssuerSymbol, NumberUse
from ktgs.documents.owners import OWNERS, owner_get, owner_type, owner_unit
from ktgs.orgs.models import Body, Term

DEFAULT_MAX_MB = 25
ATTACHMENT_DIR = "dinh-kem"  # under MEDIA_ROOT: dinh-kem/2026/11/<uuid>.pdf


# --- document numbers ------------------------------------------------------------------------


def symbol_on(body: Body, on: date) -> IssuerSymbol:
    row = IssuerSymbol.objects.filter(IssuerSymbol.q_on(on), body=body).order_by("-starts_on")
    found = row.first()
    if found is None:
        raise ValidationError(
            {"body": f"{body.name} chưa có ký hiệu cơ quan ban hành vào ngày {format_date(on)}."}
        )
    return found


def term_on(body: Body, on: date) -> Term:
    found = Term.objects.filter(Term.q_on(on), unit_id=body.unit_id).order_by("-starts_on").first()
    if found is None:
        raise ValidationError(
            {"on": f"{body.unit} không có nhiệm kỳ cấp ủy nào vào ngày {format_date(on)}."}
        )
    return found


def suggest_next_number(body: Body, doc_type: str, on: date) -> DocumentNumber:
    """The next free number of `doc_type` for `body` on `on`: one more than the highest taken
    in the committee term in force that day under the body's symbol (01 for the first)."""
    symbol = symbol_on(body, on)
    term = term_on(body, on)
    used = NumberUse.objects.filter(doc_type=doc_type, symbol=symbol.symbol, term=term)
    highest = used.aggregate(top=models.Max("sequence"))["top"] or 0
    return DocumentNumber.of(highest + 1, doc_type, symbol.symbol)


def number_use(
    body: Body, number: str, on: date, *, owner: models.Model | None = None
) -> NumberUse:
    """Record that `body` issued `number` on `on` (called by the service recording the document).
    Refused: a number of another symbol than the body's that day; a number already taken in
    the same committee term."""
    number = DocumentNumber(number)
    symbol = symbol_on(body, on)
    if number.issuer != symbol.symbol:
        raise ValidationError(
            {
                "number": f"Số {number} mang ký hiệu {number.issuer}, nhưng {body.name} ký văn "
                f"bản với ký hiệu {symbol.symbol} (ví dụ {number.sequence:02d}-"
                f"{number.doc_type}/{symbol.symbol})."
            }
        )
    term = term_on(body, on)
    row = NumberUse(
        number=number,
        doc_type=number.doc_type,
        symbol=number.issuer,
        sequence=number.sequence,
        term=term,
        body=body,
        issued_on=on,
        owner_type=owner_type(owner) if owner is not None else "",
        owner_id=str(owner.pk) if owner is not None else "",
    )
    taken = NumberUse.objects.filter(
        doc_type=row.doc_type, symbol=row.symbol, term=term, sequence=row.sequence
    )
    if not taken.exists():
        try:
            with transaction.atomic():
                row.save(force_insert=True)
            return row
        except IntegrityError:
            pass  # taken meanwhile by another user
    raise ValidationError({"number": _taken_message(number, term)})


def _taken_message(number: DocumentNumber, term: Term) -> str:
    nxt = NumberUse.objects.filter(
        doc_type=number.doc_type, symbol=number.issuer, term=term
    ).aggregate(top=models.Max("sequence"))["top"]
    suggestion = DocumentNumber.of((nxt or 0) + 1, number.doc_type, number.issuer)
    return (
        f"Số {number} đã được dùng trong nhiệm kỳ {term.name}; mỗi số chỉ dùng một lần. "
        f"Số tiếp theo còn trống: {suggestion}."
    )


# --- attachments -----------------------------------------------------------------------------


def max_bytes() -> int:
    return int(getattr(settings, "KTGS_ATTACHMENT_MAX_MB", DEFAULT_MAX_MB)) * 1024 * 1024


def _check_size(name: str, size: int) -> None:
    limit = max_bytes()
    if size > limit:
        raise ValidationError(
            {
                "file": f"Tệp “{name}” nặng {_mb(size)} MB, vượt giới hạn "
                f"{limit // 1024 // 1024} MB của một tệp đính kèm."
            }
        )
    if size == 0:
        raise ValidationError({"file": f"Tệp “{name}” rỗng (0 byte)."})


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}".replace(".", ",")


def _inspect(uploaded_file) -> tuple[str, filecheck.Kind]:
    try:
        name = filecheck.clean_name(uploaded_file.name)
        _check_size(name, uploaded_file.size)
        kind = filecheck.claimed_kind(name)
        filecheck.check_content(name, kind, uploaded_file)
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            raise
        raise ValidationError({"file": exc.messages}) from exc
    return name, kind


def _store(uploaded_file, kind: filecheck.Kind) -> tuple[str, Path, str]:
    """Write the file under a new generated name; (relative path, absolute path, SHA-256)."""
    now = timezone.localtime()
    rel = f"{ATTACHMENT_DIR}/{now:%Y}/{now:%m}/{uuid.uuid4().hex}.{kind.code}"
    target = Path(settings.MEDIA_ROOT) / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    uploaded_file.seek(0)
    try:
        with open(target, "xb") as out:
            for chunk in uploaded_file.chunks():
                digest.update(chunk)
                out.write(chunk)
    except OSError:  # a full disk: no partial copy stays under MEDIA_ROOT
        target.unlink(missing_ok=True)
        raise
    return rel, target, digest.hexdigest()


def attachment_add(owner: models.Model, uploaded_file, *, note: str = "") -> Attachment:
    """Attach `uploaded_file` to `owner` (a record of a kind listed in documents.owners)."""
    if owner_type(owner) not in OWNERS:
        raise ValidationError({"owner": "Loại hồ sơ này không nhận tài liệu đính kèm."})
    note = nfc(reject_control_chars(note, "Ghi chú"))[:500]
    name, kind = _inspect(uploaded_file)
    rel, target, sha256 = _store(uploaded_file, kind)
    try:
        with transaction.atomic():
            unit = owner_unit(owner)
            attachment = Attachment.objects.create(
                owner_type=owner_type(owner),
                owner_id=str(owner.pk),
                name=name,
                path=rel,
                kind=kind.code,
                content_type=kind.mime,
                size=target.stat().st_size,
                sha256=sha256,
                note=note,
                uploaded_by_id=current_actor.get().id,
                uploaded_at=timezone.now(),
            )
            record(
                "documents.attachment.added",
                target=owner,
                unit_id=unit.pk if unit is not None else None,
                details={"file": name, "size": attachment.size, "sha256": sha256},
            )
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return attachment


def attachment_void(attachment: Attachment, *, reason: str) -> Attachment:
    """Void an attachment entered by mistake; the file stays (evidence), hidden from lists."""
    reason = nfc(reject_control_chars(reason, "Lý do hủy", multiline=True))
    if not reason:
        raise ValidationError({"reason": "Cần ghi lý do hủy tài liệu đính kèm."})
    with transaction.atomic():
        row = Attachment.objects.select_for_update().get(pk=attachment.pk)
        if row.is_voided:
            raise ValidationError({"reason": f"Tài liệu “{row.name}” đã được hủy trước đó."})
        row.voided_at, row.void_reason = timezone.now(), reason
        row.save(update_fields=["voided_at", "void_reason"])
        owner = attachment_owner(row)
        unit = owner_unit(owner) if owner is not None else None
        record(
            "documents.attachment.voided",
            target=owner,
            unit_id=unit.pk if unit is not None else None,
            details={"file": row.name, "reason": reason},
        )
    return row


def attachment_owner(attachment: Attachment):
    return owner_get(attachment.owner_type, attachment.owner_id)
