"""The access seam: scope = subtrees of the units where a role is held today."""

from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ktgs.accounts.access import (
    EDIT,
    READ,
    RECORDS_CHANGE,
    RECORDS_DECIDE,
    RECORDS_VIEW,
    UNITS_CHANGE,
    UNITS_VIEW,
    USERS_MANAGE,
    Grant,
    Scope,
    visible_to,
)
from ktgs.accounts.models import Assignment, Role, User
from ktgs.core.models import Secrecy
from ktgs.orgs.models import Member, OrgUnit


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


def test_clearance_orders_the_secrecy_levels():
    assert Scope(clearance=Secrecy.NORMAL).secrecy_levels == (Secrecy.NORMAL,)
    assert Scope(clearance=Secrecy.CONFIDENTIAL).secrecy_levels == (
        Secrecy.NORMAL,
        Secrecy.CONFIDENTIAL,
    )
    assert set(Scope(clearance=Secrecy.SECRET).secrecy_levels) == set(Secrecy.values)
    assert Scope(clearance="top_secret").secrecy_levels == ()  # unknown: sees no record


def test_page_families_follow_the_role_table():
    """A system administrator changes units but reads no record; a committee leader reads but
    changes nothing; an inspector reads and edits but does not decide."""
    admin = Scope(grants=(Grant("a.", Role.SYSADMIN),), roots=("a.",))
    leader = Scope(grants=(Grant("a.", Role.COMMITTEE_LEADER),), roots=("a.",))
    inspector = Scope(grants=(Grant("a.", Role.INSPECTOR),), roots=("a.",))
    assert admin.may(UNITS_VIEW, "a.b.") and admin.may(UNITS_CHANGE, "a.b.")
    assert admin.may(USERS_MANAGE, "a.") and not admin.may(RECORDS_VIEW, "a.b.")
    assert leader.may(RECORDS_VIEW, "a.b.") and not leader.may(RECORDS_CHANGE, "a.b.")
    assert not leader.may(UNITS_CHANGE, "a.b.")
    assert inspector.may(RECORDS_CHANGE, "a.b.") and not inspector.may(RECORDS_DECIDE, "a.b.")
    assert not inspector.may(USERS_MANAGE, "a.")


@pytest.mark.django_db
def test_a_member_is_seen_through_their_cell_and_the_clearance(cast):
    officer = visible_to(cast[Role.GRASSROOTS_OFFICER])  # HA.DBK.001, clearance thường
    own = Member.objects.live().filter(current_unit__code__startswith="HA.DBK.001.").first()
    other = Member.objects.live().filter(current_unit__code__startswith="HA.DBK.002.").first()
    assert officer.sees(own) and not officer.sees(other)
    own.secrecy = Secrecy.CONFIDENTIAL
    assert not officer.sees(own)
    assert visible_to(cast[Role.INSPECTOR]).sees(own)  # HA.DBK, cleared for mật
    assert not visible_to(cast[Role.SYSADMIN]).sees(other)  # reads no records at all


@pytest.mark.django_db
def test_a_role_counts_only_between_its_dates(cast):
    user = cast[Role.COMMITTEE_LEADER]
    base = OrgUnit.objects.get(code="HA.DBK.002")
    later = Assignment.objects.create(
        user=user, unit=base, role=Role.INSPECTOR, starts_on=date(2030, 1, 1)
    )
    assert not visible_to(user).may(EDIT, base.path)
    assert visible_to(user, on=date(2030, 1, 1)).may(EDIT, base.path)
    later.ends_on = date(2030, 6, 1)
    later.save()
    assert not visible_to(user, on=date(2030, 6, 1)).may(EDIT, base.path)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("founded", "message"), [("tomorrow", "chưa đến"), ("2020-13-01", "không hợp lệ")]
)
def test_createadmin_refuses_a_root_founding_date_after_today_or_malformed(
    monkeypatch, founded, message
):
    from datetime import timedelta

    from django.utils import timezone

    if founded == "tomorrow":
        founded = f"{timezone.localdate() + timedelta(days=1):%d/%m/%Y}"
    monkeypatch.setenv("KTGS_ADMIN_PASSWORD", "mot-mat-khau-dai-2026")
    with pytest.raises(CommandError, match=message):
        call_command(
            "createadmin", "quantri5", "--root-code", "X", "--root-name", "X",
            "--root-founded", founded,
        )  # fmt: skip
    assert not User.objects.filter(username="quantri5").exists()


def test_reads_through_a_path_only_where_the_user_reads_and_nothing_is_excluded():
    """Rows known to reach a unit by one of a model's access paths need only the clearance
    check when the user reads there and the model excludes no reader (inspections); never for
    a model with exclusions (letters: the accused's own units) nor by a path it is not read
    through."""
    from ktgs.inspections.models import Inspection
    from ktgs.letters.models import Letter

    scope = Scope(grants=(Grant("a.b.", Role.INSPECTOR),), clearance=Secrecy.NORMAL)
    assert scope.reads_through(Inspection, "subjects__unit__path", "a.b.c.")
    assert not scope.reads_through(Inspection, "subjects__unit__path", "a.")  # above the grant
    assert not scope.reads_through(Inspection, "subjects__member__code", "a.b.c.")
    assert not scope.reads_through(Letter, "unit__path", "a.b.c.")


def _many_path_models():
    from django.apps import apps

    return [m for m in apps.get_models() if len(getattr(m, "ACCESS_PATHS", ())) > 1]


@pytest.mark.parametrize(
    "role", ["inspector", "ubkt_leader", "committee_leader", "grassroots_officer"]
)
def test_a_many_path_filter_checked_or_gathered_keeps_the_same_rows(demo, cast, role):
    """`visible` checks each row by its access paths, or, for a list below the top of the
    tree, gathers the ids the paths reach: the same rows, for every model with several paths,
    for each role of the demo and for a reader of the whole tree."""
    from ktgs.discipline.models import Decision
    from ktgs.orgs.models import Body

    top, other = OrgUnit.objects.get(code="HA"), OrgUnit.objects.get(code="HA.CQD")
    elsewhere = Decision.objects.filter(
        subject_unit__path__startswith=OrgUnit.objects.get(code="HA.DBK").path
    ).first()  # moved to the other bloc: out of the bloc's readers' way
    Decision.objects.filter(pk=elsewhere.pk).update(
        body=Body.objects.get(unit=other, kind="inspection"), subject_unit=other
    )
    grants = (Grant(top.path, Role.INSPECTOR),)
    whole = Scope(grants=grants, clearance=Secrecy.SECRET, roots=(top.path,))
    scope = visible_to(cast[role])
    assert not whole._below_top()
    models = _many_path_models()
    assert {m.__name__ for m in models} >= {"Inspection", "Decision", "DisciplineCase"}
    seen = 0
    for reader in (scope, whole):
        for model in models:
            rows = model._base_manager.all()
            checked = set(rows.filter(reader._checked(model)).values_list("pk", flat=True))
            gathered = set(rows.filter(reader._gathered(model)).values_list("pk", flat=True))
            assert checked == gathered, (role, model.__name__)
            listed = reader.visible(rows, listing=True).values_list("pk", flat=True)
            assert set(listed) == set(reader.visible(rows).values_list("pk", flat=True))
            seen += len(checked) if reader is scope else 0
    assert seen > 0  # the role reads some of these records
    total = sum(m._base_manager.count() for m in models)
    assert seen < total  # and not all: the filter kept some out
