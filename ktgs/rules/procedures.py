"""Procedure steps and durations of an inspection or supervision, as the rule pack gives them."""

from dataclasses import dataclass
from datetime import date

from ktgs.orgs.models import OrgUnit
from ktgs.rules.choices import Step
from ktgs.rules.lookup import rule_in_force

NO_SOURCED_DURATION = (
    "Không có thời hạn theo quy định — hạn lấy theo kế hoạch của cuộc kiểm tra, giám sát"
)


@dataclass(frozen=True)
class ProcedureStep:
    step: Step
    optional: bool


@dataclass(frozen=True)
class Duration:
    days: int | None  # None: no sourced duration, the due date comes from the plan
    day_type: str  # "working" or "calendar"
    extension: str  # e.g. "1/3" (of the duration), "" if none
    source: str
    status: str
    note: str

    @property
    def sourced(self) -> bool:
        return self.days is not None


def steps_for(
    inspection_kind: str, on: date, *, unit: OrgUnit | None = None
) -> list[ProcedureStep]:
    """The steps in order; `unit`: the performing body's unit (its office overrides apply)."""
    row = rule_in_force("steps", inspection_kind, on, fallback="*", unit=unit)
    optional = set(row.value.get("optional", []))
    return [ProcedureStep(Step(code), code in optional) for code in row.value["steps"]]


def duration_for(
    inspection_kind: str, body_kind: str, level: str, on: date, *, unit: OrgUnit | None = None
) -> Duration:
    """The sourced duration for this kind, performing body kind and level, or days=None;
    `unit`: the performing body's unit (its office overrides apply)."""
    row = rule_in_force("duration", inspection_kind, on, fallback="*", unit=unit)
    value = row.value
    days = value.get("days", {}).get(level) if body_kind in value.get("body_kinds", []) else None
    note = row.note if days is not None else f"{NO_SOURCED_DURATION}. {row.note}".strip()
    return Duration(
        days,
        value.get("day_type", "working"),
        value.get("extension", ""),
        row.citation,
        row.status,
        note,
    )
