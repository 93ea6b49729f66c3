"""Issue 11, defect 3, on the services the forms call: a date of something that has happened
(founding, admission, start of a membership, a seat, a head, a transfer, an end) after today is
a field error, nothing written; today is accepted; a planned end may lie ahead."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from ktgs.orgs import services
from ktgs.orgs.choices import BodyKind, MembershipEnd, SeatRole
from ktgs.orgs.models import Body, OrgUnit
from ktgs.orgs.tests.factories import bloc, kind, new_member, new_unit

pytestmark = pytest.mark.django_db


def _cell():
    return new_unit("cell", new_unit("base_committee", bloc()))


def _member():
    return new_member(_cell())


def _committee(member):
    """The committee of the base committee above the member's cell."""
    base = member.memberships.get().unit.links.get().parent
    return Body.objects.get(unit=base, kind=BodyKind.COMMITTEE)


CALLS = {
    "unit_create": (
        "starts_on",
        lambda day: services.unit_create(
            code="T.FUTURE", name="Thử", kind=kind("base_committee"), parent=bloc(), starts_on=day
        ),
    ),
    "unit_move": (
        "on",
        lambda day: services.unit_move(
            unit=new_unit("base_committee", bloc()),
            new_parent=new_unit("superior", OrgUnit.objects.get(code="HA")),
            on=day,
        ),
    ),
    "member_create admitted_on": (
        "admitted_on",
        lambda day: new_member(_cell(), admitted_on=day, official_on=None),
    ),
    "member_create official_on": ("official_on", lambda day: new_member(_cell(), official_on=day)),
    "member_create starts_on": ("starts_on", lambda day: new_member(_cell(), starts_on=day)),
    "member_update": (
        "admitted_on",
        lambda day: services.member_update(member=_member(), admitted_on=day, official_on=None),
    ),
    "member_transfer": (
        "on",
        lambda day: services.member_transfer(member=_member(), to_unit=_cell(), on=day),
    ),
    "membership_end": (
        "on",
        lambda day: services.membership_end(
            member=_member(), on=day, reason=MembershipEnd.DECEASED
        ),
    ),
    "seat_add": (
        "starts_on",
        lambda day: (
            (m := _member())
            and services.seat_add(
                member=m, body=_committee(m), role=SeatRole.COMMITTEE_MEMBER, starts_on=day
            )
        ),
    ),
    "head_set": (
        "starts_on",
        lambda day: (
            (m := _member()) and services.head_set(unit=m.current_unit, member=m, starts_on=day)
        ),
    ),
    "managed_by_add": (
        "starts_on",
        lambda day: (
            (m := _member())
            and services.managed_by_add(member=m, body=_committee(m), starts_on=day)
        ),
    ),
}


@pytest.mark.parametrize("name", list(CALLS))
def test_a_date_after_today_is_a_field_error_today_is_accepted(name):
    field, call = CALLS[name]
    today = timezone.localdate()
    tomorrow = today + timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        call(tomorrow)
    assert f"Ngày {tomorrow:%d/%m/%Y} chưa đến" in exc.value.message_dict[field][0]
    call(today)


def test_a_seat_may_end_after_today_but_not_start():
    member = _member()
    body = _committee(member)
    end = timezone.localdate() + timedelta(days=400)
    seat = services.seat_add(
        member=member,
        body=body,
        role=SeatRole.COMMITTEE_MEMBER,
        starts_on=date(2020, 1, 1),
        ends_on=end,
    )
    assert seat.ends_on == end
