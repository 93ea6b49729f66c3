"""The canary (first version of issue 16's): a unique string in every filer field, registered
through the page; it appears nowhere but in the authorised view — not in the list, the letter's
page as every other role, the audit log page, the server log — and not in plaintext in the
SQLite database file, its WAL or the backup archive."""

import logging
import tarfile
import uuid

import pytest
from django.urls import reverse

from ktgs.letters.models import Letter
from ktgs.letters.tests.helpers import DAY, ubkt
from ktgs.ops.tests.helpers import engine, ktgs

ROLES = ("sysadmin", "ubkt_leader", "inspector", "grassroots_officer", "committee_leader")


@pytest.mark.django_db
def test_canary_only_in_the_authorised_view(demo, cast, client_as, caplog):
    canary = f"CANARY{uuid.uuid4().hex}"
    caplog.set_level(logging.DEBUG)
    inspector = client_as("inspector")
    posted = inspector.post(
        reverse("letters:create"),
        {
            "body": ubkt(demo.bloc).name,
            "received_on": DAY.strftime("%d/%m/%Y"),
            "channel": "post",
            "kind": "denunciation",
            "filer_name": f"Tên {canary}",
            "filer_address": f"Địa chỉ {canary}",
            "filer_phone": "0912345678",  # digits only: the canary goes in the other fields
            "filer_citizen_id": "001199123456",
            "summary": "Tố cáo (thử canary).",
            "secrecy": "normal",
        },
    )
    assert posted.status_code == 302, posted.content.decode()[:2000]
    letter = Letter.objects.get()
    secrets_ = (canary, "0912345678", "001199123456")
    pages = {}
    for role in ROLES:
        client = inspector if role == "inspector" else client_as(role)
        for name, args in (
            ("letters:list", []),
            ("letters:detail", [letter.pk]),
            ("audit:search", []),
        ):
            pages[role, name] = client.get(reverse(name, args=args)).content.decode()
        if role != "ubkt_leader":
            pages[role, "identity"] = client.post(
                reverse("letters:identity", args=[letter.pk])
            ).content.decode()
    for (role, name), html in pages.items():
        for secret in secrets_:
            assert secret not in html, (role, name, secret)
    shown = client_as("ubkt_leader").post(reverse("letters:identity", args=[letter.pk]))
    assert canary in shown.content.decode()  # the authorised view: the test can fail
    for secret in secrets_:
        assert secret not in caplog.text


REGISTER = """
import django, os, sys, glob
django.setup()
from datetime import date
from ktgs.accounts.access import Grant, Scope
from ktgs.letters import services
from ktgs.orgs.models import Body
body = Body.objects.get(unit__code="HA.DBK", kind="inspection")
scope = Scope(grants=(Grant(body.unit.path, "inspector"),), roots=(body.unit.path,))
canary = sys.argv[1]
# whole values, long enough not to occur in the demo's data by chance (a 6-digit tail did)
phone, citizen_id = "09" + canary[-8:], canary[-12:]
services.letter_register(
    scope=scope, body=body, received_on=date(2026, 3, 2), channel="post", kind="denunciation",
    anonymous=False, summary="Tố cáo (thử canary).",
    filer=services.Filer(name=canary, address=canary, phone=phone, citizen_id=citizen_id),
)
data = os.environ["KTGS_DATA_DIR"]
found = []
for path in glob.glob(os.path.join(data, "ktgs.sqlite3*")):
    with open(path, "rb") as f:
        content = f.read()
    for value in (canary, phone, citizen_id):
        if value.encode() in content:
            found.append((os.path.basename(path), value))
print("FOUND", found, "FILES", sorted(os.path.basename(p) for p in glob.glob(os.path.join(data, "ktgs.sqlite3*"))))
"""


@pytest.mark.skipif(engine() != "sqlite", reason="the SQLite files (SQLite run)")
def test_canary_absent_from_the_database_file_wal_and_backup(tmp_path):
    data_dir = tmp_path / "data"
    canary = "CANARY" + "".join(str(int(c, 16) % 10) for c in uuid.uuid4().hex)
    ktgs("migrate", "--no-input", "-v", "0", data_dir=data_dir)
    ktgs("demo", "--members", "100", data_dir=data_dir)
    out = ktgs("-c", REGISTER, canary, data_dir=data_dir).stdout
    assert "FOUND []" in out and "ktgs.sqlite3-wal" in out, out
    for path in data_dir.glob("ktgs.sqlite3*"):
        assert canary.encode() not in path.read_bytes(), path
    ktgs("backup", data_dir=data_dir)
    (archive,) = (data_dir / "backups").iterdir()
    with tarfile.open(archive) as tar:
        for member in tar.getmembers():
            if member.isfile():
                assert canary.encode() not in tar.extractfile(member).read(), member.name
