"""The charts of the report page (docs/reports.md, "Biểu đồ").

`/bao-cao/<code>/bieu-do/<name>.svg?<period>`: the chart as SVG (`reports.charts`), for the
page's <img>. `/bao-cao/<code>/bieu-do/<name>/?<period>`: the chart's block — the image, its
caption and its figures as a table (the image's text alternative); the report page loads each
block with htmx when it scrolls into view, so the tables come first and stay fast. Without
JavaScript the block is a page of its own. Access as the report page: a unit outside the scope
is a 404, a role without figures a 403.
"""

from csp.decorators import csp
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from ktgs.reports import charts
from ktgs.reports.views import _unit, read_period

NO_CHART = "Không có biểu đồ này. Đồng chí hãy chọn một biểu đồ trên trang báo cáo."
# The SVG is an image of its own (in an <img> it runs nothing): matplotlib writes its styles in
# the SVG, which the page's policy (no inline style) would drop. It loads nothing else.
SVG_POLICY = {"default-src": ["'none'"], "style-src": ["'unsafe-inline'"]}


def _chart(request, code: str, name: str):
    unit = _unit(request, code)
    if name not in charts.CHARTS:
        raise Http404(NO_CHART)
    return unit, read_period(request, unit)


@require_GET
@csp(SVG_POLICY)
def chart_svg(request, code: str, name: str):
    unit, asked = _chart(request, code, name)
    data = charts.chart_data(name, unit, asked.period)
    response = HttpResponse(charts.render(data, "svg"), content_type="image/svg+xml")
    response["Cache-Control"] = "private, max-age=60"
    return response


@require_GET
def chart_block(request, code: str, name: str):
    unit, asked = _chart(request, code, name)
    data = charts.chart_data(name, unit, asked.period)
    svg = f"{reverse('reports:chart_svg', args=[unit.code, name])}?{asked.params()}"
    context = {
        "unit": unit,
        "period": asked.period,
        "chart": data,
        "svg": svg,
        "params": asked.params(),
    }
    if request.htmx:
        return render(request, "reports/_chart.html", context)
    return render(request, "reports/chart.html", context)
