"""Progress of a programme: per item planned / started / concluded, totals overall and per
quarter, from real inspections made with the inspection services."""

from datetime import date

import pytest

from ktgs.accounts.access import visible_to
from ktgs.inspections.models import Inspection
from ktgs.inspections.services import SubjectInput, inspection_create, inspection_void
from ktgs.programmes import selectors
from ktgs.programmes.tests.conftest import add_item, unit

pytestmark = pytest.mark.django_db


def start(item, n: int, subject: str) -> Inspection:
    return inspection_create(
        body=item.programme.body,
        kind=item.kind,
        decided_on=date(2026, 3, 2),
        decision_number=f"{n:02d}-QĐ/UBKTĐUK",
        topic=item.topic,
        subjects=[SubjectInput(unit=unit(subject))],
        programme_item=item,
    )


@pytest.fixture
def planned(programme):
    """Five items: Q1, Q1, Q2 (month 5), Q3, Q4; item 1 concluded, item 2 and 3 started, a
    voided inspection on item 4 (still planned)."""
    items = [
        add_item(programme, 1, quarter=1),
        add_item(programme, 2, quarter=1),
        add_item(programme, 3, quarter=None, month=5),
        add_item(programme, 4, quarter=3),
        add_item(programme, 5, quarter=4),
    ]
    Inspection.objects.filter(pk=start(items[0], 51, "HA.DBK.001").pk).update(
        concluded_on=date(2026, 5, 4)
    )
    start(items[0], 52, "HA.DBK.002")  # a second, open inspection of the concluded item
    start(items[1], 53, "HA.DBK.002")
    start(items[2], 54, "HA.DBK.003")
    inspection_void(start(items[3], 55, "HA.DBK.004"), reason="Nhập nhầm")
    return programme


def test_item_status_from_live_inspections(planned, cast):
    items = selectors.item_list(scope=visible_to(cast["inspector"]), programme=planned)
    assert [i.status for i in items] == ["concluded", "started", "started", "planned", "planned"]
    assert [i.planned_q for i in items] == [1, 1, 2, 3, 4]
    assert [len(i.shown_inspections) for i in items] == [2, 1, 1, 0, 0]


def test_totals_overall_and_per_quarter(planned):
    progress = selectors.programme_progress(planned)
    t = progress.total
    assert (t.planned, t.started, t.concluded) == (5, 3, 1)
    assert (t.started_percent, t.concluded_percent) == (60, 20)
    got = [(q.label, q.planned, q.started, q.concluded) for q in progress.quarters]
    assert got == [
        ("Quý I", 2, 2, 1),
        ("Quý II", 1, 1, 0),
        ("Quý III", 1, 0, 0),
        ("Quý IV", 1, 0, 0),
    ]


def test_list_counts_items_not_inspections(planned, cast):
    row = selectors.programme_list(scope=visible_to(cast["inspector"]), year=2026).get(
        pk=planned.pk
    )
    assert (row.n_items, row.n_started, row.n_concluded) == (5, 3, 1)


def test_empty_programme_has_zero_progress(programme):
    t = selectors.programme_progress(programme).total
    assert (t.planned, t.started, t.concluded, t.concluded_percent) == (0, 0, 0, 0)


def test_visibility_follows_the_bodys_unit(programme, cast):
    assert selectors.programme_get(scope=visible_to(cast["committee_leader"]), pk=programme.pk)
    # the grassroots officer of HA.DBK.001 does not see the bloc's programme
    assert (
        selectors.programme_get(scope=visible_to(cast["grassroots_officer"]), pk=programme.pk)
        is None
    )
    assert selectors.programme_get(scope=visible_to(cast["sysadmin"]), pk=programme.pk) is None
