"""The unit page shows how the reports name the unit's bodies, and lets the body that manages
the unit record its committee's short name from a date (docs/reports.md «Tên gọi tắt»)."""

import pytest
from django.urls import reverse

from ktgs.audit.models import AuditEvent
from ktgs.orgs.choices import UnitAttributeKey
from ktgs.orgs.models import UnitAttribute

pytestmark = pytest.mark.django_db
KEY = UnitAttributeKey.COMMITTEE_SHORT_NAME
BASE = "HA.DBK.001"


def page(client, code: str) -> str:
    response = client.get(reverse("orgs:unit_detail", args=[code]))
    assert response.status_code == 200
    return response.content.decode()


def form_action(code: str) -> str:
    return f'action="{reverse("orgs:unit_short_name", args=[code])}"'


def recorded(code: str) -> list[tuple]:
    rows = UnitAttribute.objects.filter(unit__code=code, key=KEY).order_by("starts_on")
    return list(rows.values_list("value", "starts_on", "ends_on"))


def test_the_unit_page_names_the_bodies_as_the_reports_do(client_as):
    html = page(client_as("sysadmin"), "HA.DBK")
    assert "Đảng ủy Khối · BTV Đảng ủy Khối · UBKT Đảng ủy Khối" in html
    assert "suy ra từ tên tổ chức" not in html
    assert form_action("HA.DBK") in html  # the province manages the bloc
    # the bloc's UBKT sees the names but does not manage the bloc itself
    html = page(client_as("ubkt_leader"), "HA.DBK")
    assert "BTV Đảng ủy Khối" in html and form_action("HA.DBK") not in html


def test_the_bloc_records_a_grassroots_committees_short_name(client_as, cast):
    client = client_as("ubkt_leader")
    before = page(client, BASE)
    assert "suy ra từ tên tổ chức" in before and form_action(BASE) in before
    response = client.post(
        reverse("orgs:unit_short_name", args=[BASE]),
        {"name": "Đảng ủy Sở Y tế", "on": "01/01/2024", "decision": "12-QĐ/ĐUK"},
    )
    assert response.status_code == 302
    (row,) = recorded(BASE)
    assert row[0] == "Đảng ủy Sở Y tế" and row[2] is None
    event = AuditEvent.objects.get(action="orgs.unit.committee_short_name")
    assert event.actor_id == cast["ubkt_leader"].pk
    html = page(client, BASE)
    assert "BTV Đảng ủy Sở Y tế" in html and "UBKT Đảng ủy Sở Y tế" in html
    assert "suy ra từ tên tổ chức" not in html and "12-QĐ/ĐUK" in html


@pytest.mark.parametrize(("role", "code"), [("ubkt_leader", "HA.DBK"), ("committee_leader", BASE)])
def test_a_user_who_does_not_manage_the_unit_is_refused(client_as, role, code):
    before = recorded(code)
    response = client_as(role).post(
        reverse("orgs:unit_short_name", args=[code]), {"name": "Tên khác", "on": "01/01/2024"}
    )
    assert response.status_code == 403
    assert recorded(code) == before


@pytest.mark.parametrize(
    ("day", "words"),
    [("31/02/2024", "dd/mm/yyyy"), ("01/01/2999", "chưa đến"), ("", "Chưa nhập dùng từ ngày")],
)
def test_a_bad_date_is_explained_and_nothing_saved(client_as, day, words):
    response = client_as("ubkt_leader").post(
        reverse("orgs:unit_short_name", args=[BASE]), {"name": "Đảng ủy Sở Y tế", "on": day}
    )
    assert response.status_code == 200
    assert words in response.content.decode()
    assert recorded(BASE) == []
    assert not AuditEvent.objects.filter(action="orgs.unit.committee_short_name").exists()
