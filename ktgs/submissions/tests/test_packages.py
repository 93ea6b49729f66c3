"""Gói báo cáo giữa hai hệ thống (docs/submissions.md; issue 17, point 4), on both engines.

The exporting installation is a child process on its own database (a SQLite file, or a database
on the test run's PostgreSQL server): it migrates, loads a small demo (the same unit codes as
this test database's demo), creates Đảng bộ Sở Y tế's signing key (`ktgs package keygen`),
submits its 2022 report and exports it (`ktgs package export`) — p1; then a resubmission and
p2; then its audit chain is rewritten (one event's hash changed, every later link recomputed)
and p3. Built once for the module. This test database is the superior's installation (the bloc,
HA.DBK): it registers the key and imports."""

import base64
import json
import os
import uuid
from datetime import date

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.exceptions import ValidationError

from ktgs.accounts.access import visible_to
from ktgs.audit.models import AuditEvent
from ktgs.ops.tests.helpers import engine, ktgs, migrated
from ktgs.orgs.models import OrgUnit
from ktgs.reports.periods import UnitPeriods
from ktgs.submissions import packages, services, signing
from ktgs.submissions.models import PackageImport, RegisteredKey, SigningKey, Submission

UNIT = "HA.DBK.001"
SLOT = "nam:2022-01-01:2022-12-31"

EXPORTER = """
import json, sys, django, hashlib
django.setup()
from django.core.management import call_command
from django.db import transaction
from ktgs.audit.models import AuditEvent
from ktgs.audit.testing import triggers_lifted
from ktgs.orgs.models import OrgUnit
from ktgs.reports.periods import UnitPeriods
from ktgs.submissions import packages, services
from ktgs.submissions.management.commands.package import OPERATOR

out = sys.argv[1]
unit = OrgUnit.objects.get(code="HA.DBK.001")
slot = services.period_slot(UnitPeriods(unit).parse({"ky": "nam", "nam": "2022"}))
# p1: the first submission, exported by the command
services.submit(scope=OPERATOR, unit=unit, slot=slot)
call_command("package", "export", "HA.DBK.001", "--ky", "nam", "--nam", "2022", "--output", out)
# p2: a resubmission, exported
services.submit(scope=OPERATOR, unit=unit, slot=slot)
p2 = packages.export(scope=OPERATOR, unit=unit, slot=slot)
open(out + "/p2.ktgs-goi", "wb").write(p2.content)
# the history is rewritten: event 2's hash changed, every later link recomputed
with transaction.atomic(), triggers_lifted():
    prev = AuditEvent.objects.get(seq=1).hash
    for event in AuditEvent.objects.filter(seq__gte=2).order_by("seq"):
        new = hashlib.sha256(("rewritten" + prev + event.hash).encode()).hexdigest()
        AuditEvent.objects.filter(pk=event.pk).update(prev_hash=prev, hash=new)
        prev = new
services.submit(scope=OPERATOR, unit=unit, slot=slot)
p3 = packages.export(scope=OPERATOR, unit=unit, slot=slot)
open(out + "/p3.ktgs-goi", "wb").write(p3.content)
"""


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """{"p1", "p2", "p3": package bytes, "pem": the public key, "private": the private key}."""
    work = tmp_path_factory.mktemp("exporter")
    data_dir = work / "data"
    data_dir.mkdir()
    url, name, server = None, None, None
    if engine() == "postgresql":
        from ktgs.ops.tests.test_backup_postgres import Server

        server = Server()
        name = f"ktgs_export_{uuid.uuid4().hex[:8]}"
        url = server.url(name)  # created by migrated()
    env = {"data_dir": data_dir, "database_url": url, "KTGS_KEYS_DIR": str(work / "keys")}
    env["KTGS_PACKAGE_KEYS_DIR"] = str(work / "khoa-goi")
    try:
        migrated(data_dir, url)
        ktgs("demo", "--members", "100", **env)
        pubkey = ktgs("package", "keygen", UNIT, **env).stdout
        ktgs("-c", EXPORTER, str(work), **env)
    finally:
        if name:
            server.drop(name)
    (p1,) = work.glob("HA.DBK.001_nam_*_v1.ktgs-goi")
    pem = pubkey[pubkey.index("-----BEGIN") :]
    private = serialization.load_pem_private_key(
        (work / "khoa-goi" / f"{UNIT}.pem").read_bytes(), password=None
    )
    return {
        "p1": p1.read_bytes(),
        "p2": (work / "p2.ktgs-goi").read_bytes(),
        "p3": (work / "p3.ktgs-goi").read_bytes(),
        "pem": pem,
        "private": private,
    }


pytestmark = pytest.mark.django_db


def unit(code: str) -> OrgUnit:
    return OrgUnit.objects.get(code=code)


def payload_of(data: bytes) -> dict:
    return json.loads(json.loads(data)["payload"])


def signed(payload: dict, key: Ed25519PrivateKey) -> bytes:
    """A package for `payload`, signed with `key` (a crafted one)."""
    body = signing.canonical(payload).decode()
    return signing.canonical(
        {
            "format": packages.FORMAT,
            "payload": body,
            "signature": signing.sign(key, body.encode()),
            "fingerprint": signing.fingerprint(key),
        }
    )


@pytest.fixture
def bloc(cast):
    """The superior (HA.DBK) as its inspector: (scope, user, unit)."""
    user = cast["inspector"]
    return visible_to(user), user, unit("HA.DBK")


@pytest.fixture
def registered(bloc, exported):
    scope, user, superior = bloc
    return packages.key_register(
        scope=scope, superior=superior, unit=unit(UNIT), pem=exported["pem"], user=user
    )


def do_import(bloc, data: bytes) -> PackageImport:
    scope, user, superior = bloc
    return packages.import_package(scope=scope, superior=superior, data=data, user=user)


def refused(bloc, data: bytes, *words: str) -> str:
    """The import is refused with a message holding `words`, and nothing is saved."""
    counts = (Submission.objects.count(), PackageImport.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationError) as exc:
        do_import(bloc, data)
    message = " ".join(exc.value.messages)
    for word in words:
        assert word in message, message
    after = (Submission.objects.count(), PackageImport.objects.count(), AuditEvent.objects.count())
    assert after == counts
    return message


# --- the round trip ----------------------------------------------------------------------------


def test_a_package_round_trips_between_two_databases(bloc, registered, exported):
    sent = payload_of(exported["p1"])
    assert sent["unit"]["code"] == UNIT and sent["slot"]["key"] == SLOT
    assert any(f["value"] for f in sent["submission"]["figures"]), "the exporter counted nothing"
    local = services.freeze(unit(UNIT), *_dates())[0]
    assert local != sent["submission"]["tables"], "the two installations must differ"
    row = do_import(bloc, exported["p1"])
    sub = row.submission
    assert (sub.unit.code, sub.slot, sub.version, sub.superseded_at) == (UNIT, SLOT, 1, None)
    assert sub.tables == sent["submission"]["tables"]
    assert sub.figures == sent["submission"]["figures"]
    assert sub.review == sent["submission"]["review"]
    assert row.history == "" and row.remote_version == 1 and row.links == 0
    assert row.fingerprint == registered.fingerprint
    assert row.head_seq == sent["audit"]["head"]["seq"]
    event = AuditEvent.objects.filter(action="submissions.package.imported").latest("seq")
    assert event.details["sha256"] == row.sha256 and event.details["history"] == ""
    # the superior's statuses count it like a local submission
    slot = services.period_slot(UnitPeriods(unit("HA.DBK")).parse({"ky": "nam", "nam": "2022"}))
    status = next(s for s in services.statuses(unit("HA.DBK"), slot) if s.unit.code == UNIT)
    assert status.submission == sub and status.package == row


def test_a_term_report_travels_with_the_units_own_term_dates(bloc, registered, exported):
    """A term is named by its name; its dates are the unit's own, carried by the package (the
    superior may not hold the unit's terms)."""
    payload = payload_of(exported["p1"])
    payload["slot"] = {
        "key": "nhiem-ky:2020–2025",
        "kind": "nhiem-ky",
        "start": "2020-06-15",
        "end": "2025-06-18",
        "params": {"ky": "nhiem-ky", "nhiem-ky": "2020–2025"},
        "label": "nhiệm kỳ 2020–2025",
    }
    row = do_import(bloc, signed(payload, exported["private"]))
    sub = row.submission
    assert (sub.slot, sub.starts_on, sub.ends_on) == (
        "nhiem-ky:2020–2025",
        date(2020, 6, 15),
        date(2025, 6, 18),
    )
    superior = unit("HA.DBK")
    slot = services.period_slot(
        UnitPeriods(superior).parse({"ky": "nhiem-ky", "nhiem-ky": "2020–2025"})
    )
    status = next(s for s in services.statuses(superior, slot) if s.unit.code == UNIT)
    assert status.submission == sub
    payload["slot"]["key"] = "nhiem-ky:2015–2020"  # a key that is not the term's name
    refused(bloc, signed(payload, exported["private"]), "Nhiệm kỳ trong gói không đọc được")


def _dates():
    slot = services.period_slot(UnitPeriods(unit(UNIT)).parse({"ky": "nam", "nam": "2022"}))
    return slot.start, slot.end


def test_the_next_package_extends_the_history_of_the_first(bloc, registered, exported):
    first = do_import(bloc, exported["p1"])
    second = do_import(bloc, exported["p2"])
    assert second.history == ""
    assert (second.prev_seq, second.prev_hash) == (first.head_seq, first.head_hash)
    assert second.links == second.head_seq - first.head_seq > 0
    assert second.submission.version == 2 and second.remote_version == 2
    first.submission.refresh_from_db()
    assert first.submission.superseded_at is not None


def test_a_history_rewritten_between_two_packages_is_flagged(bloc, registered, exported, client_as):
    do_import(bloc, exported["p1"])
    do_import(bloc, exported["p2"])
    row = do_import(bloc, exported["p3"])
    assert row.history.startswith(packages.REWRITTEN), row.history
    assert row.submission.version == 3  # accepted, flagged
    event = AuditEvent.objects.filter(action="submissions.package.imported").latest("seq")
    assert event.details["history"] == row.history
    client = client_as("inspector")
    period = client.get("/nop-bao-cao/HA.DBK/ky/?ky=nam&nam=2022").content.decode()
    assert "data-history-flag" in period and "đã bị viết lại" in period
    page = client.get(f"/nop-bao-cao/{UNIT}/").content.decode()
    assert "data-history-flag" in page and "đã bị viết lại" in page


def test_a_package_skipping_the_previous_one_is_flagged_as_unchecked(bloc, registered, exported):
    first = do_import(bloc, exported["p1"])
    payload = payload_of(exported["p2"])  # as if a package had been exported between p1 and p2
    seq, _prev, hash_ = payload["audit"]["links"][0]
    payload["audit"]["previous"] = {"seq": seq, "hash": hash_}
    payload["audit"]["links"] = payload["audit"]["links"][1:]
    row = do_import(bloc, signed(payload, exported["private"]))  # that one never imported
    assert row.history.startswith("Chưa đối chiếu được"), row.history
    assert f"số {seq}" in row.history and f"số {first.head_seq}" in row.history


def test_a_crafted_package_whose_links_do_not_start_at_the_last_head_is_flagged(
    bloc, registered, exported
):
    first = do_import(bloc, exported["p1"])
    payload = payload_of(exported["p2"])
    payload["audit"]["links"][0][1] = "f" * 64  # the first link names another event before it
    row = do_import(bloc, signed(payload, exported["private"]))
    assert row.history.startswith(packages.REWRITTEN)
    assert f"sự kiện số {first.head_seq}" in row.history


# --- refusals: nothing saved --------------------------------------------------------------------


def test_a_tampered_package_is_refused(bloc, registered, exported):
    outer = json.loads(exported["p1"])
    payload = json.loads(outer["payload"])
    figure = next(f for f in payload["submission"]["figures"] if f["value"])
    figure["value"] += 1
    outer["payload"] = signing.canonical(payload).decode()
    refused(bloc, signing.canonical(outer), "Chữ ký của gói không đúng", "đã bị sửa")


def test_a_package_signed_by_a_foreign_key_is_refused(bloc, registered, exported):
    foreign = Ed25519PrivateKey.generate()
    message = refused(bloc, signed(payload_of(exported["p1"]), foreign), "khóa lạ")
    assert signing.pretty(signing.fingerprint(foreign)) in message
    assert signing.pretty(registered.fingerprint) in message


def test_a_package_without_a_registered_key_is_refused(bloc, exported):
    refused(bloc, exported["p1"], "Chưa đăng ký khóa ký")


def test_a_package_of_an_unknown_unit_or_one_outside_the_superior_is_refused(
    bloc, registered, exported
):
    for code in ("HA.KHONG.CO", "HA.CQD.001"):
        payload = payload_of(exported["p1"])
        payload["unit"]["code"] = code
        refused(bloc, signed(payload, exported["private"]), f"«{code}»", "không có trong cây")


@pytest.mark.parametrize(
    "data",
    [b"PK\x03\x04 not a package", b"{}", b'{"format": "ktgs-goi-bao-cao"}', b"\xff\xfe"],
    ids=["zip", "empty-json", "no-payload", "not-text"],
)
def test_a_wrong_file_is_refused(bloc, registered, data):
    refused(bloc, data, "không phải gói báo cáo KTGS")


def test_a_package_for_a_closed_period_is_refused(bloc, registered, exported):
    scope, user, superior = bloc
    slot = services.period_slot(UnitPeriods(superior).parse({"ky": "nam", "nam": "2022"}))
    services.close(scope=scope, unit=superior, slot=slot, override_reason="thử", user=user)
    refused(bloc, exported["p1"], "đã chốt kỳ", "mở lại kỳ")


def test_the_same_package_twice_or_an_older_one_is_refused(bloc, registered, exported):
    do_import(bloc, exported["p2"])
    refused(bloc, exported["p2"], "đã được nhập")
    refused(bloc, exported["p1"], "cũ hơn")


def test_a_closed_period_does_not_recompute_a_packaged_submission(
    bloc, registered, exported, client_as
):
    scope, user, superior = bloc
    row = do_import(bloc, exported["p1"])
    slot = services.period_slot(UnitPeriods(superior).parse({"ky": "nam", "nam": "2022"}))
    closure = services.close(scope=scope, unit=superior, slot=slot, override_reason="thử")
    assert {i["submission"] for i in closure.included} >= {row.submission_id}
    flagged = {f.unit.code for f in services.closure_flags(closure)}
    assert UNIT not in flagged  # its figures differ from this database's records: not compared
    page = client_as("inspector").get("/nop-bao-cao/HA.DBK/ky/?ky=nam&nam=2022").content.decode()
    assert "data-packaged" in page and "không đối chiếu với hồ sơ" in page


# --- keys ----------------------------------------------------------------------------------------


def test_registering_a_key_checks_the_unit_and_a_replacement_needs_a_reason(bloc, exported):
    scope, user, superior = bloc
    with pytest.raises(ValidationError, match="không thuộc"):
        packages.key_register(
            scope=scope, superior=superior, unit=unit("HA.CQD.001"), pem=exported["pem"]
        )
    with pytest.raises(ValidationError, match="PEM"):
        packages.key_register(scope=scope, superior=superior, unit=unit(UNIT), pem="khóa")
    first = packages.key_register(
        scope=scope, superior=superior, unit=unit(UNIT), pem=exported["pem"]
    )
    other = signing.public_pem(Ed25519PrivateKey.generate())
    with pytest.raises(ValidationError, match="lý do"):
        packages.key_register(scope=scope, superior=superior, unit=unit(UNIT), pem=other)
    second = packages.key_register(
        scope=scope, superior=superior, unit=unit(UNIT), pem=other, reason="đơn vị thay máy chủ"
    )
    first.refresh_from_db()
    assert first.revoked_at and first.revoke_reason == "đơn vị thay máy chủ"
    assert packages.registered_key(unit(UNIT)) == second
    assert AuditEvent.objects.filter(action="submissions.key.registered").count() >= 2
    with pytest.raises(ValidationError, match="lý do"):
        packages.key_revoke(scope=scope, key=second, reason=" ")
    packages.key_revoke(scope=scope, key=second, reason="thu hồi")
    assert packages.registered_key(unit(UNIT)) is None


def test_the_unit_creates_its_key_and_downloads_a_package_from_its_page(client_as, settings):
    client = client_as("grassroots_officer")  # canbo.coso, HA.DBK.001
    client.post(f"/nop-bao-cao/{UNIT}/khoa-ky/")
    key = SigningKey.objects.get(unit__code=UNIT, retired_at__isnull=True)
    path = signing.private_key_path(UNIT)
    assert path.parent == settings.KTGS_PACKAGE_KEYS_DIR and oct(path.stat().st_mode)[-3:] == "600"
    assert "PRIVATE" not in key.public_pem
    page = client.get(f"/nop-bao-cao/{UNIT}/").content.decode()
    assert signing.pretty(key.fingerprint) in page and "BEGIN PUBLIC KEY" in page
    client.post(f"/nop-bao-cao/{UNIT}/khoa-ky/")  # a second key needs a reason
    assert SigningKey.objects.filter(unit__code=UNIT).count() == 1
    form = {"ky": "nam", "nam": "2022"}
    assert client.post(f"/nop-bao-cao/{UNIT}/xuat-goi/", form).status_code == 302  # not submitted
    client.post(f"/nop-bao-cao/{UNIT}/nop/", form)
    response = client.post(f"/nop-bao-cao/{UNIT}/xuat-goi/", form)
    assert response["Content-Disposition"].endswith('_v1.ktgs-goi"')
    outer = json.loads(response.content)
    public = signing.parse_public(key.public_pem)
    assert signing.verify(public, outer["payload"].encode(), outer["signature"])
    assert json.loads(outer["payload"])["audit"]["previous"] is None


def test_the_superior_registers_and_imports_through_its_page(client_as, exported):
    client = client_as("inspector")  # kiemtravien, HA.DBK
    page = client.get("/nop-bao-cao/HA.DBK/goi/")
    assert page.status_code == 200 and "Nhập gói báo cáo" in page.content.decode()
    client.post("/nop-bao-cao/HA.DBK/goi/khoa/", {"don-vi": UNIT, "khoa": exported["pem"]})
    assert RegisteredKey.objects.filter(unit__code=UNIT, revoked_at__isnull=True).exists()
    upload = _file(exported["p1"])
    response = client.post("/nop-bao-cao/HA.DBK/goi/nhap/", {"tep": upload}, follow=True)
    text = response.content.decode()
    assert "Đã nhập gói" in text and "nhận qua gói" in text
    bad = client.post("/nop-bao-cao/HA.DBK/goi/nhap/", {"tep": _file(b"{}")}, follow=True)
    assert "không phải gói báo cáo KTGS" in bad.content.decode()


def _file(data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("goi.ktgs-goi", data, content_type="application/octet-stream")


def test_the_signature_is_over_the_exact_payload_bytes():
    key = Ed25519PrivateKey.generate()
    body = signing.canonical({"b": 1, "a": "Đảng bộ"})
    assert body == '{"a":"Đảng bộ","b":1}'.encode()
    sig = signing.sign(key, body)
    assert signing.verify(key.public_key(), body, sig)
    assert not signing.verify(key.public_key(), body + b" ", sig)
    assert not signing.verify(key.public_key(), body, base64.b64encode(b"x" * 64).decode())
    assert os.path.basename(signing.private_key_path("../HA")) == ".._HA.pem"
