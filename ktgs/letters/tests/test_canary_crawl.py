"""The canary of issue 16 ("Done when"): a unique string in every filer field (name, address,
phone, citizen ID) of every letter — registered through the service, imported through the
interchange format, and planted in the access matrix's letters — then every page of the project
crawled as every role and as the letter's handler: zero appearances outside the authorised view
(the POST `/don-thu/<pk>/nguoi-gui/` of the handler or a UBKT leader of the receiving unit, which
must show it, so the test can fail). Also searched: every download and export (the files
unzipped: DOCX and XLSX are zip archives), the response headers, the audit trail, the server log,
the e-mails, every text column of the database (both engines), and — in a child process on a
database of its own — the SQLite file, its WAL and the backup archive.

The pages come from the URL resolver through the access matrix (`test_access_matrix.TABLE`
must hold every URL pattern, and `_url` fills in their parameters), so a page added later is
crawled too. One clearance per role (tối mật, the widest) keeps the crawl short.
"""

import io
import logging
import random
import subprocess
import tarfile
import zipfile
from pathlib import Path

import pytest
from django.apps import apps
from django.core import mail
from django.db import models, transaction
from django.urls import reverse

from ktgs.accounts.access import visible_to
from ktgs.accounts.tests import test_access_matrix as matrix
from ktgs.accounts.tests.test_access_matrix import world  # noqa: F401 — the module's records
from ktgs.core.models import Secrecy
from ktgs.exchange.exporter import export_csv, export_xlsx
from ktgs.exchange.importer import run_import
from ktgs.exchange.tests.helpers import headers, workbook
from ktgs.letters import crypto, services
from ktgs.letters.exchange import LETTERS
from ktgs.letters.identity import may_see_identity
from ktgs.letters.models import Letter
from ktgs.ops.tests.helpers import engine, ktgs
from ktgs.orgs.models import Body

_rng = random.SystemRandom()
TOKEN = "".join(_rng.choice("BCDFGHJKLMNPQRSTVWXZ") for _ in range(16))
CANARY = {
    "name": f"Kim {TOKEN}TEN",
    "address": f"Ngõ {TOKEN}DIACHI",
    "phone": "09" + "".join(_rng.choice("0123456789") for _ in range(8)),
    "citizen_id": "0" + "".join(_rng.choice("0123456789") for _ in range(11)),
}
# What must not appear: the token (name, address) and the phone and ID digits.
NEEDLES = (TOKEN, CANARY["phone"], CANARY["citizen_id"])
CRAWLERS = [(role, Secrecy.SECRET) for role in matrix.ROLES]
HANDLER = ("inspector", Secrecy.NORMAL)  # the handler of the planted letters
SKIPPED_POSTS = {"logout", "orgs:member_void", "reports:draft_create"}  # writes, not pages
IDENTITY = "letters:identity"
UNIT = "HA.DBK.001"


def found_in(data: bytes) -> list[str]:
    """The needles in `data`, also inside a zip archive (DOCX, XLSX, a CSV export) and in
    UTF-16 (a CSV for Excel)."""
    texts = [data]
    if data[:2] == b"PK":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                texts += [archive.read(n) for n in archive.namelist()]
        except zipfile.BadZipFile:
            pass
    hits = []
    for needle in NEEDLES:
        for form in (needle.encode(), needle.encode("utf-16-le")):
            if any(form in t for t in texts):
                hits.append(needle)
                break
    return hits


def body_of(response) -> bytes:
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    return content + str(dict(response.headers)).encode()


def _letter_file(tmp_path: Path) -> Path:
    row = {h: "" for h in headers(LETTERS.name)}
    row.update(
        {
            "Mã tổ chức": UNIT,
            "Cơ quan tiếp nhận": "Ủy ban kiểm tra",
            "Số đơn": 901,
            "Ngày nhận": "15/04/2026",
            "Hình thức tiếp nhận": "Trực tiếp",
            "Loại đơn": "Tố cáo",
            "Họ tên người gửi": CANARY["name"],
            "Địa chỉ người gửi": CANARY["address"],
            "Điện thoại người gửi": CANARY["phone"],
            "Số CCCD người gửi": CANARY["citizen_id"],
            "Tóm tắt nội dung": "Đơn cũ nhập từ tệp (thử canary).",
        }
    )
    return workbook(tmp_path / "don-thu.xlsx", {LETTERS.name: [list(row), list(row.values())]})


@pytest.fixture(scope="module")
def planted(world, django_db_blocker, tmp_path_factory):  # noqa: F811 — the imported fixture
    """Every letter of the matrix's world carries the canary; one more is registered through
    the service and one imported from a file. The handler of each is HANDLER's user."""
    with django_db_blocker.unblock(), transaction.atomic():
        body = Body.objects.get(unit__code=UNIT, kind="inspection")
        leader = world.users["ubkt_leader", Secrecy.SECRET]
        registered = services.letter_register(
            scope=visible_to(leader),
            body=body,
            received_on=matrix.date(2026, 3, 2),
            channel="post",
            kind="denunciation",
            anonymous=False,
            filer=services.Filer(**CANARY),
            summary="Tố cáo (thử canary, vào sổ).",
        ).letter
        path = _letter_file(tmp_path_factory.mktemp("canary"))
        result = run_import(path, file_name=path.name, user=leader)
        assert result.ok, [(p.row, p.column, p.message) for p in result.problems]
        imported = Letter.objects.get(body=body, year=2026, number=901)
        assert crypto.decrypt(imported.filer_citizen_id) == CANARY["citizen_id"]
        Letter.objects.update(
            filer_name=crypto.encrypt(CANARY["name"]),
            filer_address=crypto.encrypt(CANARY["address"]),
            filer_phone=crypto.encrypt(CANARY["phone"]),
            filer_citizen_id=crypto.encrypt(CANARY["citizen_id"]),
            handler=world.users[HANDLER],
        )
        world.objects["letter:registered"] = registered
        world.objects["letter:imported"] = imported
        for label, obj in world.objects.items():
            if label.startswith("letter:"):
                obj.refresh_from_db()  # the handler, read by may_see_identity
        yield world
        transaction.set_rollback(True)


def _pages():
    """(url name, object label) of every row of the access matrix, once per URL."""
    return [key for key in matrix.TABLE if key[0] not in SKIPPED_POSTS]


@pytest.mark.django_db
def test_the_canary_appears_only_in_the_authorised_identity_view(planted, caplog, capfd, tmp_path):
    caplog.set_level(logging.DEBUG)
    django_logger = logging.getLogger("django")  # it does not propagate (config/settings.py)
    django_logger.addHandler(caplog.handler)
    try:
        _crawl(planted, caplog, capfd, tmp_path)
    finally:
        django_logger.removeHandler(caplog.handler)


def _crawl(state, caplog, capfd, tmp_path):
    mail.outbox = []
    crawlers = [*CRAWLERS, HANDLER]
    leaks, authorised_shown = [], 0
    for name, label in _pages():
        obj = None if label == "-" else state.objects[label]
        url = matrix._url(name, obj)
        for key in crawlers:
            client = state.clients[key]
            if name == IDENTITY:
                response = client.post(url, {})
                scope = visible_to(state.users[key])
                allowed = isinstance(obj, Letter) and may_see_identity(scope, obj)
                hits = found_in(body_of(response))
                if allowed:
                    assert set(hits) == set(NEEDLES), (key, url, hits)  # planted, and shown
                    authorised_shown += 1
                    continue
            else:
                headers = {"HX-Request": "true"} if name in matrix.HTMX else {}
                response = client.get(url, headers=headers)
                hits = found_in(body_of(response))
            if hits:
                leaks.append((key, name, url, response.status_code, hits))
    # the registered and imported letters through the identity view and their own pages
    for letter in (state.objects["letter:registered"], state.objects["letter:imported"]):
        for key in crawlers:
            client = state.clients[key]
            for url in (reverse("letters:detail", args=[letter.pk]), reverse("letters:list")):
                hits = found_in(body_of(client.get(url)))
                if hits:
                    leaks.append((key, "page", url, 200, hits))
            response = client.post(reverse(IDENTITY, args=[letter.pk]), {})
            hits = found_in(body_of(response))
            if may_see_identity(visible_to(state.users[key]), letter):
                assert set(hits) == set(NEEDLES), (key, letter.pk, hits)
                authorised_shown += 1
            elif hits:
                leaks.append((key, IDENTITY, letter.pk, response.status_code, hits))
    assert not leaks, "\n".join(map(str, leaks))
    # the handler and the UBKT leader of HA.DBK.001 saw it: the canary was there to be found
    # the handler and the UBKT leader of HA.DBK.001 saw the registered and the imported
    # letter at least (and the matrix's letters they may): the canary was there to be found
    assert authorised_shown >= 4
    logged = caplog.text + "".join(capfd.readouterr())
    assert "Not Found" in logged or "Forbidden" in logged  # the server's log was captured
    for needle in NEEDLES:
        assert needle not in logged, needle
    for message in mail.outbox:
        assert not found_in(str(message.message()).encode()), message.subject
    exported = export_xlsx(tmp_path / "xuat.xlsx")
    assert not found_in(exported.read_bytes())
    zipped = export_csv(tmp_path / "xuat.zip")
    assert not found_in(zipped.read_bytes())


@pytest.mark.django_db
def test_no_text_column_of_the_database_holds_the_canary(planted):
    """Every character and JSON column of every table (the audit trail's details, the import
    jobs, the letters): the filer's fields are tokens only, on either engine."""
    assert Letter.objects.filter(filer_name="").count() < Letter.objects.count()
    found = []
    for model in apps.get_models():
        text_fields = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
        ]
        for field in text_fields:
            cast = model.objects.annotate(_text=models.functions.Cast(field, models.TextField()))
            for needle in NEEDLES:
                if cast.filter(_text__contains=needle).exists():
                    found.append((model._meta.label, field, needle))
    assert not found, found


REGISTER_AND_IMPORT = """
import django, os, sys, glob
django.setup()
from datetime import date
from pathlib import Path
from ktgs.accounts.access import Grant, Scope
from ktgs.exchange.importer import run_import
from ktgs.letters import services
from ktgs.orgs.models import Body
body = Body.objects.get(unit__code="HA.DBK.001", kind="inspection")
scope = Scope(grants=(Grant(body.unit.path, "inspector"),), roots=(body.unit.path,))
name, address, phone, citizen_id, path = sys.argv[1:6]
services.letter_register(
    scope=scope, body=body, received_on=date(2026, 3, 2), channel="post", kind="denunciation",
    anonymous=False, summary="Tố cáo (thử canary).",
    filer=services.Filer(name=name, address=address, phone=phone, citizen_id=citizen_id),
)
result = run_import(Path(path), file_name=Path(path).name)
print("IMPORTED", result.ok, [(p.row, p.column) for p in result.problems])
# While this process still holds the database open its WAL exists (it is checkpointed and
# removed on the last close): read the files now.
data, needles = os.environ["KTGS_DATA_DIR"], sys.argv[6:]
found, names = [], []
for path in sorted(glob.glob(os.path.join(data, "ktgs.sqlite3*"))):
    names.append(os.path.basename(path))
    with open(path, "rb") as f:
        content = f.read()
    found += [(names[-1], n) for n in needles if n.encode() in content]
print("FOUND", found, "FILES", names)
"""


def test_the_canary_is_not_in_plaintext_in_the_database_files_nor_the_backup(
    tmp_path, empty_database
):
    """On a database of its own (a SQLite file with its WAL, or a PostgreSQL database of the
    PostgreSQL run), written by a child process: a registered and an imported letter."""
    data_dir, url = empty_database
    run = {"data_dir": data_dir, "database_url": url}
    ktgs("demo", "--members", "100", **run)
    path = _letter_file(tmp_path)
    args = (*(CANARY[k] for k in CANARY), str(path), *NEEDLES)
    out = ktgs("-c", REGISTER_AND_IMPORT, *args, **run).stdout
    assert "IMPORTED True []" in out, out
    if engine() == "sqlite":
        assert "FOUND []" in out and "ktgs.sqlite3-wal" in out, out
        for file in data_dir.glob("ktgs.sqlite3*"):
            assert not found_in(file.read_bytes()), file
    ktgs("backup", **run)
    (archive,) = (data_dir / "backups").iterdir()
    with tarfile.open(archive) as tar:
        members = [m for m in tar.getmembers() if m.isfile()]
        assert members
        for member in members:
            content = tar.extractfile(member).read()
            if content.startswith(b"PGDMP"):  # pg_dump's custom format is compressed: as SQL
                content = _as_sql(content, tmp_path)
            assert not found_in(content), member.name


def _as_sql(dump: bytes, tmp_path: Path) -> bytes:
    from ktgs.ops.postgres import binary

    path = tmp_path / "base.dump"
    path.write_bytes(dump)
    done = subprocess.run(
        [binary("pg_restore"), "--file=-", str(path)], capture_output=True, check=True
    )
    assert b"COPY" in done.stdout  # the data is there, readable
    return done.stdout
