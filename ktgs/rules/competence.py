"""Which body may perform which kind of inspection or supervision: `may_perform()`."""

from dataclasses import dataclass
from datetime import date

from ktgs.core.choices import InspectionKind
from ktgs.orgs.choices import BodyKind, Level
from ktgs.orgs.models import OrgUnit
from ktgs.rules.lookup import rule_in_force
from ktgs.rules.models import RuleRow

CELL_THEMATIC_MIN_MEMBERS = 31  # "trên 30 đảng viên" (HD 08-HD/TW), kept beside the rule row


@dataclass(frozen=True)
class CellFacts:
    """What a cell is on the date, for the thematic-supervision condition."""

    has_cell_committee: bool = False  # có chi ủy
    member_count: int = 0
    dispersed: bool = False  # đảng viên làm việc phân tán
    party_groups: int = 0  # số tổ đảng


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    reason_vi: str
    source: str  # "QĐ 296-QĐ/TW, Điều 5, điểm 1.3(đ)"
    status: str  # confirmed / to_check: the page shows "cần kiểm tra lại"

    def __bool__(self) -> bool:
        return self.allowed


def _cell_may_do_thematic(facts: CellFacts | None) -> bool:
    if facts is None:
        return False
    return (
        facts.has_cell_committee
        or facts.member_count >= CELL_THEMATIC_MIN_MEMBERS
        or facts.dispersed
        or facts.party_groups >= 2
    )


def may_perform(
    body_kind: str,
    level: str,
    inspection_kind: str,
    on: date,
    *,
    cell_facts: CellFacts | None = None,
    unit: OrgUnit | None = None,
) -> Verdict:
    """May a body of this kind and level perform this kind of KTGS on `on`? With the rule's basis.
    `unit`: the performing body's unit (its office overrides apply).

    Raises RuleNotInForce when the pack has no row for that date.
    """
    row = rule_in_force(
        "competence",
        f"{inspection_kind}:{body_kind}",
        on,
        fallback=f"{inspection_kind}:*",
        unit=unit,
    )
    value = row.value
    allowed = bool(value.get("allowed"))
    if allowed and "levels" in value:
        allowed = level in value["levels"]
    if allowed and value.get("condition") == "cell_thematic":
        allowed = _cell_may_do_thematic(cell_facts)
    return Verdict(
        allowed, _reason(row, allowed, body_kind, level, inspection_kind), row.citation, row.status
    )


def _reason(row: RuleRow, allowed: bool, body_kind: str, level: str, kind: str) -> str:
    body = f"{BodyKind(body_kind).label} ({Level(level).label.lower()})"
    what = InspectionKind(kind).label.lower()
    if allowed:
        return f"{body} được {what} — {row.citation}"
    why = row.value.get("reason") or f"{body} không được {what}"
    return f"{why} — {row.citation}"
