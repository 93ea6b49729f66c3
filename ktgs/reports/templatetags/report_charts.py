"""The charts block of the report page (`reports/_charts.html`): which charts it shows."""

from django import template

from ktgs.reports import charts

register = template.Library()


@register.simple_tag
def report_charts(unit, period) -> list[tuple[str, str]]:
    """(name, title) of the report's charts (`charts.report_charts`; no query)."""
    return charts.report_charts(unit, period)
