"""The canary of issue 16 ("Done when"): a unique string in every filer field (name, address,
phone, citizen ID) of every letter (`canary.py`) — registered through the service, imported
through the interchange format, and planted in the access matrix's letters — never appears
outside the authorised view (the POST `/don-thu/<pk>/nguoi-gui/` of the handler or a UBKT leader
of the receiving unit, which must show it, so the test can fail).

Every page of the project, as every user of the matrix, is crawled by the access matrix itself
(`test_access_matrix.test_policy_row`: each response, its downloads unzipped, the server's log
and the e-mails); a page added later is crawled too, since the matrix must hold every URL
pattern. Here: the letter registered through the service and the one imported from a file, on
their pages and through the identity view; the exports; every text column of the database (both
engines); and — in a child process on a database of its own — the SQLite file, its WAL and the
backup archive.
"""

import subprocess
import tarfile
from pathlib import Path

import pytest
from django.apps import apps
from django.core import mail
from django.db import models, transaction
from django.urls import reverse

from ktgs.accounts.access import visible_to
from ktgs.accounts.tests import test_access_matrix as matrix
from ktgs.accounts.tests.test_access_matrix import server_log, world  # noqa: F401 — fixtures
from ktgs.core.models import Secrecy
from ktgs.exchange.exporter import export_csv, export_xlsx
from ktgs.exchange.importer import run_import
from ktgs.letters import crypto, services
from ktgs.letters.identity import may_see_identity
from ktgs.letters.models import Letter
from ktgs.letters.tests.canary import CANARY, NEEDLES, body_of, found_in, letter_file
from ktgs.ops.tests.helpers import engine, ktgs
from ktgs.orgs.models import Body

CRAWLERS = [(role, Secrecy.SECRET) for role in matrix.ROLES]
IDENTITY = matrix.IDENTITY
UNIT = "HA.DBK.001"


@pytest.fixture(scope="module")
def planted(world, django_db_blocker, tmp_path_factory):  # noqa: F811 — the imported fixture
    """The matrix's world (every letter carries the canary), and two letters more: one
    registered through the service, one imported from a file. The matrix's HANDLER handles
    both."""
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
        path = letter_file(tmp_path_factory.mktemp("canary"), UNIT, 901)
        result = run_import(path, file_name=path.name, user=leader)
        assert result.ok, [(p.row, p.column, p.message) for p in result.problems]
        imported = Letter.objects.get(body=body, year=2026, number=901)
        assert crypto.decrypt(imported.filer_citizen_id) == CANARY["citizen_id"]
        Letter.objects.filter(pk__in=[registered.pk, imported.pk]).update(
            handler=world.users[matrix.HANDLER]
        )
        for letter in (registered, imported):
            letter.refresh_from_db()  # the handler, read by may_see_identity
        world.objects["letter:registered"] = registered
        world.objects["letter:imported"] = imported
        yield world
        del world.objects["letter:registered"], world.objects["letter:imported"]
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_the_registered_and_imported_letters_show_the_canary_only_in_the_identity_view(
    planted,
    server_log,  # noqa: F811 — the imported fixture
    tmp_path,
):
    crawlers = [*CRAWLERS, matrix.HANDLER]
    leaks, authorised_shown = [], 0
    for letter in (planted.objects["letter:registered"], planted.objects["letter:imported"]):
        for key in crawlers:
            client = planted.clients[key]
            for url in (reverse("letters:detail", args=[letter.pk]), reverse("letters:list")):
                hits = found_in(body_of(client.get(url)))
                if hits:
                    leaks.append((key, "page", url, 200, hits))
            response = client.post(reverse(IDENTITY, args=[letter.pk]), {})
            hits = found_in(body_of(response))
            if may_see_identity(visible_to(planted.users[key]), letter):
                assert set(hits) == set(NEEDLES), (key, letter.pk, hits)
                authorised_shown += 1
            elif hits:
                leaks.append((key, IDENTITY, letter.pk, response.status_code, hits))
    assert not leaks, "\n".join(map(str, leaks))
    # the handler and the UBKT leader of HA.DBK.001 saw both: the canary was there to be found
    assert authorised_shown == 4
    logged = server_log()
    assert "Forbidden" in logged  # the server's log was captured (the refused identity views)
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
    path = letter_file(tmp_path, UNIT, 901)
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
