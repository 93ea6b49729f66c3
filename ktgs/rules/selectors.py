"""Reads of the rule pack for its pages: who may read and override, the rows, a value in words.

Rules are public regulations: anyone holding a role reads them. Only a commission leader (the
page family RECORDS_DECIDE, held by `ubkt_leader`) overrides a value, and only for a unit where
they may decide (the override applies in that unit's subtree); a system administrator
administers users and units and decides nothing, so he does not.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Min, QuerySet
from django.utils import timezone

from ktgs.accounts.access import RECORDS_DECIDE, RECORDS_VIEW, UNITS_VIEW
from ktgs.core.vietnamese import format_date
from ktgs.rules.choices import RuleOrigin, RuleStatus
from ktgs.rules.lookup import FAMILY_NAMES, RuleNotInForce, rule_in_force
from ktgs.rules.models import RuleRow, source_name

__all__ = ["RECORDS_DECIDE"]


def may_read(scope) -> bool:
    return scope.may_anywhere(UNITS_VIEW) or scope.may_anywhere(RECORDS_VIEW)


def may_override(scope) -> bool:
    return scope.may_anywhere(RECORDS_DECIDE)


def overridable(row: RuleRow) -> bool:
    """Only a pack value still "to be checked" can be corrected by an office."""
    return row.origin == RuleOrigin.PACK and row.status == RuleStatus.TO_CHECK


def family_name(family: str) -> str:
    """The family in Vietnamese (lookup.FAMILY_NAMES is the one mapping), else its code."""
    return FAMILY_NAMES.get(family, family)


@dataclass(frozen=True)
class RuleFilter:
    family: str = ""
    on: date | None = None
    status: str = ""
    origin: str = ""
    source: str = ""  # the regulation (the document a row cites): "296-QĐ/TW", "Điều lệ Đảng"
    technical: bool = False  # show the raw keys and values too (not a filter)

    @property
    def is_set(self) -> bool:
        return bool(self.family or self.on or self.status or self.origin or self.source)


def rule_list(flt: RuleFilter = RuleFilter()) -> QuerySet[RuleRow]:
    """Every row matching the filter, family by family (one query: the corrected pack row is
    joined, an office row's count of corrections is annotated)."""
    rows = RuleRow.objects.select_related("corrects", "unit").annotate(
        n_corrections=Count("corrections")
    )
    if flt.family:
        rows = rows.filter(family=flt.family)
    if flt.on:
        rows = rows.filter(RuleRow.q_on(flt.on))
    if flt.status in RuleStatus.values:
        rows = rows.filter(status=flt.status)
    if flt.origin in RuleOrigin.values:
        rows = rows.filter(origin=flt.origin)
    if flt.source:
        rows = rows.filter(source=flt.source)
    return rows.order_by("family", "key", "starts_on", "origin", "pk")


def rule_families() -> list[tuple[str, str]]:
    """(family, Vietnamese name) of every family in the database (one query)."""
    families = RuleRow.objects.order_by("family").values_list("family", flat=True).distinct()
    return [(f, family_name(f)) for f in families]


def rule_sources() -> list[tuple[str, str]]:
    """(source, "QĐ 296-QĐ/TW — từ 30/05/2025, 54 dòng") of every document the rows cite, the
    regulations in the order they took effect (one aggregate query). A row cites the regulation
    of its period (the Charter in every period), so this is the filter by regime."""
    sources = (
        RuleRow.objects.values("source")
        .annotate(n=Count("pk"), first=Min("starts_on"))
        .order_by("first", "source")
    )
    return [
        (s["source"], f"{source_name(s['source'])} — từ {format_date(s['first'])}, {s['n']} dòng")
        for s in sources
    ]


def grouped(rows) -> list[tuple[str, str, list[RuleRow]]]:
    """Rows (already ordered by family) as (family, name, rows) groups."""
    groups: list[tuple[str, str, list[RuleRow]]] = []
    for row in rows:
        if not groups or groups[-1][0] != row.family:
            groups.append((row.family, family_name(row.family), []))
        groups[-1][2].append(row)
    return groups


def rule_get(pk: int) -> RuleRow | None:
    return RuleRow.objects.select_related("corrects", "unit").filter(pk=pk).first()


def rule_history(row: RuleRow) -> list[RuleRow]:
    """Every row of the same family and key, pack and office (with the unit each office row
    applies to), in date order (one query)."""
    rows = RuleRow.objects.filter(family=row.family, key=row.key)
    rows = rows.select_related("corrects", "unit")
    return list(rows.order_by("starts_on", "origin", "unit__path", "pk"))


def in_force_today(row: RuleRow) -> RuleRow | None:
    """The pack row of this family and key in force today (what applies where no office
    override does), if any."""
    try:
        return rule_in_force(row.family, row.key, timezone.localdate())
    except RuleNotInForce:
        return None


def overrides_in_force_today(row: RuleRow) -> list[RuleRow]:
    """The office rows of this family and key in force today, per unit in tree order (one query):
    each applies in its unit's subtree, a nearer unit's override before a farther one's."""
    rows = RuleRow.objects.filter(
        RuleRow.q_on(timezone.localdate()),
        family=row.family,
        key=row.key,
        origin=RuleOrigin.OFFICE,
    )
    rows = rows.select_related("unit").order_by("unit__path", "-starts_on", "-pk")
    latest = {}
    for office in rows:  # within one unit, the override that started last applies
        latest.setdefault(office.unit_id, office)
    return list(latest.values())


# --- a value in words ---------------------------------------------------------------------


def value_lines(value) -> list[str]:
    """A rule value as lines a reader can follow: "khóa: giá trị"; lists joined with commas; a
    table of plain values on one line under its path ("own_member › *: reprimand = decide, …").
    Keys in alphabetical order: PostgreSQL (jsonb) does not keep the order they were written in,
    so the page reads the same on both engines."""
    if not isinstance(value, dict):
        return [_plain(value)]
    if not value:
        return ["(trống)"]
    lines: list[str] = []
    for key, inner in sorted(value.items()):
        lines += _lines(str(key), inner)
    return lines


def _lines(path: str, value) -> list[str]:
    if not isinstance(value, dict):
        return [f"{path}: {_plain(value)}"]
    if not value:
        return [f"{path}: (trống)"]
    if not any(isinstance(v, dict) for v in value.values()):
        pairs = sorted(value.items())
        return [f"{path}: " + ", ".join(f"{k} = {_plain(v)}" for k, v in pairs)]
    lines: list[str] = []
    for key, inner in sorted(value.items()):
        lines += _lines(f"{path} › {key}", inner)
    return lines


def _plain(value) -> str:
    if isinstance(value, bool):
        return "có" if value else "không"
    if value is None:
        return "—"
    if isinstance(value, list):
        return ", ".join(_plain(v) for v in value) if value else "(không có)"
    if isinstance(value, dict):
        return "; ".join(_lines(str(k), v)[0] for k, v in sorted(value.items())) or "(trống)"
    return str(value)
