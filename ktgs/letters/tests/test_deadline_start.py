"""deadlines.deadline_of: the day a limit counts from is the one its rule row names."""

from datetime import date
from types import SimpleNamespace

import pytest

from ktgs.letters import deadlines
from ktgs.rules import letters as rules

pytestmark = pytest.mark.django_db


def _letter(kind: str, received: date, accepted: date | None, unit):
    return SimpleNamespace(
        pk=None,
        kind=kind,
        received_on=received,
        accepted_on=accepted,
        body=SimpleNamespace(unit=unit),
    )


@pytest.mark.parametrize("kind", ["denunciation", "complaint"])
def test_the_start_follows_the_rule_row(demo, kind):
    from ktgs.orgs.models import OrgUnit

    unit = OrgUnit.objects.order_by("path").first()  # the top unit
    received, accepted = date(2026, 3, 2), date(2026, 3, 5)
    limit = rules.time_limit(
        kind, received, deadlines.level_of(_letter(kind, received, None, unit)), unit=unit
    )
    assert limit is not None
    deadline = deadlines.deadline_of(_letter(kind, received, accepted, unit))
    expected_start = accepted if limit.counts_from == "decision" else received
    assert deadline.start == expected_start
    assert deadline.due == limit.add(expected_start, limit.days)
    # before the acceptance a limit counted from the decision has no due date yet
    before = deadlines.deadline_of(_letter(kind, received, None, unit))
    assert (before.due is None) == (limit.counts_from == "decision")
