"""Ký hiệu cơ quan ban hành kept by an administrator: the symbol a body signs with over a period
(`IssuerSymbol`, e.g. "ĐUK" for Đảng ủy Khối, "UBKTĐUK" for its UBKT).

A new symbol starts on a day and the one holding that day ends then; a symbol is closed by giving
the day it stops. History is never overwritten: numbers already taken (`NumberUse`) keep the
symbol they were given. Each write checks first, runs in one transaction, records one event.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from ktgs.audit.services import record
from ktgs.core.docnumber import is_issuer_symbol
from ktgs.core.vietnamese import format_date, nfc
from ktgs.documents.models import IssuerSymbol, NumberUse
from ktgs.orgs.models import Body, OrgUnit

SYMBOL_LENGTH = 30


def symbols_of(unit: OrgUnit) -> list[tuple[Body, list[IssuerSymbol]]]:
    """The unit's bodies, each with its symbols latest first (two queries)."""
    bodies = list(unit.bodies.order_by("kind", "name"))
    rows = IssuerSymbol.objects.filter(body__in=bodies).order_by("-starts_on", "-pk")
    by_body: dict[int, list[IssuerSymbol]] = {b.pk: [] for b in bodies}
    for row in rows:
        by_body[row.body_id].append(row)
    return [(body, by_body[body.pk]) for body in bodies]


def clean_symbol(value: str) -> str:
    text = "".join(nfc(value or "").split())
    if not text:
        raise ValidationError({"symbol": "Chưa nhập ký hiệu, ví dụ ĐUK hoặc UBKTĐUK."})
    if len(text) > SYMBOL_LENGTH or not is_issuer_symbol(text):
        raise ValidationError(
            {
                "symbol": f"Ký hiệu «{text}» không đúng dạng: bắt đầu bằng chữ in hoa, chỉ gồm "
                f"chữ in hoa và chữ số (ví dụ ĐUK, UBKTTU), tối đa {SYMBOL_LENGTH} ký tự."
            }
        )
    return text


@transaction.atomic
def issuer_symbol_set(*, body: Body, symbol: str, starts_on: date) -> IssuerSymbol:
    """From `starts_on` `body` signs with `symbol`; the symbol holding that day ends then."""
    symbol = clean_symbol(symbol)
    if starts_on is None:
        raise ValidationError({"starts_on": "Chưa nhập ngày bắt đầu dùng ký hiệu."})
    body = Body.objects.select_related("unit").get(pk=body.pk)
    unit = OrgUnit.objects.select_for_update().get(pk=body.unit_id)
    if unit.is_voided:
        raise ValidationError(f"«{unit.name}» là hồ sơ đã hủy: không ghi ký hiệu.")
    if starts_on < unit.established_on:
        raise ValidationError(
            {
                "starts_on": f"«{unit.name}» thành lập ngày {format_date(unit.established_on)}; "
                "ký hiệu không thể dùng trước ngày đó."
            }
        )
    rows = IssuerSymbol.objects.filter(body=body)
    later = rows.filter(starts_on__gte=starts_on).order_by("starts_on").first()
    if later is not None:
        raise ValidationError(
            {
                "starts_on": f"{body.name} đã có ký hiệu «{later.symbol}» từ ngày "
                f"{format_date(later.starts_on)}. Lịch sử không bị ghi đè: hãy chọn ngày muộn "
                "hơn ngày đó."
            }
        )
    current = rows.filter(IssuerSymbol.q_on(starts_on)).first()
    if current is not None and current.symbol == symbol:
        raise ValidationError({"symbol": f"{body.name} đã dùng ký hiệu «{symbol}» vào ngày đó."})
    taken = NumberUse.objects.filter(body=body, issued_on__gte=starts_on)
    if current is not None and taken.filter(symbol=current.symbol).exists():
        raise ValidationError(
            {
                "starts_on": f"Đã có văn bản của {body.name} mang ký hiệu «{current.symbol}» ban "
                f"hành từ ngày {format_date(starts_on)} trở đi: ký hiệu mới phải bắt đầu sau "
                "ngày ban hành của văn bản đó."
            }
        )
    if current is not None:
        current.ends_on = starts_on
        current.save(update_fields=["ends_on"])
    row = IssuerSymbol.objects.create(body=body, symbol=symbol, starts_on=starts_on)
    record(
        "documents.issuer_symbol.set",
        target=unit,
        unit_id=unit.pk,
        changes={"symbol": [current.symbol if current else None, symbol]},
        details={"body": body.name, "starts_on": starts_on},
    )
    return row


@transaction.atomic
def issuer_symbol_end(*, row: IssuerSymbol, ends_on: date) -> IssuerSymbol:
    """Close an open symbol: the body signs with it until the day before `ends_on`."""
    row = IssuerSymbol.objects.select_for_update().select_related("body__unit").get(pk=row.pk)
    if row.ends_on is not None:
        raise ValidationError(
            {"ends_on": f"Ký hiệu «{row.symbol}» đã thôi dùng từ ngày {format_date(row.ends_on)}."}
        )
    if ends_on is None or ends_on <= row.starts_on:
        raise ValidationError(
            {
                "ends_on": f"Ngày thôi dùng phải sau ngày bắt đầu ({format_date(row.starts_on)}); "
                "nếu ghi nhầm từ đầu, hãy chọn ngày hôm sau."
            }
        )
    late = NumberUse.objects.filter(body=row.body, symbol=row.symbol, issued_on__gte=ends_on)
    if (last := late.order_by("-issued_on").first()) is not None:
        raise ValidationError(
            {
                "ends_on": f"Văn bản {last.number} mang ký hiệu này ban hành ngày "
                f"{format_date(last.issued_on)}: ngày thôi dùng phải sau ngày đó."
            }
        )
    row.ends_on = ends_on
    row.save(update_fields=["ends_on"])
    record(
        "documents.issuer_symbol.ended",
        target=row.body.unit,
        unit_id=row.body.unit_id,
        changes={"ends_on": [None, ends_on]},
        details={"body": row.body.name, "symbol": row.symbol},
    )
    return row
