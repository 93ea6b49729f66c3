"""The report page of a unit and its XLSX (docs/reports.md, "Chỉ tiêu và biểu").

`/bao-cao/<code>/` shows the tables of `tables.py` for the unit over a period: each figure a link
to the records it counts, the previous period's figure beside it, and the reconciliation flags
(a total that is not the sum of its parts; with `doi-chieu=1`, a unit's additive figure that is
not its own part plus its sub-units'). Like the figures pages it needs UNITS_VIEW or RECORDS_VIEW
on the unit (every record counts whatever the reader's clearance; the records behind a figure
are listed by the counting pages, with "hạn chế" rows); a unit outside the scope is a 404.
"""

from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from ktgs.accounts.access import RECORDS_VIEW, UNITS_VIEW
from ktgs.core.vietnamese import format_date, parse_date
from ktgs.orgs import asof, selectors
from ktgs.orgs.models import OrgUnit
from ktgs.reports import tables
from ktgs.reports.indicators import Context
from ktgs.reports.xlsx import XLSX, workbook_bytes

NO_FIGURES = "Vai trò của đồng chí không xem số liệu của tổ chức này."
NO_UNIT = "Không tìm thấy tổ chức đảng này trong phạm vi của đồng chí."


@dataclass
class Period:
    """The range asked. TEMPORARY: `ktgs/reports/periods.py` (another piece of issue 14) replaces
    `read_period` with its presets; only this function and the form's fields change."""

    start: date
    end: date
    errors: list[str] = field(default_factory=list)

    def params(self, **more) -> str:
        return urlencode({"tu": format_date(self.start), "den": format_date(self.end)} | more)


def read_period(request) -> Period:
    """`?tu=&den=` (dd/mm/yyyy), by default 1 January of this year … today; a bad date is
    reported and replaced by its default, an end before the start by the default range."""
    today = timezone.localdate()
    first = date(today.year, 1, 1)
    errors: list[str] = []

    def day(name: str, default: date, label: str) -> date:
        text = request.GET.get(name, "").strip()
        if not text:
            return default
        try:
            return parse_date(text)
        except ValueError as exc:
            errors.append(f"{label}: {exc}")
            return default

    start, end = day("tu", first, "Từ ngày"), day("den", today, "Đến ngày")
    if start > end:
        errors.append(
            f"«Từ ngày» ({format_date(start)}) sau «Đến ngày» ({format_date(end)}): đổi lại "
            "khoảng thời gian; trang đang hiện từ đầu năm đến hôm nay."
        )
        start, end = first, today
    return Period(start, end, errors)


def _unit(request, code: str) -> OrgUnit:
    unit = selectors.unit_get(scope=request.scope, code=code)
    if unit is None:
        raise Http404(NO_UNIT)
    scope = request.scope
    if not (scope.may(UNITS_VIEW, unit.path) or scope.may(RECORDS_VIEW, unit.path)):
        raise PermissionDenied(NO_FIGURES)
    return unit


def build(unit: OrgUnit, period: Period, *, previous: bool = True) -> tuple[Context, list]:
    ctx = Context(unit, period.start, period.end)
    prev = ctx.previous() if previous else None
    return ctx, [tables.compute(t, ctx, prev) for t in tables.tables()]


@require_GET
def index(request):
    """The report of the user's top unit."""
    unit = selectors.scope_roots(scope=request.scope).first()
    if unit is None:
        raise PermissionDenied(NO_FIGURES)
    _unit(request, unit.code)
    return redirect("reports:unit", code=unit.code)


@require_GET
def unit_report(request, code: str):
    unit = _unit(request, code)
    period = read_period(request)
    ctx, computed = build(unit, period)
    check = request.GET.get("doi-chieu") == "1"
    subunit_flags = {}
    if check:
        children = [
            n.unit for n in asof.unit_children_on(scope=request.scope, parent=unit, day=period.end)
        ]
        for c in computed:
            subunit_flags[c.table.key] = tables.check_subunits(c.table, ctx, children)
    sections = [{"c": c, "flags": c.flags + subunit_flags.get(c.table.key, [])} for c in computed]
    return render(
        request,
        "reports/unit.html",
        {
            "unit": unit,
            "period": period,
            "previous": ctx.previous(),
            "sections": sections,
            "check": check,
            "may_drill": request.scope.may(RECORDS_VIEW, unit.path),
            "params": period.params(),
        },
    )


@require_GET
def unit_xlsx(request, code: str):
    unit = _unit(request, code)
    period = read_period(request)
    if period.errors:  # the page says what is wrong with the dates
        return redirect(f"{reverse('reports:unit', args=[unit.code])}?{request.GET.urlencode()}")
    _ctx, computed = build(unit, period, previous=False)
    response = HttpResponse(
        workbook_bytes(unit, period.start, period.end, computed), content_type=XLSX
    )
    name = f"bao-cao-{unit.code}-{period.start:%Y%m%d}-{period.end:%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
