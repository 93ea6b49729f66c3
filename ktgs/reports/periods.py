"""Kỳ báo cáo (docs/reports.md): the periods a report covers, their labels and the query string.

Kinds: a month, Quý I, 6 tháng, 9 tháng, năm (cumulative from the start of the year, as the
sector reads them: statistical-forms.md §1.3), a term of the unit's committee (its `Term` rows)
and any date range. Every period has an in-period range [start, end] (both days included), a
cumulative range from the start of the unit's term holding the period's end, a previous period
(the month before, the same period of the year before, the term before) and a deadline.

The cut-off day of each kind (None: calendar ends; 15: periods end on the 15th and start on the
16th of the month before, so the year 2023 is 16/12/2022–15/12/2023) and the deadline (days after
the end) are office settings, `OfficeSetting` rows written by `reports.services` — no Party
source gives them (statistical-forms.md §1.5).
"""

import calendar
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import models

from ktgs.core import dates
from ktgs.core.models import OfficeSetting
from ktgs.core.vietnamese import format_date, parse_date
from ktgs.orgs.models import OrgUnit, Term


class PeriodKind(models.TextChoices):
    """The kinds of period; the values are the `ky` of the query string."""

    MONTH = "thang", "Tháng"
    Q1 = "quy-1", "Quý I"
    HALF = "6-thang", "6 tháng"
    NINE = "9-thang", "9 tháng"
    YEAR = "nam", "Năm"
    TERM = "nhiem-ky", "Nhiệm kỳ"
    RANGE = "khoang", "Khoảng thời gian"


# Cumulative from the start of the year: the last month each covers.
LAST_MONTH = {PeriodKind.Q1: 3, PeriodKind.HALF: 6, PeriodKind.NINE: 9, PeriodKind.YEAR: 12}
CALENDAR_KINDS = (PeriodKind.MONTH, *LAST_MONTH)  # the kinds a cut-off day applies to
DEADLINE_KINDS = (*CALENDAR_KINDS, PeriodKind.TERM)  # the kinds with a reporting deadline
CUTOFF_KEY = "period_cutoff"  # OfficeSetting: {kind: day of month 1–28}, absent = calendar end
DEADLINE_KEY = "period_deadline"  # OfficeSetting: {kind: days after the period's end}
MAX_CUTOFF = 28  # every month has it, February included
MAX_DEADLINE = 366
FIRST_YEAR = 1930  # the Party's founding: no record is older


@dataclass(frozen=True)
class PeriodSettings:
    """The office's cut-off days and deadlines, per kind (values of `PeriodKind`)."""

    cutoffs: Mapping[str, int] = field(default_factory=dict)
    deadlines: Mapping[str, int] = field(default_factory=dict)

    def cutoff(self, kind: str) -> int | None:
        return self.cutoffs.get(kind)

    def deadline_days(self, kind: str) -> int | None:
        return self.deadlines.get(kind)


def period_settings() -> PeriodSettings:
    """The office's settings, read in one query."""
    rows = dict(
        OfficeSetting.objects.filter(key__in=(CUTOFF_KEY, DEADLINE_KEY)).values_list("key", "value")
    )
    return PeriodSettings(rows.get(CUTOFF_KEY) or {}, rows.get(DEADLINE_KEY) or {})


# --- dates of a month under a cut-off day --------------------------------------------------------


def month_end(year: int, month: int, cutoff: int | None) -> date:
    day = cutoff or calendar.monthrange(year, month)[1]
    return date(year, month, day)


def month_start(year: int, month: int, cutoff: int | None) -> date:
    """The first day of a month: the 1st, or the day after the cut-off in the month before."""
    if cutoff is None:
        return date(year, month, 1)
    before = (year, month - 1) if month > 1 else (year - 1, 12)
    return month_end(*before, cutoff) + timedelta(days=1)


def month_of(day: date, cutoff: int | None) -> tuple[int, int]:
    """(year, month) of the month period holding `day`: past the cut-off, the next month."""
    if cutoff is None or day.day <= cutoff:
        return day.year, day.month
    return (day.year, day.month + 1) if day.month < 12 else (day.year + 1, 1)


def year_of(day: date, cutoff: int | None) -> int:
    """The reporting year holding `day` (16/12/2022 is in 2023 with a cut-off on the 15th)."""
    return month_of(day, cutoff)[0]


def term_name(name: str) -> str:
    """A term's name as reports write it: "2020-2025" → "2020–2025" (en dash)."""
    return "–".join(part.strip() for part in name.replace("—", "-").replace("–", "-").split("-"))


def unit_terms(unit: OrgUnit) -> list[Term]:
    """The unit's terms, latest first (a unit holds a handful: one query, read in Python)."""
    return list(Term.objects.filter(unit=unit).order_by("-starts_on", "-pk"))


def term_on(terms: list[Term], day: date) -> Term | None:
    """The term holding `day` (the latest one if rows overlap), as the figures pages read it."""
    return next(
        (t for t in terms if t.starts_on <= day and not (t.ends_on and t.ends_on <= day)), None
    )


# --- the period ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """One report period of one unit. `term` is the unit's term holding `end` (for a term
    period, the term itself); None when the unit has no term recorded on that day."""

    kind: str
    start: date
    end: date
    year: int | None = None
    month: int | None = None
    term: Term | None = None
    source: "UnitPeriods | None" = field(default=None, compare=False, repr=False)

    @property
    def unit(self) -> OrgUnit:
        return self.source.unit

    @property
    def label(self) -> str:
        """As a report writes it inside a sentence: "6 tháng đầu năm 2023"."""
        kind = self.kind
        if kind == PeriodKind.MONTH:
            return f"tháng {self.month} năm {self.year}"
        if kind == PeriodKind.Q1:
            return f"Quý I năm {self.year}"
        if kind in (PeriodKind.HALF, PeriodKind.NINE):
            return f"{LAST_MONTH[kind]} tháng đầu năm {self.year}"
        if kind == PeriodKind.YEAR:
            return f"năm {self.year}"
        if kind == PeriodKind.TERM:
            return f"nhiệm kỳ {term_name(self.term.name)}"
        return self.dates_label

    @property
    def title(self) -> str:
        """The label at the start of a line: "Năm 2023"."""
        return self.label[:1].upper() + self.label[1:]

    @property
    def dates_label(self) -> str:
        return f"từ {format_date(self.start)} đến {format_date(self.end)}"

    @property
    def cumulative(self) -> tuple[date, date] | None:
        """From the start of the unit's term holding the end, to the end; None without a term."""
        if self.term is None:
            return None
        return self.term.starts_on, self.end

    @property
    def deadline(self) -> date | None:
        """The reporting deadline (office setting); None if the office set none."""
        days = self.source.settings.deadline_days(self.kind)
        return None if days is None else self.end + timedelta(days=days)

    def params(self) -> dict[str, str]:
        """The query string that reads back as this period (`UnitPeriods.parse`)."""
        if self.kind == PeriodKind.RANGE:
            return self.range_params()
        if self.kind == PeriodKind.TERM:
            return {"ky": self.kind, "nhiem-ky": term_name(self.term.name)}
        values = {"ky": self.kind, "nam": str(self.year)}
        if self.kind == PeriodKind.MONTH:
            values["thang"] = str(self.month)
        return values

    def range_params(self) -> dict[str, str]:
        """`tu`/`den`: the dates as the figures pages take them."""
        return {"tu": format_date(self.start), "den": format_date(self.end)}

    def previous(self) -> "Period | None":
        """The period to set beside this one: the month before; Quý I, 6 and 9 months, the
        year: the same period of the year before; the term before (None if none is recorded);
        a date range: the same dates a year before (29/02 → 28/02)."""
        periods = self.source
        if self.kind == PeriodKind.MONTH:
            year, month = (self.year, self.month - 1) if self.month > 1 else (self.year - 1, 12)
            return periods.month(year, month)
        if self.kind in LAST_MONTH:
            return periods.year_to_date(self.kind, self.year - 1)
        if self.kind == PeriodKind.TERM:
            before = next((t for t in periods.terms if t.starts_on < self.term.starts_on), None)
            if before is None:
                return None
            end = self.start - timedelta(days=1)  # an open earlier term ends where this begins
            if before.ends_on and before.ends_on <= self.start:
                end = before.ends_on - timedelta(days=1)
            return Period(PeriodKind.TERM, before.starts_on, end, term=before, source=periods)
        return periods.range(_year_before(self.start), _year_before(self.end))


def _year_before(day: date) -> date:
    if day.month == 2 and day.day == 29:
        return date(day.year - 1, 2, 28)
    return day.replace(year=day.year - 1)


@dataclass(frozen=True)
class Preset:
    label: str
    period: Period


class UnitPeriods:
    """The periods of one unit: built from the office's settings and the unit's terms, read
    once (two queries), so that any number of periods, presets and previous periods cost no
    more."""

    def __init__(self, unit: OrgUnit, *, today: date | None = None) -> None:
        self.unit = unit
        self.today = today or dates.today()
        self.settings = period_settings()
        self.terms = unit_terms(unit)

    def _period(self, kind: str, start: date, end: date, **more) -> Period:
        return Period(kind, start, end, term=term_on(self.terms, end), source=self, **more)

    def month(self, year: int, month: int) -> Period:
        cutoff = self.settings.cutoff(PeriodKind.MONTH)
        start, end = month_start(year, month, cutoff), month_end(year, month, cutoff)
        return self._period(PeriodKind.MONTH, start, end, year=year, month=month)

    def year_to_date(self, kind: str, year: int) -> Period:
        """Quý I, 6 tháng, 9 tháng or năm: from the start of the year to the period's end."""
        cutoff = self.settings.cutoff(kind)
        start, end = month_start(year, 1, cutoff), month_end(year, LAST_MONTH[kind], cutoff)
        return self._period(kind, start, end, year=year)

    def term(self, term: Term) -> Period:
        """A term: from its first day to its last (the day before `ends_on`), to today if open."""
        end = term.ends_on - timedelta(days=1) if term.ends_on else self.today
        return Period(PeriodKind.TERM, term.starts_on, end, term=term, source=self)

    def range(self, start: date, end: date) -> Period:
        return self._period(PeriodKind.RANGE, start, end)

    def current_term(self) -> Period | None:
        term = term_on(self.terms, self.today)
        return None if term is None else self.term(term)

    def presets(self) -> list[Preset]:
        """Tháng này; Quý I, 6 tháng, 9 tháng, Năm nay of the reporting year holding today; Năm
        trước; Nhiệm kỳ (the term holding today, left out if the unit has none)."""
        cutoff = self.settings.cutoff
        year = year_of(self.today, cutoff(PeriodKind.YEAR))
        found = [
            Preset("Tháng này", self.month(*month_of(self.today, cutoff(PeriodKind.MONTH)))),
            *(
                Preset(label, self.year_to_date(kind, year_of(self.today, cutoff(kind))))
                for kind, label in (
                    (PeriodKind.Q1, "Quý I"),
                    (PeriodKind.HALF, "6 tháng"),
                    (PeriodKind.NINE, "9 tháng"),
                    (PeriodKind.YEAR, "Năm nay"),
                )
            ),
            Preset("Năm trước", self.year_to_date(PeriodKind.YEAR, year - 1)),
        ]
        if term := self.current_term():
            found.append(Preset("Nhiệm kỳ", term))
        return found

    # --- the query string ----------------------------------------------------------------------

    def parse(self, params: Mapping[str, str]) -> Period | None:
        """The period a query string names (`?ky=nam&nam=2023`, `?ky=thang&nam=2023&thang=6`,
        `?ky=quy-1&nam=2023`, `?ky=nhiem-ky[&nhiem-ky=2020–2025]`, `?tu=…&den=…`); None when it
        names none. Raises PeriodError with the Vietnamese message for the user."""
        kind = (params.get("ky") or "").strip()
        if not kind:
            if not any((params.get(k) or "").strip() for k in ("tu", "den")):
                return None
            kind = PeriodKind.RANGE
        if kind not in PeriodKind.values:
            raise PeriodError(f"Không có kỳ báo cáo «{kind}»: chọn một trong {KIND_NAMES}.")
        if kind == PeriodKind.RANGE:
            return self._parse_range(params)
        if kind == PeriodKind.TERM:
            return self._parse_term((params.get("nhiem-ky") or "").strip())
        year = self._parse_year(params.get("nam") or "")
        if kind == PeriodKind.MONTH:
            period = self.month(year, self._parse_month(params.get("thang") or ""))
        else:
            period = self.year_to_date(kind, year)
        if period.start > self.today:
            raise PeriodError(
                f"Kỳ «{period.label}» chưa bắt đầu (bắt đầu từ {format_date(period.start)}; "
                f"hôm nay là {format_date(self.today)}): chọn kỳ đã bắt đầu."
            )
        return period

    def _parse_year(self, text: str) -> int:
        text = text.strip()
        if not text:
            raise PeriodError("Chưa chọn năm của kỳ báo cáo (ví dụ nam=2023).")
        if not text.isdigit() or len(text) != 4:
            raise PeriodError(f"«{text}» không phải một năm: ghi đủ 4 chữ số, ví dụ 2023.")
        year = int(text)
        if year < FIRST_YEAR:
            raise PeriodError(f"Năm {year} trước khi thành lập Đảng (1930): không có số liệu.")
        if year > year_of(self.today, None) + 1:
            raise PeriodError(
                f"Năm {year} chưa đến (hôm nay là {format_date(self.today)}): chọn năm từ "
                f"{self.today.year} trở về trước."
            )
        return year

    @staticmethod
    def _parse_month(text: str) -> int:
        text = text.strip()
        if not text:
            raise PeriodError("Chưa chọn tháng của kỳ báo cáo (từ 1 đến 12, ví dụ thang=6).")
        if not text.isdigit() or not 1 <= int(text) <= 12:
            raise PeriodError(f"Không có tháng «{text}»: tháng ghi bằng số từ 1 đến 12.")
        return int(text)

    def _parse_term(self, name: str) -> Period:
        what = "kỳ «nhiệm kỳ» và số liệu lũy kế từ đầu nhiệm kỳ"
        if not self.terms:
            raise PeriodError(NO_TERM.format(unit=self.unit.name, what=what))
        recorded = ", ".join(term_name(t.name) for t in reversed(self.terms))
        if not name:
            period = self.current_term()
            if period is None:
                raise PeriodError(
                    f"{self.unit.name} không có nhiệm kỳ nào đang diễn ra hôm nay "
                    f"({format_date(self.today)}); chọn một nhiệm kỳ đã ghi: {recorded}."
                )
            return period
        term = next((t for t in self.terms if term_name(t.name) == term_name(name)), None)
        if term is None:
            raise PeriodError(
                f"{self.unit.name} chưa ghi nhiệm kỳ «{name}»; các nhiệm kỳ đã ghi: {recorded}."
            )
        if term.starts_on > self.today:
            raise PeriodError(
                f"Nhiệm kỳ {term_name(term.name)} chưa bắt đầu (từ "
                f"{format_date(term.starts_on)}); chọn nhiệm kỳ đã bắt đầu."
            )
        return self.term(term)

    def _parse_range(self, params: Mapping[str, str]) -> Period:
        start = self._parse_day(params.get("tu") or "", "Từ ngày")
        end = self._parse_day(params.get("den") or "", "Đến ngày")
        if end < start:
            raise PeriodError(
                f"«Đến ngày» ({format_date(end)}) trước «Từ ngày» ({format_date(start)}): "
                "đổi lại khoảng thời gian."
            )
        if start > self.today:
            raise PeriodError(
                f"«Từ ngày» ({format_date(start)}) chưa đến (hôm nay là "
                f"{format_date(self.today)}): chọn khoảng thời gian đã bắt đầu."
            )
        return self.range(start, end)

    @staticmethod
    def _parse_day(text: str, label: str) -> date:
        if not text.strip():
            raise PeriodError(f"Chưa nhập «{label}» (ngày/tháng/năm, ví dụ 01/01/2023).")
        try:
            return parse_date(text)
        except ValueError as exc:
            raise PeriodError(f"«{label}»: {exc}") from exc


class PeriodError(ValueError):
    """A period that cannot be read; the message is for the user."""


NO_TERM = (
    "{unit} chưa có nhiệm kỳ cấp ủy nào trong KTGS, nên không tính được {what}. Cách sửa: nhập "
    "nhiệm kỳ của tổ chức (sheet «Nhiệm kỳ» của tệp nhập dữ liệu: mã tổ chức, tên nhiệm kỳ như "
    "2020–2025, từ ngày), hoặc chọn kỳ theo ngày (từ ngày … đến ngày …)."
)
KIND_NAMES = (
    "thang (tháng), quy-1 (Quý I), 6-thang (6 tháng), 9-thang (9 tháng), nam (năm), "
    "nhiem-ky (nhiệm kỳ), khoang (khoảng thời gian: tu, den)"
)
