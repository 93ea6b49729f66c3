"""Indicators (docs/reports.md, "Chỉ tiêu và biểu"): the figures a report table is made of.

An indicator has a key (`ktgs.to_chuc`), a Vietnamese label, WHAT IT COUNTS (`counts`: subjects
or cases), its source, whether it is additive across sub-units, and the FAMILY it reads from. A
family is computed once per (unit, start, end) by the counting modules' aggregate queries
(`ktgs.inspections.counting`, `ktgs.discipline.counting`, the organisation overview of
`ktgs.orgs.asof`): the reports app never counts records itself. Parameters select a part of the
family (a body group, a kind, a sanction); every figure carries the URL of the records behind it.

The families shipped here each have a module (`inspections`, `discipline`, `organisation`). A later
module registers its own families and indicators with `register_family()` and `register()` (from
its AppConfig.ready), without touching this app.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from urllib.parse import quote_plus

from django.urls import reverse

from ktgs.core.vietnamese import format_date
from ktgs.orgs.models import OrgUnit

# --- what an indicator counts (shown beside every label) ----------------------------------------

SUBJECT_ORGS = "đối tượng (tổ chức)"
SUBJECT_MEMBERS = "đối tượng (đảng viên)"
CASES = "cuộc"
SUBJECT_CASES = "lượt đối tượng"
DECISIONS = "quyết định"
UNITS = "tổ chức"
PEOPLE = "đảng viên"


@dataclass(frozen=True)
class Param:
    """A parameter: its allowed values {value: label} and its default ("" = all)."""

    name: str
    values: dict
    default: str = ""
    dynamic: tuple = ()  # row keys the family lists (a body's id: digits) — for expanded rows

    def valid(self, value) -> bool:
        value = str(value)
        return value in self.values or (
            bool(self.dynamic) and (value.isdigit() or value in self.dynamic)
        )


@dataclass(frozen=True)
class Indicator:
    key: str
    label: str
    counts: str
    source: str
    family: str
    value: Callable  # (family data, params) -> int
    link: Callable | None = None  # (Context, family data, params) -> url | None
    params: tuple[Param, ...] = ()
    additive: bool = True  # a unit's figure = its own part + the sum of its sub-units'

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)

    def resolved(self, params: dict) -> dict:
        return {p.name: str(params.get(p.name, p.default)) for p in self.params}


REGISTRY: dict[str, Indicator] = {}
FAMILIES: dict[str, Callable] = {}  # name -> (unit, start, end) -> family data


def register(indicator: Indicator) -> Indicator:
    if indicator.key in REGISTRY:
        raise ValueError(f"Chỉ tiêu «{indicator.key}» đã được đăng ký.")
    if indicator.family not in FAMILIES:
        raise ValueError(f"Chỉ tiêu «{indicator.key}»: không có nhóm số liệu «{indicator.family}».")
    REGISTRY[indicator.key] = indicator
    return indicator


def register_family(name: str, compute: Callable) -> None:
    FAMILIES[name] = compute


def get(key: str) -> Indicator | None:
    return REGISTRY.get(key)


@dataclass
class Figure:
    value: int
    url: str | None = None


@dataclass
class Context:
    """The figures of one unit over [start, end]: each family computed once, on first use."""

    unit: OrgUnit
    start: date
    end: date
    families: dict = field(default_factory=dict)
    links: dict = field(default_factory=dict, repr=False)  # each distinct link built once

    def family(self, name: str):
        if name not in self.families:
            self.families[name] = FAMILIES[name](self.unit, self.start, self.end)
        return self.families[name]

    def figure(self, key: str, params: dict) -> Figure:
        indicator = REGISTRY[key]
        data = self.family(indicator.family)
        p = indicator.resolved(params)
        wrong = [f"{x.name}={p[x.name]!r}" for x in indicator.params if not x.valid(p[x.name])]
        if wrong:
            raise ValueError(f"Chỉ tiêu «{key}»: tham số không hợp lệ {', '.join(wrong)}.")
        url = indicator.link(self, data, p) if indicator.link else None
        return Figure(int(indicator.value(data, p)), url)

    def previous(self) -> "Context":
        """The range of the same length just before this one."""
        end = self.start - timedelta(days=1)
        return Context(self.unit, end - (self.end - self.start), end)

    def range_params(self) -> dict:
        if "range" not in self.links:
            self.links["range"] = {"tu": format_date(self.start), "den": format_date(self.end)}
        return dict(self.links["range"])

    def link(self, name: str, query: dict, args: tuple = ()) -> str:
        """`reverse(name, args)` and the query string of `query` (none when empty): a cell's
        drill-down link. Many cells share one; each distinct link is built once."""
        key = (name, args, tuple(query.items()))
        url = self.links.get(key)
        if url is None:
            base = reverse(name, args=args)
            url = self.links[key] = f"{base}?{query_string(query)}" if query else base
        return url


@lru_cache(maxsize=4096)
def _quoted(text: str) -> str:
    return quote_plus(text)


def query_string(query: dict) -> str:
    """`urllib.parse.urlencode(query)`, each key and value quoted once per process (the same
    few codes, dates and slugs recur in every link of a report)."""
    return "&".join(f"{_quoted(str(k))}={_quoted(str(v))}" for k, v in query.items())


# The families: each module registers its own on import (the order sets nothing).
from ktgs.reports.indicators import discipline, inspections, organisation  # noqa: E402, F401
