"""Migration discipline.0002: existing suspensions (all of members) get the member's cell on the
start date as their subject unit and the member's secrecy. Run on today's models (the fields it
reads and writes are the same in the migration)."""

import importlib
from datetime import date

import pytest
from django.apps import apps

from ktgs.discipline import suspensions
from ktgs.discipline.models import Suspension
from ktgs.discipline.tests.test_decisions import CELL, body, plain_member
from ktgs.orgs.models import Member, OrgUnit

pytestmark = pytest.mark.django_db
migration = importlib.import_module("ktgs.discipline.migrations.0002_suspension_subject")


def test_existing_member_suspensions_get_the_cell_on_the_start_date_and_the_secrecy():
    member = plain_member()
    s = suspensions.suspension_start(
        member, body=body("HA.DBK", "inspection"), starts_on=date(2026, 5, 4), reason="Khởi tố"
    )
    Member.objects.filter(pk=member.pk).update(secrecy="confidential")
    Suspension.objects.filter(pk=s.pk).update(
        subject_unit=OrgUnit.objects.get(code="HA.DBK"), secrecy="normal"
    )
    migration.fill_subject(apps, None)
    s.refresh_from_db()
    assert (s.subject_unit.code, s.secrecy, s.subject_kind) == (CELL, "confidential", "member")
