"""Shared set-up of the letters tests: the bloc's UBKT, a registering scope, a letter."""

from datetime import date

from ktgs.accounts.access import visible_to
from ktgs.letters import services
from ktgs.orgs.models import Body

DAY = date(2026, 3, 2)


def ubkt(unit) -> Body:
    return Body.objects.get(unit=unit, kind="inspection")


def register(user, body, **overrides) -> services.Registered:
    fields = {
        "scope": visible_to(user),
        "body": body,
        "received_on": DAY,
        "channel": "post",
        "kind": "denunciation",
        "anonymous": False,
        "filer": services.Filer(name="Trần Thị Bích", citizen_id="001185004321"),
        "summary": "Tố cáo việc sử dụng xe công vào việc riêng.",
    }
    fields.update(overrides)
    return services.letter_register(**fields)
