"""Administration in the browser (issue 18, item 3): the checks of accounts.administration, the
services they call, and the pages. Every refusal writes nothing (no row, no audit event)."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from ktgs.accounts import administration as admin
from ktgs.accounts import services
from ktgs.accounts.access import visible_to
from ktgs.accounts.models import Assignment, User
from ktgs.audit.models import AuditEvent
from ktgs.orgs.models import Member, OrgUnit

PASSWORD = "mat-khau-quan-tri-2026"
START = date(2024, 1, 1)


@pytest.fixture
def units(demo, db):
    return {u.code: u for u in OrgUnit.objects.filter(code__startswith="HA.DBK.00")}


@pytest.fixture
def local_admin(units):
    """A system administrator of the đảng bộ cơ sở HA.DBK.001 only."""
    user = services.user_create(username="qt.coso", password=PASSWORD, full_name="Quản Trị Cơ Sở")
    services.role_assign(user=user, unit=units["HA.DBK.001"], role="sysadmin", starts_on=START)
    return user


@pytest.fixture
def clerk(units):
    user = services.user_create(username="cb.moi", password=PASSWORD, full_name="Cán Bộ Mới")
    services.role_assign(user=user, unit=units["HA.DBK.001.01"], role="inspector", starts_on=START)
    return user


def _events() -> int:
    return AuditEvent.objects.count()


def _refused(call, match: str) -> None:
    before = (_events(), Assignment.objects.count())
    with pytest.raises(ValidationError, match=match):
        call()
    assert (_events(), Assignment.objects.count()) == before, "a refusal wrote something"


# --- services ------------------------------------------------------------------------------------


def test_role_end_is_audited_and_refuses_an_end_before_the_start(clerk):
    row = clerk.assignments.get()
    _refused(lambda: services.role_end(assignment=row, ends_on=START), "phải sau ngày bắt đầu")
    services.role_end(assignment=row, ends_on=date(2025, 1, 1))
    row.refresh_from_db()
    assert row.ends_on == date(2025, 1, 1)
    event = AuditEvent.objects.filter(action="accounts.role.ended").latest("seq")
    assert event.changes == {"ends_on": [None, "2025-01-01"]}
    assert event.unit_id == row.unit_id
    _refused(
        lambda: services.role_end(assignment=row, ends_on=date(2025, 6, 1)), "đã kết thúc từ ngày"
    )


def test_clearance_and_full_name_changes_are_audited(clerk):
    services.user_clearance_set(user=clerk, clearance="confidential")
    event = AuditEvent.objects.filter(action="accounts.user.clearance_changed").latest("seq")
    assert event.changes == {"clearance": ["normal", "confidential"]}
    _refused(lambda: services.user_clearance_set(user=clerk, clearance="confidential"), "đã có mức")
    _refused(lambda: services.user_clearance_set(user=clerk, clearance="top"), "không tồn tại")
    services.user_rename(user=clerk, full_name="  Cán  Bộ Mới Sửa ")
    assert User.objects.get(pk=clerk.pk).full_name == "Cán Bộ Mới Sửa"
    assert AuditEvent.objects.filter(action="accounts.user.renamed").exists()
    _refused(lambda: services.user_rename(user=clerk, full_name=" "), "không được để trống")


# --- the administrator's limits ------------------------------------------------------------------


def test_an_administrator_gives_nothing_to_themselves(local_admin, units):
    scope = visible_to(local_admin)
    cell = units["HA.DBK.001.01"]
    for call in (
        lambda: admin.assign(scope, local_admin, unit=cell, role="ubkt_leader", starts_on=START),
        lambda: admin.set_clearance(scope, local_admin, "secret"),
        lambda: admin.reset_second_factor(scope, local_admin),
        lambda: admin.rename(scope, local_admin, "Tên Khác"),
        lambda: admin.deactivate(scope, local_admin),
    ):
        _refused(call, "tự")


def test_an_administrator_gives_nothing_to_another_administrator(local_admin, cast, units):
    scope = visible_to(cast["sysadmin"])  # quantri, of the whole province
    cell = units["HA.DBK.001.01"]
    TOTPDevice.objects.create(user=local_admin, name="app", confirmed=True)
    for call in (
        lambda: admin.assign(scope, local_admin, unit=cell, role="inspector", starts_on=START),
        lambda: admin.set_clearance(scope, local_admin, "secret"),
        lambda: admin.reset_second_factor(scope, local_admin),
    ):
        _refused(call, "là quản trị hệ thống")
    assert TOTPDevice.objects.filter(user=local_admin).exists()


def test_the_administrator_role_is_not_given_in_the_browser(cast, clerk, units):
    scope = visible_to(cast["sysadmin"])
    _refused(
        lambda: admin.assign(
            scope, clerk, unit=units["HA.DBK.001"], role="sysadmin", starts_on=START
        ),
        "ktgs createadmin",
    )


def test_roles_only_in_the_administrators_subtree(local_admin, clerk, units):
    scope = visible_to(local_admin)
    _refused(
        lambda: admin.assign(
            scope, clerk, unit=units["HA.DBK.002"], role="inspector", starts_on=START
        ),
        "không thuộc phạm vi",
    )
    outsider = services.user_create(username="ngoai.pham.vi", password=PASSWORD)
    services.role_assign(user=outsider, unit=units["HA.DBK.002"], role="inspector", starts_on=START)
    assert clerk in admin.user_list(scope)
    assert outsider not in admin.user_list(scope)
    with pytest.raises(Exception, match="Không tìm thấy"):
        admin.user_get(scope, outsider.pk)


def test_a_role_held_that_day_is_not_given_twice(cast, clerk, units):
    scope = visible_to(cast["sysadmin"])
    cell = units["HA.DBK.001.01"]
    _refused(
        lambda: admin.assign(scope, clerk, unit=cell, role="inspector", starts_on=date(2025, 1, 1)),
        "đang giữ vai trò",
    )
    row = admin.assign(scope, clerk, unit=cell, role="committee_leader", starts_on=START)
    assert row.pk and AuditEvent.objects.filter(action="accounts.role.assigned").latest("seq")


def test_second_factor_reset_removes_the_devices_and_is_audited(cast, clerk):
    TOTPDevice.objects.create(user=clerk, name="app", confirmed=True)
    assert admin.reset_second_factor(visible_to(cast["sysadmin"]), clerk) == 1
    assert not TOTPDevice.objects.filter(user=clerk).exists()
    assert AuditEvent.objects.filter(action="accounts.two_factor.removed").exists()


def test_member_linked_by_code_within_the_administrators_subtree(local_admin, clerk, units):
    scope = visible_to(local_admin)
    inside = Member.objects.live().filter(current_unit=units["HA.DBK.001.01"]).first()
    outside = Member.objects.live().filter(current_unit=units["HA.DBK.002.01"]).first()
    _refused(lambda: admin.link_member(scope, clerk, outside.code), "Không có đảng viên mã")
    admin.link_member(scope, clerk, inside.code.lower())
    assert User.objects.get(pk=clerk.pk).member_id == inside.pk
    admin.link_member(scope, clerk, "")
    assert User.objects.get(pk=clerk.pk).member_id is None


# --- the pages -----------------------------------------------------------------------------------


def test_administrator_creates_a_user_and_gives_a_role_by_the_units_name(client_as, units):
    client = client_as("sysadmin")
    response = client.post(
        reverse("accounts_admin:user_create"),
        {
            "username": "kiemtra.moi",
            "full_name": "Trần Văn Mới",
            "password": PASSWORD,
            "clearance": "normal",
        },
    )
    user = User.objects.get(username="kiemtra.moi")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts_admin:role_assign", args=[user.pk])
    cell = units["HA.DBK.001.01"]
    response = client.post(
        reverse("accounts_admin:role_assign", args=[user.pk]),
        {"unit": f"{cell.name} ({cell.code})", "role": "inspector", "starts_on": "01/01/2026"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    row = user.assignments.get()
    assert (row.unit_id, row.role, row.starts_on) == (cell.pk, "inspector", date(2026, 1, 1))
    page = client.get(reverse("accounts_admin:user_detail", args=[user.pk])).content.decode()
    assert cell.name in page and "Kiểm tra viên" in page


def test_administrator_page_refuses_a_role_for_themselves(client_as, cast, units):
    quantri = cast["sysadmin"]
    before = quantri.assignments.count()
    url = reverse("accounts_admin:role_assign", args=[quantri.pk])
    page = client_as("sysadmin").get(url).content.decode()
    assert "không thể tự giao" in page and 'name="role"' not in page
    response = client_as("sysadmin").post(
        url, {"unit": units["HA.DBK.001"].code, "role": "ubkt_leader", "starts_on": "01/01/2026"}
    )
    assert response.status_code == 200 and "không thể tự giao" in response.content.decode()
    assert quantri.assignments.count() == before


def test_user_pages_show_the_linked_member_by_name_and_code_only(client_as, cast, units):
    leader = cast["ubkt_leader"]
    member = Member.objects.live().filter(current_unit=units["HA.DBK.001.01"]).first()
    services.user_member_link(user=leader, member=member)
    page = client_as("sysadmin").get(reverse("accounts_admin:user_detail", args=[leader.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and f"{member.full_name} ({member.code})" in html
    assert 'href="/dang-vien/' not in html, "no link to a member's page"
    assert member.birth_date.strftime("%d/%m/%Y") not in html


def test_a_role_that_reads_records_is_shown_to_the_units_ubkt_leaders(client_as, clerk, units):
    cell = units["HA.DBK.001.01"]
    client_as("sysadmin").post(
        reverse("accounts_admin:role_assign", args=[clerk.pk]),
        {"unit": cell.code, "role": "committee_leader", "starts_on": "01/01/2026"},
    )
    home = client_as("ubkt_leader").get(reverse("home")).content.decode()  # leader of the bloc
    assert "Vai trò mới được giao trong đơn vị" in home
    assert "Cán Bộ Mới" in home and cell.name in home
    assert (
        "Vai trò mới được giao" not in client_as("inspector").get(reverse("home")).content.decode()
    )


def test_only_recent_grants_of_reading_roles_in_the_leaders_units_are_shown(cast, db):
    clerk = services.user_create(username="cb.moi", password=PASSWORD, full_name="Cán Bộ Mới")
    scope = visible_to(cast["ubkt_leader"])  # UBKT leader of the bloc HA.DBK
    quantri = visible_to(cast["sysadmin"])
    elsewhere = OrgUnit.objects.get(code="HA.CQD.001")
    admin.assign(quantri, clerk, unit=elsewhere, role="inspector", starts_on=START)
    assert admin.recent_grants(scope) == []  # outside the leader's units
    admin.assign(
        quantri,
        clerk,
        unit=OrgUnit.objects.get(code="HA.DBK.002"),
        role="inspector",
        starts_on=START,
    )
    shown = admin.recent_grants(scope)
    assert [(r["user"], r["role"], r["starts_on"]) for r in shown] == [
        ("Cán Bộ Mới", "Kiểm tra viên / chuyên viên", START)
    ]
    assert admin.recent_grants(scope, days=0) == []  # older than the window
