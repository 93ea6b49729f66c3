"""The filer's identity: encrypted at rest, keyed blind indexes, shown only to the handler and
the receiving body's UBKT leaders (not to leaders above), each viewing recorded without it."""

import hashlib

import pytest
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from ktgs.accounts.access import visible_to
from ktgs.audit.models import AuditEvent
from ktgs.letters import crypto, services
from ktgs.letters.identity import may_see_identity
from ktgs.letters.models import Letter
from ktgs.letters.tests.helpers import register, ubkt

pytestmark = pytest.mark.django_db

FILER = services.Filer(
    name="Hoàng Thị Nguyệt Ánh",
    address="Số 9 ngõ Hoa Sữa, phường Đông",
    phone="0912 345 678",
    citizen_id="001199007777",
)


def test_stored_encrypted_with_keyed_indexes(demo, cast):
    letter = register(cast["inspector"], ubkt(demo.bloc), filer=FILER).letter
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT filer_name, filer_address, filer_phone, filer_citizen_id, filer_name_index, "
            "filer_id_index FROM letters_letter WHERE id = %s",
            [letter.pk],
        )
        row = cursor.fetchone()
    raw = " ".join(row)
    for plain in (FILER.name, FILER.address, FILER.phone, FILER.citizen_id, "nguyet anh", "7777"):
        assert plain.lower() not in raw.lower()
    unkeyed = {
        hashlib.sha256(v.encode()).hexdigest() for v in ("001199007777", "hoang thi nguyet anh")
    }
    assert not unkeyed & set(row[4:])
    assert [crypto.decrypt(t) for t in row[:4]] == [
        FILER.name,
        FILER.address,
        FILER.phone,
        FILER.citizen_id,
    ]
    with override_settings(KTGS_LETTERS_INDEX_KEY="another-index-key-" + "x" * 40):
        assert crypto.blind_index(name=FILER.name, citizen_id=FILER.citizen_id) != tuple(row[4:])


def test_who_sees_the_identity(demo, cast):
    bloc_letter = register(cast["inspector"], ubkt(demo.bloc), filer=FILER).letter
    sees = {role: may_see_identity(visible_to(user), bloc_letter) for role, user in cast.items()}
    # the bloc UBKT's leader, yes; its inspector (not the handler), the committee leader, the
    # system administrator and the grassroots officer (the letter is above them), no
    assert sees == {
        "sysadmin": False,
        "ubkt_leader": True,
        "inspector": False,
        "grassroots_officer": False,
        "committee_leader": False,
    }
    bloc_letter.handler = cast["inspector"]
    assert may_see_identity(visible_to(cast["inspector"]), bloc_letter)


def test_leaders_above_see_the_letter_not_the_filer(demo, cast, client_as):
    # received by HA.DBK.001's UBKT: the bloc's UBKT leader sees it through the wider scope, but
    # is not the leader of the receiving body's UBKT
    letter = register(cast["grassroots_officer"], ubkt(demo.base_committee), filer=FILER).letter
    leader = client_as("ubkt_leader")
    page = leader.get(reverse("letters:detail", args=[letter.pk]))
    assert page.status_code == 200
    assert "Xem thông tin người gửi" not in page.content.decode()
    assert leader.post(reverse("letters:identity", args=[letter.pk])).status_code == 403
    assert not AuditEvent.objects.filter(action="letters.letter.identity_viewed").exists()


def test_viewing_is_recorded_without_the_identity(demo, cast, client_as):
    letter = register(cast["inspector"], ubkt(demo.bloc), filer=FILER).letter
    leader = client_as("ubkt_leader")
    page = leader.get(reverse("letters:detail", args=[letter.pk])).content.decode()
    assert "Xem thông tin người gửi" in page and FILER.name not in page
    shown = leader.post(reverse("letters:identity", args=[letter.pk])).content.decode()
    assert FILER.name in shown and FILER.citizen_id in shown and FILER.address in shown
    event = AuditEvent.objects.get(action="letters.letter.identity_viewed")
    assert event.actor_id == cast["ubkt_leader"].pk and event.target_id == str(letter.pk)
    everything = str(
        list(AuditEvent.objects.values_list("details", "changes", "actor_name", "target_label"))
    )
    for plain in (FILER.name, FILER.address, FILER.phone, FILER.citizen_id):
        assert plain not in everything


def test_the_accused_unit_gets_a_missing_letter(demo, cast, client_as):
    # received by HA.DBK.001's UBKT, accusing HA.DBK.001 itself: its grassroots officer (the
    # accused unit's own office) gets the answer of a letter that does not exist
    letter = register(
        cast["grassroots_officer"],
        ubkt(demo.base_committee),
        accused_units=[demo.base_committee],
    ).letter
    client = client_as("grassroots_officer")
    assert client.get(reverse("letters:detail", args=[letter.pk])).status_code == 404
    assert client.get(reverse("letters:detail", args=[999999])).status_code == 404
    listed = client.get(reverse("letters:list")).content.decode()
    assert reverse("letters:detail", args=[letter.pk]) not in listed
    assert Letter.objects.filter(pk=letter.pk).exists()


def test_a_letter_accusing_the_user_themselves_is_hidden_whatever_their_roles(
    demo, cast, client_as
):
    """The bloc's UBKT leader is also a party member (`ktgs linkmember`): a letter received by
    that UBKT accusing them is hidden from them — their role would otherwise show it."""
    from io import StringIO

    from django.core.management import call_command

    from ktgs.orgs.models import Member

    accused = Member.objects.filter(voided_at__isnull=True).order_by("pk").first()
    letter = register(cast["inspector"], ubkt(demo.bloc), accused_members=[accused]).letter
    client = client_as("ubkt_leader")
    url = reverse("letters:detail", args=[letter.pk])
    assert client.get(url).status_code == 200  # before the link: their role shows it
    out = StringIO()
    call_command("linkmember", cast["ubkt_leader"].username, accused.code, stdout=out)
    assert accused.code in out.getvalue()
    assert client.get(url).status_code == 404
    assert url not in client.get(reverse("letters:list")).content.decode()
    cast["ubkt_leader"].refresh_from_db()
    leader = visible_to(cast["ubkt_leader"])
    assert leader.member_id == accused.pk
    assert not leader.visible(Letter.objects.live()).filter(pk=letter.pk).exists()
    assert not may_see_identity(leader, letter)
    # another user of the same UBKT still handles it
    assert client_as("inspector").get(url).status_code == 200
    call_command("linkmember", cast["ubkt_leader"].username, "--remove", stdout=StringIO())
    assert client.get(url).status_code == 200
