"""The demo's inspections and programmes (ktgs/demo/inspections.py): pure plan, and what the
database holds after `build_demo()` — snapshots true to the plan's seats and memberships."""

from datetime import date

import pytest
from django.db.models import Exists, F, OuterRef, Q

from ktgs.demo.inspections import REPORT_FIGURES, plan_inspections
from ktgs.demo.layout import DEFAULT_MEMBERS
from ktgs.demo.plan import make_plan
from ktgs.inspections.models import Inspection, InspectionStep, InspectionSubject
from ktgs.orgs.models import CommitteeSeat, Membership, Term
from ktgs.programmes.models import Programme, ProgrammeItem

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 27)  # the demo's "in progress" dates are fixed around this day


def test_plan_is_pure_and_repeatable():
    plan = make_plan(DEFAULT_MEMBERS)
    assert plan_inspections(plan) == plan_inspections(plan)
    assert REPORT_FIGURES == {
        "committee": {"organisations": 19, "committee_members": 114},
        "inspection": {"organisations": 17, "committee_members": 49},
    }


def test_counts_dict_records_what_was_written(demo):
    assert demo.counts["inspections"] == Inspection.objects.filter(voided_at=None).count() > 0
    assert demo.counts["inspection_subjects"] == InspectionSubject.objects.count()
    assert demo.counts["programmes"] == Programme.objects.count() == 5


def test_committee_member_subjects_hold_a_committee_seat_on_the_decision_date(demo):
    day = OuterRef("inspection__decided_on")
    seat = CommitteeSeat.objects.filter(
        Q(ends_on__isnull=True) | Q(ends_on__gt=day),
        member=OuterRef("member"),
        body__unit=OuterRef("committee_unit"),
        body__kind__in=["committee", "standing"],
        starts_on__lte=day,
    )
    members = InspectionSubject.objects.filter(member__isnull=False)
    counted = members.filter(committee_unit__isnull=False)
    assert counted.count() > 163
    assert not counted.filter(~Exists(seat)).exists()
    # and those not snapshotted as committee members really held no such seat that day
    any_seat = CommitteeSeat.objects.filter(
        Q(ends_on__isnull=True) | Q(ends_on__gt=day),
        member=OuterRef("member"),
        body__kind__in=["committee", "standing"],
        starts_on__lte=day,
    )
    plain = members.filter(committee_unit__isnull=True)
    assert plain.exists() and not plain.filter(Exists(any_seat)).exists()


def test_member_subjects_are_registered_in_the_performing_units_subtree(demo):
    day = OuterRef("inspection__decided_on")
    registered = Membership.objects.filter(
        Q(ends_on__isnull=True) | Q(ends_on__gt=day),
        member=OuterRef("member"),
        unit=OuterRef("unit"),
        unit__path__startswith=OuterRef("inspection__unit__path"),
        starts_on__lte=day,
    )
    members = InspectionSubject.objects.filter(member__isnull=False)
    assert not members.filter(~Exists(registered)).exists()
    units = InspectionSubject.objects.filter(member__isnull=True)
    assert not units.exclude(unit__path__startswith=F("inspection__unit__path")).exists()


def test_steps_done_in_order_for_concluded_and_due_dates_for_those_in_progress(demo):
    concluded = Inspection.objects.filter(concluded_on__isnull=False)
    assert not InspectionStep.objects.filter(
        inspection__in=concluded, done_on__isnull=True
    ).exists()
    assert not InspectionStep.objects.filter(done_on__lt=F("inspection__decided_on")).exists()
    assert not InspectionSubject.objects.filter(inspection__in=concluded, result="").exists()
    open_steps = InspectionStep.objects.filter(
        done_on__isnull=True,
        due_on__isnull=False,
        inspection__concluded_on__isnull=True,
    )
    assert open_steps.filter(due_on__lt=TODAY).exists()  # overdue
    assert open_steps.filter(due_on__gte=TODAY, due_on__lte=date(2026, 12, 4)).exists()  # soon
    assert not InspectionStep.objects.filter(done_on__gt=TODAY).exists()
    assert not Inspection.objects.filter(decided_on__gt=TODAY).exists()


def test_activity_around_the_report_period(demo):
    bloc = demo.bloc
    start = Term.objects.get(unit=bloc, name="2020–2025").starts_on
    mine = Inspection.objects.filter(unit=bloc)
    assert mine.filter(decided_on__gt=demo.reference_date, decided_on__year__lt=2026).exists()
    assert mine.filter(decided_on__year=2026, concluded_on__isnull=False).exists()
    assert mine.filter(decided_on__year=2026, concluded_on__isnull=True).count() >= 4
    grassroots = Inspection.objects.exclude(unit=bloc)
    assert grassroots.filter(decided_on__range=(start, demo.reference_date)).exists()
    assert mine.filter(secrecy="secret").exists() and mine.filter(secrecy="confidential").exists()
    assert InspectionSubject.objects.filter(result__in=["violation"]).exists()
    numbers = mine.exclude(decision_number="").values_list("decision_number", flat=True)
    assert all(n.endswith(("-QĐ/ĐUK", "-QĐ/UBKTĐUK")) for n in numbers)


def test_programmes_link_their_items_to_demo_inspections(demo):
    numbers = set(Programme.objects.values_list("number", flat=True))
    assert "12-CTr/ĐUK" in numbers and "11-CTr/UBKTĐUK" in numbers
    linked = ProgrammeItem.objects.filter(inspections__isnull=False).distinct()
    assert linked.count() > 10
    assert ProgrammeItem.objects.filter(inspections__isnull=True).exists()  # not carried out
    assert (
        not Inspection.objects.filter(programme_item__isnull=False)
        .exclude(programme_item__programme__year=F("decided_on__year"))
        .exists()
    )
