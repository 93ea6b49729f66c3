"""`{% load inspection_tags %}{% follow_ups_panel %}`: open follow-ups on the home page,
overdue first, for users who read records (a fixed number of queries)."""

from django import template
from django.utils import timezone

from ktgs.accounts.access import RECORDS_VIEW
from ktgs.inspections import selectors

register = template.Library()
PANEL_SIZE = 5


@register.inclusion_tag("inspections/_follow_ups_panel.html", takes_context=True)
def follow_ups_panel(context):
    scope = context["request"].scope
    if not scope.may_anywhere(RECORDS_VIEW):
        return {"shown": False}
    today = timezone.localdate()
    limit = selectors.soon_limit(today)
    rows = selectors.open_follow_ups(scope=scope)
    first = list(rows[: PANEL_SIZE + 1])
    for fu in first:
        fu.state = selectors.due_state(fu.due_on, False, today, limit)
    return {
        "shown": True,
        "rows": first[:PANEL_SIZE],
        "more": len(first) > PANEL_SIZE,
        "overdue": rows.filter(due_on__lt=today).count(),
        "total": rows.count() if len(first) > PANEL_SIZE else len(first),
    }


STATE_WORDS = {"late": "quá hạn", "soon": "sắp đến hạn"}


@register.filter
def due_word(state: str) -> str:
    """The state in words beside its colour: " (quá hạn)", " (sắp đến hạn)" or ""."""
    word = STATE_WORDS.get(state)
    return f" ({word})" if word else ""
