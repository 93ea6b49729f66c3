"""Writes of programmes and their items: create, add / update / remove an item, void.

Each function checks everything before writing, runs in one transaction and records one audit
event. A programme belongs to a committee, its standing committee or its UBKT; its number is a
Party programme number (`02-CTr/ĐUK`); there is one live programme per body and year. An item's
planned subjects lie in the body's subtree (today's tree: this is a plan; the inspection made
from it checks the tree on its decision date).
"""

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from ktgs.audit.services import record
from ktgs.core.choices import InspectionKind
from ktgs.core.concurrency import bump_version, check_version
from ktgs.core.docnumber import DocumentNumber
from ktgs.core.models import Dated
from ktgs.core.validators import clean_text
from ktgs.core.vietnamese import format_date
from ktgs.orgs.choices import BodyKind
from ktgs.orgs.models import Body, Member, OrgUnit, Term
from ktgs.programmes.models import Programme, ProgrammeItem, ProgrammeItemSubject

PROGRAMME_BODIES = (BodyKind.COMMITTEE, BodyKind.STANDING, BodyKind.INSPECTION)
PROGRAMME_TYPE = "CTr"
EARLIEST_YEAR = 1990


def quarter_of(month: int) -> int:
    return (month - 1) // 3 + 1


# --- programme ------------------------------------------------------------------------------


def _check_body(body: Body) -> None:
    if body.kind not in PROGRAMME_BODIES:
        raise ValidationError(
            {
                "body": f"«{body.name}» không ban hành chương trình kiểm tra, giám sát: chọn cấp "
                "ủy, ban thường vụ hoặc ủy ban kiểm tra."
            }
        )
    unit = body.unit
    if unit.is_voided or unit.closed_on:
        raise ValidationError({"body": f"«{unit.name}» đã giải thể hoặc bị hủy."})


def _programme_number(text: str) -> DocumentNumber:
    try:
        number = DocumentNumber(text or "")
    except ValidationError as exc:
        raise ValidationError(
            {
                "number": [
                    *exc.messages,
                    "Số chương trình có dạng NN-CTr/<ký hiệu>, ví dụ 02-CTr/ĐUK.",
                ]
            }
        ) from exc
    if number.doc_type != PROGRAMME_TYPE:
        raise ValidationError(
            {
                "number": f"“{number}” là số {number.type_name.lower()} ({number.doc_type}), không "
                f"phải số chương trình. Số chương trình có dạng NN-CTr/<ký hiệu>, ví dụ "
                f"02-CTr/{number.issuer}."
            }
        )
    return number


def _check_year(year: int, issued_on: date) -> None:
    today = timezone.localdate()
    if not EARLIEST_YEAR <= year <= today.year + 1:
        raise ValidationError(
            {"year": f"Năm của chương trình phải từ {EARLIEST_YEAR} đến {today.year + 1}."}
        )
    if issued_on > today:
        raise ValidationError({"issued_on": "Ngày ban hành chưa đến; ghi ngày đã ký chương trình."})
    if not (issued_on.year == year or (issued_on.year == year - 1 and issued_on.month == 12)):
        raise ValidationError(
            {
                "issued_on": f"Ngày ban hành {format_date(issued_on)} không khớp năm {year}: chương "
                f"trình năm {year} ban hành trong năm {year} hoặc tháng 12/{year - 1}."
            }
        )


def _same_number(live, body: Body, number: DocumentNumber, issued_on: date):
    """Live programmes of the body with this number in the same term (numbers restart with
    each term); without a term on record, in the same year."""
    term = Term.objects.filter(Dated.q_on(issued_on), unit=body.unit).first()
    rows = live.filter(number=number)
    if term is None:
        return rows.filter(issued_on__year=issued_on.year)
    rows = rows.filter(issued_on__gte=term.starts_on)
    return rows.filter(issued_on__lt=term.ends_on) if term.ends_on else rows


@transaction.atomic
def programme_create(
    *, body: Body, year: int, number: str, issued_on: date, title: str
) -> Programme:
    _check_body(body)
    number = _programme_number(number)
    _check_year(year, issued_on)
    title = clean_text(title, "Trích yếu", "title", required=True, limit=255)
    live = Programme.objects.live().filter(body=body)
    same_year = live.filter(year=year).first()
    if same_year is not None:
        raise ValidationError(
            {
                "year": f"{body.name} đã có chương trình năm {year} ({same_year.number}). Mỗi cơ quan "
                "một chương trình mỗi năm: bổ sung nội dung vào chương trình đó, hoặc hủy nó trước."
            }
        )
    if _same_number(live, body, number, issued_on).exists():
        raise ValidationError(
            {"number": f"{body.name} đã có chương trình số {number} trong cùng nhiệm kỳ."}
        )
    programme = Programme.objects.create(
        body=body, year=year, number=number, issued_on=issued_on, title=title
    )
    record(
        "programmes.programme.created",
        target=programme,
        unit_id=body.unit_id,
        details={"body": body.name, "year": year, "number": str(number), "on": issued_on},
    )
    return programme


def _check_live(programme: Programme) -> None:
    if programme.is_voided:
        raise ValidationError({"__all__": "Chương trình này đã bị hủy."})


@transaction.atomic
def programme_void(programme: Programme, *, reason: str) -> Programme:
    programme = Programme.objects.select_for_update().select_related("body").get(pk=programme.pk)
    reason = clean_text(reason, "Lý do hủy", "reason", required=True)
    _check_live(programme)
    started = ProgrammeItem.objects.filter(
        programme=programme, inspections__voided_at__isnull=True
    ).values_list("position", flat=True)
    if started:
        positions = ", ".join(str(p) for p in sorted(set(started)))
        raise ValidationError(
            {
                "reason": f"Đã có cuộc kiểm tra, giám sát tạo từ nội dung {positions} của chương "
                "trình này; hủy các cuộc đó trước khi hủy chương trình."
            }
        )
    programme.voided_at, programme.void_reason = timezone.now(), reason
    programme.save(update_fields=["voided_at", "void_reason"])
    record(
        "programmes.programme.voided",
        target=programme,
        unit_id=programme.body.unit_id,
        details={"reason": reason},
    )
    return programme


# --- items ----------------------------------------------------------------------------------


def _when(quarter: int | None, month: int | None) -> tuple[int, int | None]:
    """(quarter, month) as stored: a month implies its quarter."""
    if month is not None:
        if not 1 <= month <= 12:
            raise ValidationError({"month": "Tháng phải từ 1 đến 12."})
        if quarter is not None and quarter != quarter_of(month):
            raise ValidationError(
                {
                    "quarter": f"Tháng {month} thuộc quý {quarter_of(month)}, không phải quý "
                    f"{quarter}: sửa quý hoặc để trống quý."
                }
            )
        return quarter_of(month), month
    if quarter is None:
        raise ValidationError({"quarter": "Ghi quý (1–4) hoặc tháng (1–12) dự kiến thực hiện."})
    if not 1 <= quarter <= 4:
        raise ValidationError({"quarter": "Quý phải từ 1 đến 4."})
    return quarter, None


def _subjects(programme: Programme, subjects: Iterable) -> list[ProgrammeItemSubject]:
    """Subject rows for units and members (Member or OrgUnit instances) in the body's subtree."""
    root = programme.body.unit
    rows, seen = [], set()
    for s in subjects:
        if isinstance(s, Member):
            key, unit = ("m", s.pk), s.current_unit
            what = f"đảng viên {s.full_name} ({s.code})"
            if s.is_voided or unit is None:
                raise ValidationError(
                    {
                        "subjects": f"Không chọn được {what}: hồ sơ đã hủy hoặc không còn sinh hoạt đảng."
                    }
                )
            row = ProgrammeItemSubject(member=s)
        elif isinstance(s, OrgUnit):
            key, unit, what = ("u", s.pk), s, f"«{s.name}»"
            if s.is_voided or s.closed_on:
                raise ValidationError({"subjects": f"{what} đã giải thể hoặc bị hủy."})
            row = ProgrammeItemSubject(unit=s)
        else:
            raise ValidationError(
                {"subjects": "Mỗi đối tượng là một tổ chức đảng hoặc một đảng viên."}
            )
        if not unit.path.startswith(root.path):
            raise ValidationError(
                {
                    "subjects": f"{what} không thuộc {root.name}: {programme.body.name} chỉ kiểm tra, "
                    "giám sát tổ chức đảng và đảng viên trong phạm vi của mình (Điều lệ Đảng, Điều 30)."
                }
            )
        if key not in seen:
            seen.add(key)
            rows.append(row)
    return rows


def _item_fields(programme, *, kind, topic, quarter, month, lead, subjects, subject_note) -> dict:
    _check_live(programme)
    if kind not in InspectionKind.values:
        raise ValidationError({"kind": "Chọn loại hoạt động kiểm tra, giám sát."})
    quarter, month = _when(quarter, month)
    rows = _subjects(programme, subjects)
    note = clean_text(subject_note, "Đối tượng (ghi chú)", "subject_note", limit=255)
    if not rows and not note:
        raise ValidationError(
            {
                "subjects": "Chọn đối tượng (tổ chức đảng, đảng viên) hoặc ghi đối tượng vào ô ghi chú."
            }
        )
    return {
        "kind": kind,
        "topic": clean_text(topic, "Nội dung", "topic", required=True),
        "quarter": quarter,
        "month": month,
        "lead": clean_text(lead, "Chủ trì", "lead", limit=255),
        "subject_note": note,
        "rows": rows,
    }


def _snapshot(item: ProgrammeItem, rows: list[ProgrammeItemSubject]) -> dict:
    return {
        "kind": item.kind,
        "topic": item.topic,
        "quarter": item.quarter,
        "month": item.month,
        "lead": item.lead,
        "subject_note": item.subject_note,
        "subjects": sorted(str(r) for r in rows),
    }


@transaction.atomic
def item_add(
    programme: Programme,
    *,
    kind: str,
    topic: str,
    quarter: int | None = None,
    month: int | None = None,
    lead: str = "",
    subjects: Iterable = (),
    subject_note: str = "",
) -> ProgrammeItem:
    programme = (
        Programme.objects.select_for_update().select_related("body__unit").get(pk=programme.pk)
    )
    fields = _item_fields(
        programme,
        kind=kind,
        topic=topic,
        quarter=quarter,
        month=month,
        lead=lead,
        subjects=subjects,
        subject_note=subject_note,
    )
    rows = fields.pop("rows")
    last = programme.items.aggregate(last=Max("position"))["last"] or 0
    item = ProgrammeItem.objects.create(programme=programme, position=last + 1, **fields)
    for row in rows:
        row.item = item
    ProgrammeItemSubject.objects.bulk_create(rows)
    record(
        "programmes.item.added",
        target=programme,
        unit_id=programme.body.unit_id,
        details={"position": item.position, **_snapshot(item, rows)},
    )
    return item


@transaction.atomic
def item_update(
    item: ProgrammeItem,
    *,
    kind: str,
    topic: str,
    quarter: int | None = None,
    month: int | None = None,
    lead: str = "",
    subjects: Iterable = (),
    subject_note: str = "",
    version: int | None = None,
) -> ProgrammeItem:
    """`version`: the one the edit form was opened at (a save after another user's is
    refused, `StaleEdit`, nothing written)."""
    programme = (
        Programme.objects.select_for_update().select_related("body__unit").get(pk=item.programme_id)
    )
    item = ProgrammeItem.objects.select_for_update().get(pk=item.pk)
    check_version(item, version)
    old_rows = list(item.subjects.select_related("unit", "member"))
    fields = _item_fields(
        programme,
        kind=kind,
        topic=topic,
        quarter=quarter,
        month=month,
        lead=lead,
        subjects=subjects,
        subject_note=subject_note,
    )
    rows = fields.pop("rows")
    before = _snapshot(item, old_rows)
    for name, value in fields.items():
        setattr(item, name, value)
    item.save(update_fields=list(fields))
    item.subjects.all().delete()
    for row in rows:
        row.item = item
    ProgrammeItemSubject.objects.bulk_create(rows)
    after = _snapshot(item, rows)
    changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    if changes:
        bump_version(item)
    record(
        "programmes.item.updated",
        target=programme,
        unit_id=programme.body.unit_id,
        changes=changes,
        details={"position": item.position},
    )
    return item


@transaction.atomic
def item_remove(item: ProgrammeItem) -> None:
    """Remove a planned item (renumbering those after it); refused once an inspection was
    created from it (even a voided one: the inspection keeps pointing at its item)."""
    programme = (
        Programme.objects.select_for_update().select_related("body__unit").get(pk=item.programme_id)
    )
    _check_live(programme)
    item = ProgrammeItem.objects.get(pk=item.pk)
    if item.inspections.exists():
        raise ValidationError(
            {
                "__all__": f"Đã có cuộc kiểm tra, giám sát tạo từ nội dung {item.position}; không "
                "xóa được nội dung này (sửa nội dung nếu kế hoạch thay đổi)."
            }
        )
    position, topic = item.position, item.topic
    item.subjects.all().delete()
    item.delete()
    # renumber in two steps so that no two rows share a position in between
    after = ProgrammeItem.objects.filter(programme=programme, position__gt=position)
    after.update(position=F("position") + 10_000)
    ProgrammeItem.objects.filter(programme=programme, position__gt=10_000).update(
        position=F("position") - 10_001
    )
    record(
        "programmes.item.removed",
        target=programme,
        unit_id=programme.body.unit_id,
        details={"position": position, "topic": topic},
    )


__all__ = [
    "PROGRAMME_BODIES",
    "item_add",
    "item_remove",
    "item_update",
    "programme_create",
    "programme_void",
    "quarter_of",
]
