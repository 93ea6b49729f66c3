"""Secrecy of member records: who sees them, how they are marked, and the log of their reads."""

import re
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from ktgs.audit.models import AuditEvent, ReadEvent
from ktgs.core.models import TOP_SECRET_REFUSED, Dated, Secrecy
from ktgs.orgs import services
from ktgs.orgs.models import HeadOfUnit, Member, OrgUnit

pytestmark = pytest.mark.django_db


def member_in(code: str) -> Member:
    return Member.objects.live().filter(current_unit__path__startswith=unit(code).path).first()


def unit(code: str) -> OrgUnit:
    return OrgUnit.objects.get(code=code)


def marked(member: Member, secrecy: str) -> Member:
    return services.member_update(member=member, secrecy=secrecy)


def edit_data(member: Member, **changes) -> dict:
    data = {
        "family_name": member.family_name,
        "middle_name": member.middle_name,
        "given_name": member.given_name,
        "birth_date": member.birth_date.strftime("%d/%m/%Y"),
        "sex": member.sex,
        "citizen_id": member.citizen_id or "",
        "old_id_number": member.old_id_number,
        "admitted_on": member.admitted_on.strftime("%d/%m/%Y"),
        "official_on": member.official_on.strftime("%d/%m/%Y") if member.official_on else "",
        "version": member.version,  # the version the form was opened at
    }
    return {**data, **changes}


def field_error(response, field: str) -> str:
    match = re.search(rf'id="id_{field}_error">([^<]+)<', response.content.decode())
    return match.group(1) if match else ""


# --- tuyệt mật is never stored -------------------------------------------------------------


def test_top_secret_is_refused_on_the_form_with_the_reason(client_as):
    member = member_in("HA.DBK.001")
    url = reverse("orgs:member_edit", args=[member.code])
    client = client_as("ubkt_leader")
    assert ">Tuyệt mật</option>" in client.get(url).content.decode()
    response = client.post(url, edit_data(member, secrecy="top_secret"))
    assert response.status_code == 200
    assert field_error(response, "secrecy") == TOP_SECRET_REFUSED
    assert "không được lưu trong KTGS" in TOP_SECRET_REFUSED
    assert "Luật Bảo vệ bí mật nhà nước" in TOP_SECRET_REFUSED
    member.refresh_from_db()
    assert member.secrecy == Secrecy.NORMAL


def test_top_secret_is_refused_by_the_service_and_the_database():
    cell = unit("HA.DBK.001.01")
    before = Member.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.member_create(
            code="TEST-TM",
            unit=cell,
            family_name="Lê",
            given_name="Mật",
            birth_date=date(1980, 1, 1),
            sex="M",
            admitted_on=date(2005, 1, 1),
            secrecy="top_secret",
        )
    assert refused.value.message_dict["secrecy"] == [TOP_SECRET_REFUSED]
    assert Member.objects.count() == before
    member = member_in("HA.DBK.001")
    with pytest.raises(IntegrityError), transaction.atomic():
        Member.objects.filter(pk=member.pk).update(secrecy="top_secret")


def test_a_clerk_cannot_mark_a_record_above_their_own_clearance(client_as):
    member = member_in("HA.DBK.001")
    url = reverse("orgs:member_edit", args=[member.code])
    client = client_as("inspector")  # cleared for mật, not tối mật
    form = client.get(url).content.decode()
    assert ">Mật</option>" in form and ">Tối mật</option>" not in form
    response = client.post(url, edit_data(member, secrecy=Secrecy.SECRET))
    assert "chỉ được đặt độ mật đến mức mình được tiếp cận" in field_error(response, "secrecy")
    member.refresh_from_db()
    assert member.secrecy == Secrecy.NORMAL


def test_marking_a_member_confidential_is_in_the_audit_trail(client_as):
    member = member_in("HA.DBK.001")
    url = reverse("orgs:member_edit", args=[member.code])
    response = client_as("inspector").post(url, edit_data(member, secrecy=Secrecy.CONFIDENTIAL))
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.secrecy == Secrecy.CONFIDENTIAL
    event = AuditEvent.objects.filter(action="orgs.member.updated").order_by("-seq").first()
    assert event.changes["secrecy"] == [Secrecy.NORMAL, Secrecy.CONFIDENTIAL]
    page = client_as("inspector").get(reverse("orgs:member_detail", args=[member.code]))
    assert "<dd>Mật" in page.content.decode()


def test_leaving_the_secrecy_out_keeps_the_records_level(client_as):
    member = marked(member_in("HA.DBK.001"), Secrecy.CONFIDENTIAL)
    url = reverse("orgs:member_edit", args=[member.code])
    response = client_as("inspector").post(url, edit_data(member, given_name="Bình"))
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.given_name, member.secrecy) == ("Bình", Secrecy.CONFIDENTIAL)


# --- reads of confidential records go to the access log ---------------------------------------


def test_opening_a_confidential_member_is_logged_outside_the_chain(client_as, cast):
    member = marked(member_in("HA.DBK.001"), Secrecy.CONFIDENTIAL)
    plain = member_in("HA.DBK.002")
    chain = AuditEvent.objects.count()
    client = client_as("inspector")
    client.get(reverse("orgs:member_detail", args=[plain.code]))
    assert not ReadEvent.objects.exists()
    response = client.get(reverse("orgs:member_detail", args=[member.code]), REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 200
    read = ReadEvent.objects.get()
    reader = cast["inspector"]
    assert (read.user_id, read.user_name, read.ip) == (reader.pk, reader.username, "10.1.2.3")
    assert (read.target_type, read.target_id) == ("orgs.member", str(member.pk))
    assert (read.secrecy, read.unit_id) == (Secrecy.CONFIDENTIAL, member.current_unit_id)
    assert abs((timezone.now() - read.at).total_seconds()) < 60
    assert AuditEvent.objects.count() == chain  # reading writes nothing to the audit trail


def test_a_refused_read_is_not_logged(client_as):
    member = marked(member_in("HA.DBK.001"), Secrecy.SECRET)
    response = client_as("inspector").get(reverse("orgs:member_detail", args=[member.code]))
    assert response.status_code == 404
    assert not ReadEvent.objects.exists()


# --- who is named on a unit page ---------------------------------------------------------------


def test_a_unit_page_does_not_name_a_head_above_the_readers_clearance(client_as):
    head = (
        HeadOfUnit.objects.filter(Dated.q_on(timezone.localdate()), unit__code="HA.DBK.001")
        .select_related("member")
        .get()
    )
    marked(head.member, Secrecy.CONFIDENTIAL)
    url = reverse("orgs:unit_detail", args=["HA.DBK.001"])
    cleared = client_as("inspector").get(url).content.decode()
    assert reverse("orgs:member_detail", args=[head.member.code]) in cleared
    officer = client_as("grassroots_officer").get(url).content.decode()
    assert reverse("orgs:member_detail", args=[head.member.code]) not in officer
    assert head.member.full_name not in officer


# --- exceptions to the unit rule are the model's hook -----------------------------------------


def test_a_models_exception_hides_a_record_in_lists_and_pages(client_as, monkeypatch):
    """The hook a letter will use ("never visible to the accused or their units"), tried on
    members: the record is hidden although its unit is in scope."""
    hidden = member_in("HA.DBK.001")
    monkeypatch.setattr(
        Member, "access_exclusion", classmethod(lambda cls, scope: Q(code=hidden.code))
    )
    monkeypatch.setattr(Member, "access_excluded", lambda self, scope: self.code == hidden.code)
    client = client_as("ubkt_leader")
    page = client.get(reverse("orgs:member_detail", args=[hidden.code]))
    listed = client.get(reverse("orgs:member_list"), {"q": hidden.code}).content.decode()
    assert page.status_code == 404
    assert f"/dang-vien/{hidden.code}/" not in listed
    other = member_in("HA.DBK.002")
    assert client.get(reverse("orgs:member_detail", args=[other.code])).status_code == 200
