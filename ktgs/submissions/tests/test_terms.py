"""Term reports (docs/submissions.md, «Báo cáo nhiệm kỳ»): each unit reports its own term, named
like its superior's ("nhiệm kỳ 2020–2025") but with dates of its own; the superior closes its
term of that name from what its sub-units submitted over their dates."""

from datetime import timedelta

import pytest

from ktgs.accounts.access import visible_to
from ktgs.core.models import OfficeSetting
from ktgs.inspections.models import Inspection
from ktgs.orgs.models import Term
from ktgs.reports.periods import DEADLINE_KEY, UnitPeriods
from ktgs.submissions import services
from ktgs.submissions.models import Submission
from ktgs.submissions.tests.test_services import unit

pytestmark = pytest.mark.django_db


def _ended_term(u):
    """The unit's latest term ended by today, as a period."""
    periods = UnitPeriods(u)
    ended = [p for p in map(periods.term, periods.terms) if p.end < periods.today]
    assert ended, "the unit has a term that has ended"
    return ended[0]


def test_a_term_is_an_obligation_once_the_office_gives_it_a_deadline(cast):
    child = unit("HA.DBK.001")
    assert not any(s.kind == "nhiem-ky" for s in services.obligations(child))
    OfficeSetting.objects.update_or_create(key=DEADLINE_KEY, defaults={"value": {"nhiem-ky": 30}})
    term = _ended_term(child)
    slots = [s for s in services.obligations(child) if s.kind == "nhiem-ky"]
    assert [(s.start, s.end) for s in slots] == [(term.start, term.end)]
    assert slots[0].deadline == term.end + timedelta(days=30)
    assert slots[0].label == term.label  # "nhiệm kỳ 2020–2025"


def _child_with_records(bloc, start, end):
    """A direct sub-unit of the bloc whose bodies decided an inspection in [start, end]."""
    children = services.must_report(bloc, services.period_slot(_ended_term(bloc)))
    for child in children:
        if Inspection.objects.filter(
            voided_at__isnull=True,
            decided_on__range=(start, end),
            unit__path__startswith=child.path,
        ).exists():
            return child
    raise AssertionError("the demo has inspections in the first year of a term")


def test_the_superior_closes_its_term_from_the_sub_units_terms(cast):
    bloc = unit("HA.DBK")
    mine = _ended_term(bloc)
    later = mine.start + timedelta(days=400)
    child = _child_with_records(bloc, mine.start, later)
    theirs = _ended_term(child)
    assert mine.term.name == theirs.term.name
    # the sub-unit's term starts a year later than the bloc's: its first year's records are
    # outside its term report, inside the bloc's
    Term.objects.filter(pk=theirs.term.pk).update(starts_on=later)
    theirs = _ended_term(child)
    assert theirs.start > mine.start
    scope = visible_to(cast["inspector"])
    sub = services.submit(
        scope=scope, unit=child, slot=services.period_slot(theirs), user=cast["inspector"]
    )
    assert (sub.starts_on, sub.ends_on) == (theirs.start, theirs.end)
    slot = services.period_slot(mine)
    assert sub.slot == slot.key  # one name for both
    rows = {r.unit.code: r for r in services.statuses(bloc, slot)}
    assert rows[child.code].submission == sub
    closure = services.close(
        scope=scope, unit=bloc, slot=slot, override_reason="Chưa đủ", user=cast["inspector"]
    )
    assert (closure.starts_on, closure.ends_on) == (mine.start, mine.end)
    assert [i["submission"] for i in closure.included] == [sub.pk]
    # nothing changed since: the sub-unit's part is compared over its own dates, so the report
    # from the submissions is the bloc's records
    assert closure.tables == closure.own_tables
    assert Submission.objects.filter(slot=slot.key).count() == 1
