"""Migration rules.0006: which unit an office row made before overrides had one is given — the
units where the leader who made it held ubkt_leader on the day of its audit event, else the roots.

The helpers are run on today's models (the fields they read are the same in the migration)."""

import importlib
from datetime import date

import pytest
from django.apps import apps
from django.db import transaction

from ktgs.accounts import services as account_services
from ktgs.audit.context import Actor
from ktgs.audit.services import record
from ktgs.orgs.models import OrgUnit
from ktgs.rules.models import RuleRow

pytestmark = pytest.mark.django_db
migration = importlib.import_module("ktgs.rules.migrations.0006_office_row_unit")


def path(code: str) -> str:
    return OrgUnit.objects.get(code=code).path


def overridden_by(actor_id: int | None, row_pk: int = 10**9) -> int:
    """An audit event "rules.row.overridden" about RuleRow `row_pk`, made by `actor_id`."""
    target = RuleRow(pk=row_pk, family="competence", key="k", value={}, starts_on=date(2026, 1, 1))
    with transaction.atomic():
        record("rules.row.overridden", target=target, actor=Actor(actor_id, "người điều chỉnh"))
    return row_pk


def test_the_leaders_units_on_the_day_of_the_event_are_chosen(cast):
    row = overridden_by(cast["ubkt_leader"].pk)  # the demo leader: ubkt_leader of HA.DBK
    assert migration._leader_paths(apps, row) == [path("HA.DBK")]


def test_a_leader_of_two_subtrees_gets_both_and_nested_units_collapse():
    user = account_services.user_create(username="hai.noi", password="x" * 12)
    for code in ("HA.DBK.001", "HA.DBK.001.01", "HA.DBK.002"):
        account_services.role_assign(
            user=user,
            unit=OrgUnit.objects.get(code=code),
            role="ubkt_leader",
            starts_on=date(2020, 1, 1),
        )
    paths = migration._tops(migration._leader_paths(apps, overridden_by(user.pk)))
    assert paths == sorted([path("HA.DBK.001"), path("HA.DBK.002")])


def test_no_event_or_no_deciding_role_gives_nothing_so_the_roots_are_used(cast):
    assert migration._leader_paths(apps, 10**9 - 1) == []  # no audit event
    assert migration._leader_paths(apps, overridden_by(None)) == []  # made by the system
    assert migration._leader_paths(apps, overridden_by(cast["inspector"].pk)) == []
