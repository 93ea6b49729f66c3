"""The version check itself: the conditional UPDATE refuses a version overtaken after the
check (the window a row lock closes on PostgreSQL but SQLite does not have)."""

import pytest
from django.db.models import F

from ktgs.core.concurrency import StaleEdit, bump_version, check_version, touch_version
from ktgs.orgs.models import OrgUnit

pytestmark = pytest.mark.django_db


def test_a_version_overtaken_after_the_check_is_refused_by_the_update():
    unit = OrgUnit.objects.get(code="HA.DBK.001")
    seen = unit.version
    check_version(unit, seen)  # passes: nobody saved yet
    OrgUnit.objects.filter(pk=unit.pk).update(version=F("version") + 1)  # another save lands
    with pytest.raises(StaleEdit) as refused:
        bump_version(unit, seen)
    assert refused.value.current.version == seen + 1
    assert OrgUnit.objects.get(pk=unit.pk).version == seen + 1  # not raised twice


def test_check_refuses_another_version_and_bump_raises_by_one():
    unit = OrgUnit.objects.get(code="HA.DBK.001")
    with pytest.raises(StaleEdit):
        check_version(unit, unit.version + 1)
    check_version(unit, None)  # no form: nothing to compare
    before = unit.version
    bump_version(unit, before)
    touch_version(unit)
    assert unit.version == OrgUnit.objects.get(pk=unit.pk).version == before + 2
