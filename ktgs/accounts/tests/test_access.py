"""The access seam: scope = subtrees of the units where a role is held today."""

from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ktgs.accounts.access import EDIT, READ, Grant, Scope, visible_to
from ktgs.accounts.models import Assignment, Role, User
from ktgs.orgs.models import OrgUnit


def test_scope_roots_drop_nested_paths_and_may_follows_role_table():
    scope = Scope(
        grants=(Grant("a.", Role.COMMITTEE_LEADER), Grant("a.b.", Role.INSPECTOR)),
        roots=("a.",),
    )
    assert scope.contains("a.c.") and not scope.contains("z.")
    assert scope.may(READ, "a.c.")
    assert not scope.may(EDIT, "a.c.")  # the leader only reads
    assert scope.may(EDIT, "a.b.d.")  # the inspector edits in their subtree
    assert not Scope().may(READ, "a.")


@pytest.mark.django_db
def test_visible_to_uses_todays_assignments(cast):
    officer = cast[Role.GRASSROOTS_OFFICER]
    scope = visible_to(officer)
    home = OrgUnit.objects.get(code="HA.DBK.001")
    assert scope.roots == (home.path,)
    bloc = OrgUnit.objects.get(code="HA.DBK")
    assert not scope.contains(bloc.path)
    Assignment.objects.filter(user=officer).update(ends_on=date(2024, 1, 1))
    assert visible_to(officer).is_empty
    assert visible_to(officer, on=date(2023, 6, 30)).roots == (home.path,)


@pytest.mark.django_db
def test_inactive_or_anonymous_users_see_nothing(cast):
    user = cast[Role.INSPECTOR]
    user.is_active = False
    assert visible_to(user).is_empty


@pytest.mark.django_db
def test_createadmin_creates_a_sysadmin_at_a_unit(monkeypatch):
    monkeypatch.setenv("KTGS_ADMIN_PASSWORD", "mot-mat-khau-dai-2026")
    call_command("createadmin", "quantri2", "--unit", "HA", "--full-name", "Trần Thị B")
    user = User.objects.get(username="quantri2")
    assert user.check_password("mot-mat-khau-dai-2026")
    scope = visible_to(user)
    assert scope.grants[0].role == Role.SYSADMIN
    with pytest.raises(CommandError, match="KHONGCO"):
        call_command("createadmin", "quantri3", "--unit", "KHONGCO")
    monkeypatch.setenv("KTGS_ADMIN_PASSWORD", "123")
    with pytest.raises(CommandError):
        call_command("createadmin", "quantri4", "--unit", "HA")
    assert not User.objects.filter(username="quantri4").exists()
