"""Writes of the reports app: the office's period settings (cut-off day, deadline per kind of
period), checked before anything is written and audited (`core.setting.changed`)."""

from django.core.exceptions import ValidationError
from django.db import transaction

from ktgs.audit.services import record
from ktgs.core.models import OfficeSetting
from ktgs.reports.periods import (
    CALENDAR_KINDS,
    CUTOFF_KEY,
    DEADLINE_KEY,
    DEADLINE_KINDS,
    MAX_CUTOFF,
    MAX_DEADLINE,
    PeriodKind,
)


def _kinds(kinds: list[str], allowed: tuple[str, ...], what: str) -> list[str]:
    names = ", ".join(f"{k} ({PeriodKind(k).label})" for k in allowed)
    if not kinds:
        raise ValidationError({"kind": f"Chưa chọn kỳ báo cáo: một trong {names}."})
    for kind in kinds:
        if kind not in allowed:
            raise ValidationError({"kind": f"Kỳ «{kind}» không có {what}: chọn một trong {names}."})
    return kinds


def _write(key: str, kinds: list[str], value: int | None, what: str) -> OfficeSetting:
    """Set `value` for `kinds` in the setting `key`; the audit names each change in Vietnamese
    (the audit page shows a change's name as written: the setting has no model field)."""
    with transaction.atomic():
        row = OfficeSetting.objects.select_for_update().filter(key=key).first()
        old = dict(row.value) if row else {}
        new = dict(old)
        for kind in kinds:
            if value is None:
                new.pop(kind, None)
            else:
                new[kind] = value
        row, _ = OfficeSetting.objects.update_or_create(key=key, defaults={"value": new})
        changes = {
            f"{what}: {PeriodKind(k).label.lower()}": [old.get(k), new.get(k)]
            for k in kinds
            if old.get(k) != new.get(k)
        }
        if changes:
            record("core.setting.changed", target=row, changes=changes)
    return row


def period_cutoff_set(kinds: list[str], day: int | None) -> OfficeSetting:
    """Set the cut-off day of the month for these kinds (None: periods end with the calendar
    month). 1–28: every month has the day, February included."""
    _kinds(kinds, CALENDAR_KINDS, "ngày chốt số liệu (nhiệm kỳ theo ngày của nhiệm kỳ)")
    if day is not None and not 1 <= day <= MAX_CUTOFF:
        raise ValidationError(
            {
                "day": f"Ngày chốt số liệu {day} không dùng được: ghi một ngày từ 1 đến "
                f"{MAX_CUTOFF} (tháng Hai chỉ có 28 ngày), hoặc «cuoi-thang» để kỳ kết thúc "
                "vào ngày cuối tháng."
            }
        )
    return _write(CUTOFF_KEY, kinds, day, "ngày chốt số liệu")


def period_deadline_set(kinds: list[str], days: int | None) -> OfficeSetting:
    """Set the reporting deadline of these kinds: `days` after the period's last day (None: no
    deadline)."""
    _kinds(kinds, DEADLINE_KINDS, "hạn báo cáo")
    if days is not None and not 0 <= days <= MAX_DEADLINE:
        raise ValidationError(
            {
                "days": f"Hạn báo cáo {days} ngày không dùng được: ghi số ngày sau ngày cuối "
                f"kỳ, từ 0 đến {MAX_DEADLINE}, hoặc «khong» để bỏ hạn."
            }
        )
    return _write(DEADLINE_KEY, kinds, days, "hạn báo cáo (số ngày sau cuối kỳ)")
