"""The handling panel of a letter's page (`letters/_handling.html`): what it needs, read through
the user's scope, so that the letter's page view stays as it is. No filer field is read."""

from django import template

from ktgs.letters import handling
from ktgs.letters.choices import LetterStatus

register = template.Library()


@register.simple_tag(takes_context=True)
def handling_facts(context, letter) -> dict:
    scope = context["request"].scope
    may_handle = handling.may_handle(scope, letter)
    may_erase = handling.may_erase_identity(scope, letter)
    status = letter.status
    return {
        "team": list(letter.team.all()),
        "steps": list(letter.steps.select_related("recorded_by")),
        "extensions": list(letter.extensions.all()),
        "items": list(letter.items.all()),
        "verdict": handling.verdict_label(letter),
        "cases": handling.cases_visible(scope, letter),
        "may_handle": may_handle,
        "may_accept": may_handle and status == LetterStatus.REGISTERED,
        "may_assign": may_handle and status in (LetterStatus.REGISTERED, LetterStatus.ACCEPTED),
        "accepted": status == LetterStatus.ACCEPTED,
        "concluded": status == LetterStatus.CONCLUDED,
        "may_link": may_handle and status != LetterStatus.REGISTERED,
        "may_open_case": may_handle
        and status in (LetterStatus.ACCEPTED, LetterStatus.CONCLUDED)
        and (letter.accused_members.exists() or letter.accused_units.exists()),
        "may_erase": may_erase and not handling.erase_obstacles(letter),
        "erase_blocked": may_erase and bool(handling.erase_obstacles(letter)),
    }
