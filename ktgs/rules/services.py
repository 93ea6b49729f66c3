"""Writes of the rule pack: an office's correction of a value, its corrections of the calendar.

The pack rows themselves come only from the data files (`pack.load_pack`).
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from ktgs.accounts.access import RECORDS_DECIDE, Scope
from ktgs.audit.services import record
from ktgs.core.docnumber import DocumentNumber
from ktgs.core.validators import reject_control_chars
from ktgs.core.vietnamese import format_date, nfc
from ktgs.orgs.models import OrgUnit
from ktgs.rules import letters_shape
from ktgs.rules.choices import DayChange, RuleOrigin, RuleStatus, Step
from ktgs.rules.models import CalendarCorrection, RuleRow
from ktgs.rules.pack import NAMED_SOURCES

NOT_DECIDING_IN = (
    "Đồng chí chỉ điều chỉnh được quy tắc cho tổ chức đảng mà đồng chí có quyền quyết định "
    "(lãnh đạo ủy ban kiểm tra của tổ chức đó hoặc cấp trên)."
)


def rule_override(
    row: RuleRow,
    *,
    unit: OrgUnit,
    scope: Scope,
    value: dict,
    starts_on: date,
    source: str,
    article: str = "",
    note: str = "",
    ends_on: date | None = None,
) -> RuleRow:
    """Correct a "to be checked" pack row with a dated office row citing its own basis, for the
    bodies of `unit` and its subtree. Only a leader who may decide in `unit` (`scope`) makes it.

    The pack row stays; the office row wins over it in that subtree while both hold
    (`rule_in_force`), unless a unit nearer to the body has its own override.
    """
    if row.origin != RuleOrigin.PACK or row.status != RuleStatus.TO_CHECK:
        raise ValidationError({"value": "Chỉ điều chỉnh được giá trị đang “cần kiểm tra lại”."})
    if unit is None or unit.is_voided or not scope.may(RECORDS_DECIDE, unit.path):
        raise ValidationError({"unit": NOT_DECIDING_IN})
    source = _source(source)
    article = nfc(reject_control_chars(article, "Điều, khoản"))
    note = nfc(reject_control_chars(note, "Ghi chú", multiline=True))
    ends_on = ends_on or row.ends_on
    if starts_on < row.starts_on or (row.ends_on and starts_on >= row.ends_on):
        until = f" đến trước {format_date(row.ends_on)}" if row.ends_on else ""
        raise ValidationError(
            {
                "starts_on": f"Ngày bắt đầu phải trong thời gian hiệu lực của dòng gốc (từ {format_date(row.starts_on)}{until})."
            }
        )
    if ends_on and (ends_on <= starts_on or (row.ends_on and ends_on > row.ends_on)):
        raise ValidationError(
            {
                "ends_on": "Ngày kết thúc phải sau ngày bắt đầu và không quá ngày hết hiệu lực của dòng gốc."
            }
        )
    _check_value(row.family, value, row.key)
    with transaction.atomic():
        office = RuleRow.objects.create(
            family=row.family,
            key=row.key,
            value=value,
            status=RuleStatus.CONFIRMED,
            source=source,
            article=article,
            note=note,
            starts_on=starts_on,
            ends_on=ends_on,
            origin=RuleOrigin.OFFICE,
            corrects=row,
            unit=unit,
        )
        record(
            "rules.row.overridden",
            target=office,
            unit_id=unit.pk,
            changes={"value": [row.value, value]},
            details={
                "key": f"{row.family}/{row.key}",
                "unit": unit.name,
                "basis": office.citation,
                "starts_on": format_date(starts_on),
                "reason": note,
            },
        )
    return office


def _source(source: str) -> str:
    source = nfc(reject_control_chars(source, "Văn bản căn cứ")).strip()
    if not source:
        raise ValidationError({"source": "Cần ghi văn bản căn cứ của điều chỉnh."})
    if source in NAMED_SOURCES:
        return source
    try:
        return str(DocumentNumber(source))
    except ValidationError as exc:
        raise ValidationError({"source": exc.messages}) from exc


def _check_value(family: str, value: dict, key: str = "") -> None:
    ok = isinstance(value, dict)
    if ok and family == "competence":
        ok = isinstance(value.get("allowed"), bool)
    elif ok and family == "steps":
        steps = value.get("steps")
        ok = isinstance(steps, list) and bool(steps) and set(steps) <= set(Step.values)
    elif ok and family == "duration":
        days = value.get("days")
        ok = isinstance(days, dict) and all(isinstance(d, int) and d > 0 for d in days.values())
    elif ok and letters_shape.is_letters(family):
        problem = letters_shape.problem(family, key, value)
        if problem:
            raise ValidationError({"value": f"Giá trị điều chỉnh không đúng dạng: {problem}."})
    if not ok:
        raise ValidationError({"value": "Giá trị điều chỉnh không đúng dạng của nhóm quy tắc."})


def calendar_correction_set(day: date, change: str, *, basis: str) -> CalendarCorrection:
    """Record that `day` is a day off or a working day (replacing an earlier entry for it)."""
    basis = nfc(reject_control_chars(basis, "Căn cứ")).strip()
    if change not in DayChange.values:
        raise ValidationError({"change": "Chọn thêm ngày nghỉ hoặc thêm ngày làm việc."})
    if not basis:
        raise ValidationError({"basis": "Cần ghi căn cứ (văn bản, thông báo nghỉ bù…)."})
    with transaction.atomic():
        row, created = CalendarCorrection.objects.update_or_create(
            day=day, defaults={"change": change, "basis": basis}
        )
        record(
            "rules.calendar.corrected",
            target=row,
            details={"day": format_date(day), "change": DayChange(change).label, "basis": basis},
        )
    return row
