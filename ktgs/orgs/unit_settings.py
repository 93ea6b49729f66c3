"""The dated settings of a unit that an administrator keeps: its committee's terms (nhiệm kỳ) and
its attributes (`UnitAttribute`: authorised to admit members, commune, chi ủy, …, the committee's
short name).

History is never overwritten: a new value starts on a day and the value holding that day ends
then; a value is closed by giving the day it stops holding. A value recorded by mistake is not
edited here (the import's «Thuộc tính» and «Nhiệm kỳ» sheets replace a unit's rows). Each write
checks everything first, runs in one transaction and records one audit event.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from ktgs.audit.services import record
from ktgs.core.dates import reject_future
from ktgs.core.models import Dated
from ktgs.core.validators import clean_text
from ktgs.core.vietnamese import fold, format_date
from ktgs.orgs import shortnames
from ktgs.orgs.choices import UnitAttributeKey
from ktgs.orgs.models import OrgUnit, Term, UnitAttribute
from ktgs.orgs.services import decision_number

TERM_NAME_LENGTH = 20
YES_NO_KEYS = (
    UnitAttributeKey.MAY_ADMIT_MEMBERS,
    UnitAttributeKey.COMMUNE,
    UnitAttributeKey.HAS_CELL_COMMITTEE,
    UnitAttributeKey.DISPERSED_MEMBERS,
)
NUMBER_KEYS = (UnitAttributeKey.PARTY_GROUPS,)
YES, NO = "Có", "Không"


def _until(day: date | None) -> str:
    return format_date(day) if day else "nay"


def _live(unit: OrgUnit) -> OrgUnit:
    unit = OrgUnit.objects.select_for_update().get(pk=unit.pk)
    if unit.is_voided:
        raise ValidationError(f"«{unit.name}» là hồ sơ đã hủy: không ghi thêm thiết lập.")
    return unit


def _within_life(unit: OrgUnit, starts_on: date, ends_on: date | None = None) -> None:
    if starts_on < unit.established_on:
        raise ValidationError(
            {
                "starts_on": f"«{unit.name}» thành lập ngày {format_date(unit.established_on)}; "
                "ngày bắt đầu không thể trước ngày đó."
            }
        )
    if unit.closed_on is not None and starts_on >= unit.closed_on:
        raise ValidationError(
            {
                "starts_on": f"«{unit.name}» đã giải thể từ ngày {format_date(unit.closed_on)}; "
                "ngày bắt đầu phải trước ngày đó."
            }
        )
    if ends_on is not None and ends_on <= starts_on:
        raise ValidationError(
            {"ends_on": "Ngày kết thúc phải sau ngày bắt đầu; để trống nếu còn đang tiếp diễn."}
        )


def _closing(row: Dated, ends_on: date, what: str) -> date | None:
    """Check that `row` (open) may end on `ends_on`; return its old end (None)."""
    if row.ends_on is not None:
        raise ValidationError(
            {"ends_on": f"{what} đã kết thúc từ ngày {format_date(row.ends_on)}: không đóng lại."}
        )
    if ends_on is None or ends_on <= row.starts_on:
        raise ValidationError(
            {
                "ends_on": f"Ngày kết thúc phải sau ngày bắt đầu ({format_date(row.starts_on)}); "
                "nếu ghi nhầm từ đầu, hãy chọn ngày hôm sau."
            }
        )
    return row.ends_on


# --- terms --------------------------------------------------------------------------------------


@transaction.atomic
def term_add(*, unit: OrgUnit, name: str, starts_on: date, ends_on: date | None = None) -> Term:
    """A term of `unit`'s committee (e.g. «2025–2030») from `starts_on`, open or ending on
    `ends_on`; it must not overlap another term of the unit."""
    name = clean_text(name, "Tên nhiệm kỳ", "name", required=True, limit=TERM_NAME_LENGTH)
    if starts_on is None:
        raise ValidationError({"starts_on": "Chưa nhập ngày bắt đầu nhiệm kỳ."})
    unit = _live(unit)
    _within_life(unit, starts_on, ends_on)
    terms = Term.objects.filter(unit=unit)
    if terms.filter(name=name).exists():
        raise ValidationError(
            {"name": f"«{unit.name}» đã có nhiệm kỳ «{name}»; hãy ghi tên khác, ví dụ 2025–2030."}
        )
    overlap = Q(ends_on__isnull=True) | Q(ends_on__gt=starts_on)
    if ends_on is not None:
        overlap &= Q(starts_on__lt=ends_on)
    clash = terms.filter(overlap).order_by("starts_on").first()
    if clash is not None:
        raise ValidationError(
            {
                "starts_on": f"Nhiệm kỳ «{clash.name}» (từ {format_date(clash.starts_on)} đến "
                f"{_until(clash.ends_on)}) trùng thời gian. Nếu nhiệm kỳ đó đã hết, hãy ghi "
                "ngày kết thúc cho nó trước."
            }
        )
    term = Term.objects.create(unit=unit, name=name, starts_on=starts_on, ends_on=ends_on)
    record(
        "orgs.term.added",
        target=unit,
        unit_id=unit.pk,
        changes={"term": [None, name]},
        details={"starts_on": starts_on, "ends_on": ends_on},
    )
    return term


@transaction.atomic
def term_end(*, term: Term, ends_on: date) -> Term:
    """Close an open term: it holds until the day before `ends_on`."""
    term = Term.objects.select_for_update().select_related("unit").get(pk=term.pk)
    before = _closing(term, ends_on, f"Nhiệm kỳ «{term.name}»")
    later = Term.objects.filter(unit=term.unit, starts_on__gt=term.starts_on, starts_on__lt=ends_on)
    if (clash := later.order_by("starts_on").first()) is not None:
        raise ValidationError(
            {
                "ends_on": f"Nhiệm kỳ «{clash.name}» bắt đầu ngày {format_date(clash.starts_on)}: "
                "nhiệm kỳ này phải kết thúc chậm nhất vào ngày đó."
            }
        )
    term.ends_on = ends_on
    term.save(update_fields=["ends_on"])
    record(
        "orgs.term.ended",
        target=term.unit,
        unit_id=term.unit_id,
        changes={"ends_on": [before, ends_on]},
        details={"term": term.name},
    )
    return term


# --- attributes ---------------------------------------------------------------------------------


def attribute_value(key: str, raw) -> bool | int | str:
    """The value typed for `key`: Có/Không for the yes-no attributes, a whole number ≥ 0 for
    the number of party groups, text for the committee's short name."""
    text = str(raw if raw is not None else "").strip()
    if key in YES_NO_KEYS:
        folded = fold(text)
        if folded in ("co", "true"):
            return True
        if folded in ("khong", "false"):
            return False
        raise ValidationError({"value": f"Thuộc tính này nhận «{YES}» hoặc «{NO}»."})
    if key in NUMBER_KEYS:
        if not text.isdigit():
            raise ValidationError(
                {"value": "Số tổ đảng là một số nguyên, ví dụ 3 (0 nếu không có)."}
            )
        return int(text)
    if key == UnitAttributeKey.COMMITTEE_SHORT_NAME:
        return shortnames.clean_short_name(text)
    raise ValidationError({"key": "Chọn một thuộc tính trong danh sách."})


def shown(value) -> str:
    """A value as the pages write it."""
    if value is True:
        return YES
    if value is False:
        return NO
    return str(value)


@transaction.atomic
def attribute_set(
    *, unit: OrgUnit, key: str, value, starts_on: date, decision: str = ""
) -> UnitAttribute:
    """From `starts_on` the attribute `key` of `unit` is `value`; the value holding that day ends
    then. A value recorded from a later day, or from that very day, is not overwritten: refused."""
    if key not in UnitAttributeKey.values:
        raise ValidationError({"key": "Chọn một thuộc tính trong danh sách."})
    value = attribute_value(key, value)
    decision = decision_number(decision)
    if starts_on is None:
        raise ValidationError({"starts_on": "Chưa nhập ngày bắt đầu áp dụng."})
    reject_future(starts_on=starts_on)
    unit = _live(unit)
    _within_life(unit, starts_on)
    label = UnitAttributeKey(key).label
    rows = UnitAttribute.objects.filter(unit=unit, key=key)
    later = rows.filter(starts_on__gte=starts_on).order_by("starts_on").first()
    if later is not None:
        raise ValidationError(
            {
                "starts_on": f"«{label}» đã được ghi là «{shown(later.value)}» từ ngày "
                f"{format_date(later.starts_on)}. Lịch sử không bị ghi đè: hãy chọn ngày muộn "
                "hơn ngày đó."
            }
        )
    current = rows.filter(Dated.q_on(starts_on)).first()
    old = current.value if current is not None else None
    if current is not None and old == value:
        raise ValidationError({"value": f"«{label}» đã là «{shown(value)}» vào ngày đó."})
    if current is not None:
        current.ends_on = starts_on
        current.save(update_fields=["ends_on"])
    row = UnitAttribute.objects.create(
        unit=unit, key=key, value=value, starts_on=starts_on, decision=decision
    )
    record(
        "orgs.unit.attribute_set",
        target=unit,
        unit_id=unit.pk,
        changes={"value": [old, value]},
        details={"key": key, "starts_on": starts_on, "decision": decision},
    )
    return row


@transaction.atomic
def attribute_end(*, attribute: UnitAttribute, ends_on: date) -> UnitAttribute:
    """Close an open attribute value: from `ends_on` the unit has no value for that key (the
    rules then read the default, e.g. not authorised to admit members)."""
    row = UnitAttribute.objects.select_for_update().select_related("unit").get(pk=attribute.pk)
    label = UnitAttributeKey(row.key).label if row.key in UnitAttributeKey.values else row.key
    before = _closing(row, ends_on, f"Giá trị «{shown(row.value)}» của «{label}»")
    reject_future(ends_on=ends_on)
    row.ends_on = ends_on
    row.save(update_fields=["ends_on"])
    record(
        "orgs.unit.attribute_ended",
        target=row.unit,
        unit_id=row.unit_id,
        changes={"ends_on": [before, ends_on]},
        details={"key": row.key, "value": row.value},
    )
    return row
