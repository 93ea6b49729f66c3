"""The period presets of the figures pages. A figures page (inspections, discipline: earlier in
the dependency order) does not import reports: it includes "reports/_period_presets.html" with
its unit and dates, and that template asks this tag for the links."""

from datetime import date

from django import template

from ktgs.orgs.models import OrgUnit
from ktgs.reports.periods import UnitPeriods

register = template.Library()
PERIOD_PARAMS = ("tu", "den", "ky", "nam", "thang", "nhiem-ky")  # replaced by a preset's dates


@register.simple_tag(takes_context=True)
def period_presets(
    context, unit: OrgUnit, start: date, end: date, unit_param: str = "don-vi"
) -> list[dict]:
    """[{label, href, title, current}]: each preset's `tu`/`den` for the page's unit (named by
    its code in `unit_param`: the unit the page shows, even when the one typed was refused),
    every other parameter of the page kept; `current` when the page shows exactly those dates."""
    kept = context["request"].GET.copy()
    for name in PERIOD_PARAMS:
        kept.pop(name, None)
    kept[unit_param or "don-vi"] = unit.code
    links = []
    for preset in UnitPeriods(unit).presets():
        period = preset.period
        query = kept.copy()
        for name, value in period.range_params().items():
            query[name] = value
        links.append(
            {
                "label": preset.label,
                "href": "?" + query.urlencode(),
                "title": f"{period.title}: {period.dates_label}",
                "current": (period.start, period.end) == (start, end),
            }
        )
    return links
