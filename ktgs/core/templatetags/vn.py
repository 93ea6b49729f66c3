"""Vietnamese formatting in templates: {{ n|so }}, {{ n|dem }}, {{ d|ngay }}."""

from django import template

from ktgs.core.vietnamese import format_count, format_date, format_int

register = template.Library()


@register.filter
def so(value) -> str:
    """4759 → 4.759"""
    return "" if value is None else format_int(int(value))


@register.filter
def dem(value) -> str:
    """Counts as official reports write them: 4 → 04, 4759 → 4.759."""
    return "" if value is None else format_count(int(value))


@register.filter
def ngay(value) -> str:
    """A date as dd/mm/yyyy."""
    return format_date(value) if value else ""
