"""`{% load audit_tags %}{% history_panel object %}`: the "Lịch sử" panel of a record page.

The page that renders it has already decided the user may see `object`. The panel lists the
newest events about it; values are hidden where the user holds only a system administrator's
role (see ktgs/audit/selectors.py).
"""

from urllib.parse import urlencode

from django import template
from django.urls import reverse

from ktgs.audit import labels, selectors

register = template.Library()
PANEL_SIZE = 20


@register.inclusion_tag("audit/_history_panel.html", takes_context=True)
def history_panel(context, target, limit: int = PANEL_SIZE):
    scope = context["request"].scope
    events = selectors.target_history(target=target, limit=limit)
    shown = selectors.annotate(events[:limit], scope=scope, panel=True)
    search_url = ""
    if selectors.may_search(scope):
        query = urlencode({"loai": target._meta.label_lower, "ma": target.pk})
        search_url = f"{reverse('audit:search')}?{query}"
    return {
        "rows": [labels.present(event) for event in shown],
        "more": len(events) > limit,
        "search_url": search_url,
    }


@register.inclusion_tag("audit/_corrections_panel.html", takes_context=True)
def corrections_panel(context, *targets, limit: int = PANEL_SIZE):
    """«Lịch sử sửa»: the corrections of data-entry errors of `targets` (a record and the
    records shown with it on its page): when, who, which part, before → after, and why."""
    scope = context["request"].scope
    events = selectors.correction_history(targets=[t for t in targets if t], limit=limit)
    shown = selectors.annotate(events[:limit], scope=scope, panel=True)
    rows = []
    for event in shown:
        row = labels.present(event)
        details = event.details or {}
        row["part"] = details.get("part", "")
        row["reason"] = details.get("reason", "") if event.show_values else ""
        row["dependents"] = details.get("dependents", "")
        rows.append(row)
    return {"rows": rows, "more": len(events) > limit}
