"""Two users edit the same record from forms opened at the same time (optimistic concurrency):
the second save is refused, says what the first changed, and keeps the second user's entries."""

import html
from datetime import timedelta

import pytest
from django.urls import reverse

from ktgs.audit.models import AuditEvent
from ktgs.core import bulk
from ktgs.core.dates import today
from ktgs.core.tests.formpage import FormFields, errors_above, opened
from ktgs.core.vietnamese import format_date
from ktgs.orgs import restructure, services
from ktgs.orgs.models import Member, OrgUnit

pytestmark = pytest.mark.django_db


def member() -> Member:
    unit = OrgUnit.objects.get(code="HA.DBK.001")
    return Member.objects.live().filter(current_unit__path__startswith=unit.path).first()


def test_a_save_from_a_stale_member_form_is_refused_and_nothing_is_lost(client_as):
    m = member()
    url = reverse("orgs:member_edit", args=[m.code])
    first, second = client_as("inspector"), client_as("ubkt_leader")
    form_a, form_b = opened(first, url), opened(second, url)
    old_given = m.given_name

    assert first.post(url, {**form_a, "given_name": "Tâm"}).status_code == 302
    events = AuditEvent.objects.count()
    refused = second.post(url, {**form_b, "old_id_number": "123456789"})

    assert refused.status_code == 200
    m.refresh_from_db()
    assert (m.given_name, m.old_id_number) == ("Tâm", "")  # the first change stands
    assert AuditEvent.objects.count() == events  # nothing written
    message = errors_above(refused)
    assert "người khác lưu" in message and "chưa được ghi" in message
    assert f"Tên: «{old_given}» khi đồng chí mở trang, nay là «Tâm»" in message
    shown = FormFields()
    shown.feed(refused.content.decode())
    assert shown.data["given_name"] == "Tâm"  # the stored value is the new baseline
    assert shown.data["old_id_number"] == "123456789"  # the user's entry is kept

    assert second.post(url, shown.data).status_code == 302
    m.refresh_from_db()
    assert (m.given_name, m.old_id_number) == ("Tâm", "123456789")  # both changes stand


def test_both_change_the_same_field_the_second_sees_the_first_value_and_decides(client_as):
    m = member()
    url = reverse("orgs:member_edit", args=[m.code])
    first, second = client_as("inspector"), client_as("ubkt_leader")
    form_a, form_b = opened(first, url), opened(second, url)
    day_a = format_date(m.birth_date - timedelta(days=1))
    day_b = format_date(m.birth_date - timedelta(days=2))

    assert first.post(url, {**form_a, "birth_date": day_a}).status_code == 302
    refused = second.post(url, {**form_b, "birth_date": day_b})

    m.refresh_from_db()
    assert format_date(m.birth_date) == day_a
    assert f"Ngày sinh: «{form_b['birth_date']}» khi đồng chí mở trang, nay là «{day_a}»" in (
        errors_above(refused)
    )
    page = refused.content.decode()
    assert f"Người khác vừa sửa thành «{day_a}»" in html.unescape(page)  # beside the field
    shown = FormFields()
    shown.feed(page)
    assert shown.data["birth_date"] == day_b  # still the second user's entry
    assert second.post(url, shown.data).status_code == 302
    m.refresh_from_db()
    assert format_date(m.birth_date) == day_b  # now knowingly


def test_a_form_opened_before_a_service_save_is_stale(client_as):
    m = member()
    url = reverse("orgs:member_edit", args=[m.code])
    client = client_as("inspector")
    form = opened(client, url)
    services.member_update(member=m, middle_name="Thị Thu")
    refused = client.post(url, {**form, "given_name": "Hoa"})
    assert "Tên đệm:" in errors_above(refused) and "«Thị Thu»" in errors_above(refused)
    m.refresh_from_db()
    assert m.middle_name == "Thị Thu" and m.given_name != "Hoa"


def test_a_save_without_changes_does_not_make_other_forms_stale(client_as):
    m = member()
    url = reverse("orgs:member_edit", args=[m.code])
    first, second = client_as("inspector"), client_as("ubkt_leader")
    form_a, form_b = opened(first, url), opened(second, url)
    assert first.post(url, form_a).status_code == 302
    assert second.post(url, {**form_b, "given_name": "Tâm"}).status_code == 302


def test_a_save_from_a_stale_unit_form_is_refused(client_as):
    url = reverse("orgs:unit_edit", args=["HA.DBK.001.01"])
    first, second = client_as("grassroots_officer"), client_as("ubkt_leader")
    form_a, form_b = opened(first, url), opened(second, url)
    old_name = form_a["name"]

    assert first.post(url, {**form_a, "name": "Chi bộ Phòng Hành chính"}).status_code == 302
    refused = second.post(url, {**form_b, "short_name": "CB HC"})

    unit = OrgUnit.objects.get(code="HA.DBK.001.01")
    assert (unit.name, unit.short_name) == ("Chi bộ Phòng Hành chính", "")
    assert f"Tên tổ chức: «{old_name}» khi đồng chí mở trang" in errors_above(refused)
    shown = FormFields()
    shown.feed(refused.content.decode())
    assert second.post(url, shown.data).status_code == 302
    unit.refresh_from_db()
    assert (unit.name, unit.short_name) == ("Chi bộ Phòng Hành chính", "CB HC")


def test_a_dated_rename_makes_an_open_unit_form_stale(client_as):
    url = reverse("orgs:unit_edit", args=["HA.DBK.001.01"])
    client = client_as("ubkt_leader")
    form = opened(client, url)
    unit = OrgUnit.objects.get(code="HA.DBK.001.01")
    restructure.unit_rename(unit=unit, name="Chi bộ Đổi tên", on=today())
    refused = client.post(url, {**form, "short_name": "CB"})
    assert "nay là «Chi bộ Đổi tên»" in errors_above(refused)
    assert OrgUnit.objects.get(pk=unit.pk).short_name != "CB"


def test_a_form_without_its_version_is_refused(client_as):
    m = member()
    url = reverse("orgs:member_edit", args=[m.code])
    client = client_as("inspector")
    form = opened(client, url)
    del form["version"]
    response = client.post(url, {**form, "given_name": "Tâm"})
    assert "Trang này đã cũ" in errors_above(response)
    m.refresh_from_db()
    assert m.given_name != "Tâm"


def test_a_bulk_update_as_the_import_writes_it_makes_an_open_form_stale(client_as):
    m = member()
    url = reverse("orgs:member_edit", args=[m.code])
    client = client_as("inspector")
    form = opened(client, url)
    bulk.update(Member, [(m.pk, {"middle_name": "Văn Nhập"})])
    refused = client.post(url, {**form, "given_name": "Tâm"})
    assert "nay là «Văn Nhập»" in errors_above(refused)
    m.refresh_from_db()
    assert (m.middle_name, m.version) == ("Văn Nhập", 2) and m.given_name != "Tâm"
