"""The routing panel of a letter's page (`letters/_routing.html`): the outcome with its cited
rule, or — for a letter not routed yet — the grounds its record shows and, for a user who may
change it, the routing actions. Computed here so that the letter's page view stays as it is."""

from django import template

from ktgs.letters import routing
from ktgs.letters.choices import LetterGround, LetterKind, LetterStatus

register = template.Library()


@register.inclusion_tag("letters/_routing_panel.html", takes_context=True)
def routing_panel(context, letter):
    request = context.get("request")
    scope = getattr(request, "scope", None)
    may_change = scope is not None and scope.may_change(letter)
    registered = letter.status == LetterStatus.REGISTERED
    return {
        "letter": letter,
        "registered": registered,
        "may_change": may_change,
        "check": routing.eligibility(letter) if registered else None,
        "ground_label": LetterGround(letter.ground).label if letter.ground else "",
        "two_kinds": letter.kind in (LetterKind.DENUNCIATION, LetterKind.COMPLAINT),
        "forwarded": letter.status == LetterStatus.FORWARDED,
    }
