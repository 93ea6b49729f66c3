"""Administration of a unit's dated settings and the read log (issue 18, item 3): terms,
attributes, issuer symbols — a new value closes the one holding that day, history is never
overwritten, each refusal writes nothing —, and the read log's scope, filters and paging."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from ktgs.accounts import services as account_services
from ktgs.audit.models import AuditEvent, ReadEvent
from ktgs.audit.selectors import ReadSearch, read_log
from ktgs.documents import symbols
from ktgs.documents.models import IssuerSymbol, NumberUse
from ktgs.orgs import unit_settings
from ktgs.orgs.models import Body, OrgUnit, Term, UnitAttribute

PASSWORD = "mat-khau-thiet-lap-2026"
TODAY = timezone.localdate()


@pytest.fixture
def unit(demo, db):
    return OrgUnit.objects.get(code="HA.DBK.001")


@pytest.fixture
def sibling(demo, db):
    return OrgUnit.objects.get(code="HA.DBK.002")


def _state():
    return (
        AuditEvent.objects.count(),
        Term.objects.count(),
        UnitAttribute.objects.count(),
        IssuerSymbol.objects.count(),
    )


def _refused(call, match: str) -> None:
    before = _state()
    with pytest.raises(ValidationError, match=match):
        call()
    assert _state() == before, "a refusal wrote something"


# --- terms -------------------------------------------------------------------------------------


def test_a_term_follows_the_one_it_ends_and_never_overlaps(unit):
    first = Term.objects.filter(unit=unit, ends_on__isnull=True).first()
    if first is None:
        first = unit_settings.term_add(unit=unit, name="TEST-1", starts_on=unit.established_on)
    later = first.starts_on + timedelta(days=400)
    _refused(
        lambda: unit_settings.term_add(unit=unit, name="2099–2104", starts_on=later),
        "trùng thời gian",
    )
    _refused(
        lambda: unit_settings.term_add(unit=unit, name=first.name, starts_on=later),
        "đã có nhiệm kỳ",
    )
    _refused(
        lambda: unit_settings.term_add(
            unit=unit, name="X", starts_on=unit.established_on - timedelta(days=1)
        ),
        "thành lập ngày",
    )
    _refused(lambda: unit_settings.term_end(term=first, ends_on=first.starts_on), "phải sau")
    unit_settings.term_end(term=first, ends_on=later)
    _refused(lambda: unit_settings.term_end(term=first, ends_on=later), "đã kết thúc")
    new = unit_settings.term_add(unit=unit, name="2099–2104", starts_on=later)
    first.refresh_from_db()
    assert (first.ends_on, new.starts_on, new.ends_on) == (later, later, None)
    event = AuditEvent.objects.filter(action="orgs.term.added").latest("seq")
    assert event.changes == {"term": [None, "2099–2104"]}
    assert event.unit_id == unit.pk
    assert AuditEvent.objects.filter(action="orgs.term.ended", unit_id=unit.pk).exists()


# --- attributes --------------------------------------------------------------------------------


def test_a_new_attribute_value_closes_the_current_one_and_keeps_it(unit):
    key = "has_cell_committee"
    UnitAttribute.objects.filter(unit=unit, key=key).delete()
    start = TODAY - timedelta(days=100)
    first = unit_settings.attribute_set(unit=unit, key=key, value="Có", starts_on=start)
    assert first.value is True
    _refused(
        lambda: unit_settings.attribute_set(unit=unit, key=key, value="không", starts_on=start),
        "không bị ghi đè",
    )
    _refused(
        lambda: unit_settings.attribute_set(
            unit=unit, key=key, value="có", starts_on=start + timedelta(days=1)
        ),
        "đã là «Có»",
    )
    _refused(
        lambda: unit_settings.attribute_set(unit=unit, key=key, value="có lẽ", starts_on=TODAY),
        "«Có» hoặc «Không»",
    )
    _refused(
        lambda: unit_settings.attribute_set(
            unit=unit, key="party_groups", value="-2", starts_on=TODAY
        ),
        "số nguyên",
    )
    _refused(
        lambda: unit_settings.attribute_set(
            unit=unit, key=key, value="Không", starts_on=TODAY + timedelta(days=3)
        ),
        "sau hôm nay|chưa đến|tương lai",
    )
    middle = TODAY - timedelta(days=10)
    second = unit_settings.attribute_set(
        unit=unit, key=key, value="Không", starts_on=middle, decision="5-QĐ/ĐUK"
    )
    first.refresh_from_db()
    assert (first.value, first.ends_on) == (True, middle), "the old value is kept, closed"
    assert (second.value, second.decision) == (False, "05-QĐ/ĐUK")
    event = AuditEvent.objects.filter(action="orgs.unit.attribute_set").latest("seq")
    assert event.changes == {"value": [True, False]}
    assert event.details["key"] == key
    _refused(lambda: unit_settings.attribute_end(attribute=second, ends_on=middle), "phải sau")
    unit_settings.attribute_end(attribute=second, ends_on=TODAY)
    assert UnitAttribute.objects.get(pk=second.pk).ends_on == TODAY
    _refused(lambda: unit_settings.attribute_end(attribute=first, ends_on=TODAY), "đã kết thúc")


# --- issuer symbols ----------------------------------------------------------------------------


def test_a_new_symbol_closes_the_current_one_unless_numbers_were_taken_under_it(unit):
    body = Body.objects.filter(unit=unit, kind="inspection").get()
    IssuerSymbol.objects.filter(body=body).delete()
    NumberUse.objects.filter(body=body).delete()
    start = TODAY - timedelta(days=200)
    old = symbols.issuer_symbol_set(body=body, symbol="UBKTCU", starts_on=start)
    _refused(
        lambda: symbols.issuer_symbol_set(body=body, symbol="ubkt cũ", starts_on=TODAY),
        "không đúng dạng",
    )
    _refused(
        lambda: symbols.issuer_symbol_set(body=body, symbol="UBKTMOI", starts_on=start),
        "không bị ghi đè",
    )
    term = Term.objects.filter(unit=unit).order_by("-starts_on").first() or Term.objects.create(
        unit=unit, name="TEST", starts_on=unit.established_on
    )
    NumberUse.objects.create(
        number="07-QĐ/UBKTCU",
        doc_type="QĐ",
        symbol="UBKTCU",
        sequence=7,
        term=term,
        body=body,
        issued_on=TODAY - timedelta(days=10),
    )
    _refused(
        lambda: symbols.issuer_symbol_set(
            body=body, symbol="UBKTMOI", starts_on=TODAY - timedelta(days=20)
        ),
        "ban hành từ ngày",
    )
    _refused(
        lambda: symbols.issuer_symbol_end(row=old, ends_on=TODAY - timedelta(days=20)),
        "07-QĐ/UBKTCU",
    )
    new = symbols.issuer_symbol_set(body=body, symbol="UBKTMOI", starts_on=TODAY)
    old.refresh_from_db()
    assert (old.ends_on, new.symbol, new.ends_on) == (TODAY, "UBKTMOI", None)
    event = AuditEvent.objects.filter(action="documents.issuer_symbol.set").latest("seq")
    assert event.changes == {"symbol": ["UBKTCU", "UBKTMOI"]}
    assert event.unit_id == unit.pk


# --- the pages ---------------------------------------------------------------------------------


@pytest.fixture
def local_admin(unit):
    """A system administrator of HA.DBK.001 only (its sibling is outside)."""
    user = account_services.user_create(username="qt.thietlap", password=PASSWORD)
    account_services.role_assign(user=user, unit=unit, role="sysadmin", starts_on=date(2024, 1, 1))
    return user


@pytest.fixture
def admin_client(client, local_admin):
    client.force_login(local_admin)
    device = TOTPDevice.objects.create(user=local_admin, name="t", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def test_settings_pages_write_through_the_services_within_the_administrators_subtree(
    admin_client, unit, sibling
):
    home = admin_client.get(reverse("accounts_admin:users"))
    assert reverse("accounts_admin:units") in home.content.decode()
    assert reverse("accounts_admin:reads") in home.content.decode()
    page = admin_client.get(reverse("accounts_admin:unit_settings", args=[unit.code]))
    assert page.status_code == 200
    assert reverse("issuer_symbols:list", args=[unit.code]) in page.content.decode()
    for name in ("accounts_admin:unit_settings", "accounts_admin:term_add", "issuer_symbols:list"):
        assert admin_client.get(reverse(name, args=[sibling.code])).status_code == 404
    UnitAttribute.objects.filter(unit=unit, key="party_groups").delete()
    url = reverse("accounts_admin:attribute_add", args=[unit.code])
    data = {"key": "party_groups", "value": "ba", "starts_on": TODAY.strftime("%d/%m/%Y")}
    refused = admin_client.post(url, data)
    assert refused.status_code == 200 and "số nguyên" in refused.content.decode()
    assert not UnitAttribute.objects.filter(unit=unit, key="party_groups").exists()
    saved = admin_client.post(url, data | {"value": "3"})
    assert saved.status_code == 302
    row = UnitAttribute.objects.get(unit=unit, key="party_groups")
    assert row.value == 3
    end_url = reverse("accounts_admin:attribute_end", args=[row.pk])
    assert admin_client.get(end_url).status_code == 200
    other = UnitAttribute.objects.create(unit=sibling, key="party_groups", value=1, starts_on=TODAY)
    assert (
        admin_client.get(reverse("accounts_admin:attribute_end", args=[other.pk])).status_code
        == 404
    )


def test_settings_pages_are_refused_to_other_roles(client_as, unit):
    for role in ("ubkt_leader", "inspector"):
        client = client_as(role)
        for url in (
            reverse("accounts_admin:units"),
            reverse("accounts_admin:unit_settings", args=[unit.code]),
            reverse("accounts_admin:reads"),
            reverse("issuer_symbols:list", args=[unit.code]),
        ):
            assert client.get(url).status_code == 403, (role, url)


# --- the read log ------------------------------------------------------------------------------


def _reads(unit, n: int, user_id: int, at) -> list[ReadEvent]:
    return [
        ReadEvent.objects.create(
            at=at - timedelta(minutes=i),
            user_id=user_id,
            user_name=f"u{user_id}",
            target_type="orgs.member",
            target_id=str(1000 + i),
            secrecy="confidential",
            unit_id=unit.pk,
        )
        for i in range(n)
    ]


def test_read_log_keeps_to_the_subtree_filters_and_pages_by_keyset(unit, sibling, local_admin):
    ReadEvent.objects.all().delete()
    now = timezone.now()
    mine = _reads(unit, 5, local_admin.pk, now)
    _reads(sibling, 3, local_admin.pk, now)
    other_reader = _reads(unit, 2, 999_999, now - timedelta(days=3))
    roots = (unit.path,)
    first = read_log(ReadSearch(roots=roots), limit=4)
    assert [r.pk for r in first] == [r.pk for r in mine[:5]], "newest first, one extra row"
    rest = read_log(ReadSearch(roots=roots, before=first[3].pk), limit=4)
    assert [r.pk for r in rest] == [mine[4].pk] + [r.pk for r in other_reader]
    by_user = read_log(ReadSearch(roots=roots, user_id=999_999), limit=10)
    assert {r.pk for r in by_user} == {r.pk for r in other_reader}
    recent = read_log(ReadSearch(roots=roots, since=timezone.localdate()), limit=10)
    assert {r.pk for r in recent} == {r.pk for r in mine}
    assert read_log(ReadSearch(roots=(sibling.path,), unit=unit), limit=10) == []


def test_read_log_page_filters_by_reader_and_does_not_grow_its_queries(
    admin_client, unit, local_admin, django_assert_max_num_queries
):
    ReadEvent.objects.all().delete()
    _reads(unit, 60, local_admin.pk, timezone.now())
    url = reverse("accounts_admin:reads")
    with django_assert_max_num_queries(20):
        page = admin_client.get(url)
    text = page.content.decode()
    assert page.status_code == 200 and "Xem tiếp" in text
    assert text.count("Đảng viên #") == 50, "one page of 50 reads"
    unknown = admin_client.get(url, {"user": "khong-co-ai"})
    assert "Không có người dùng «khong-co-ai»" in unknown.content.decode()
    mine = admin_client.get(url, {"user": local_admin.username})
    assert mine.status_code == 200 and "Xem tiếp" in mine.content.decode()
