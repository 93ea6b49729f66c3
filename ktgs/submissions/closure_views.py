"""The superior's report of a closed period (docs/submissions.md, «Báo cáo tổng hợp của kỳ đã
chốt»): the tables computed from the submissions at closing, on a page and as XLSX. Who may see
it: as the period page (units.view or records.view in the superior)."""

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ktgs.reports import xlsx
from ktgs.submissions.closure_report import ClosedPeriod, frozen_tables
from ktgs.submissions.models import PeriodClosure
from ktgs.submissions.views import _slot, _unit

NO_CLOSURE = "Không có lần chốt kỳ này của tổ chức này."


def _closure(request, code: str, pk: int):
    unit = _unit(request, code)
    closure = PeriodClosure.objects.filter(pk=pk, unit=unit).select_related("closed_by").first()
    if closure is None:
        raise Http404(NO_CLOSURE)
    closure.unit = unit  # already read, with its path checked
    try:
        slot = _slot(closure.period_params, unit)
    except ValidationError:  # a request since removed, a term since renamed: the stored dates
        slot = None
    label = slot.label if slot else ClosedPeriod("", closure.starts_on, closure.ends_on).dates_label
    return unit, closure, ClosedPeriod(label, closure.starts_on, closure.ends_on)


@require_GET
def closure_report(request, code: str, pk: int):
    unit, closure, period = _closure(request, code, pk)
    return render(
        request,
        "submissions/closure_report.html",
        {
            "unit": unit,
            "closure": closure,
            "period": period,
            "sections": frozen_tables(closure),
            "fields": sorted(closure.period_params.items()),
        },
    )


@require_GET
def closure_xlsx(request, code: str, pk: int):
    unit, closure, period = _closure(request, code, pk)
    body = xlsx.workbook_bytes(unit, period, frozen_tables(closure))
    response = HttpResponse(body, content_type=xlsx.XLSX)
    name = f"bao-cao-tong-hop-{unit.code}-{closure.starts_on:%Y%m%d}-{closure.ends_on:%Y%m%d}"
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response
