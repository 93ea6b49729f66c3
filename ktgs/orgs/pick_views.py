"""The suggestions of a picker (`orgs.pickers`), as list items for htmx to put under the field."""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ktgs.orgs import picking
from ktgs.orgs.pickers import PROFILES

MAX_TYPED = 100  # a name is shorter; a longer text is cut, not searched whole


@require_GET
def suggestions(request, profile: str):
    """At most a screenful of what the user may pick, matching what was typed (the field's
    value, sent under the field's name `o`); a body field with nothing typed offers the
    bodies the user acts for."""
    chosen = PROFILES.get(profile)
    if chosen is None:
        raise Http404("Không có loại gợi ý này.")
    g = request.GET
    text = (g.get("q") or g.get(g.get("o", ""), "") or "").strip()[:MAX_TYPED]
    rows = chosen.suggest(request.scope, text)
    more = len(rows) > picking.SCREENFUL
    return render(
        request,
        "orgs/_pick_options.html",
        {
            "rows": rows[: picking.SCREENFUL],
            "more": more,
            "typed": text,
            "field": g.get("o", "")[:60],
            "own": chosen.what == "body" and not text,
        },
    )
