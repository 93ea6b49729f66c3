"""An attachment survives `ktgs backup` / `ktgs restore` byte for byte, on the engine of the run
(SQLite, or PostgreSQL with two throwaway databases), driven as an operator would in child
processes (see ktgs/ops/tests/helpers.py)."""

import hashlib
import json
import uuid

import pytest

from ktgs.ops.tests.helpers import engine, ktgs, migrated

CONTENT = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"
NAME = "Kết luận kiểm tra số 05-KL.pdf"

ATTACH = f"""
import django; django.setup()
from django.core.files.uploadedfile import SimpleUploadedFile
from ktgs.documents.services import attachment_add
from ktgs.orgs.models import Member
member = Member.objects.order_by("code").first()
added = attachment_add(member, SimpleUploadedFile({NAME!r}, bytes.fromhex({CONTENT.hex()!r})))
print(added.pk)
"""

READ = """
import django, json, sys; django.setup()
from ktgs.documents.models import Attachment
from ktgs.documents.storage import stored_path
a = Attachment.objects.get(pk=int(sys.argv[1]))
print(json.dumps({"name": a.name, "sha256": a.sha256, "size": a.size, "owner": a.owner_id,
                  "bytes": stored_path(a).read_bytes().hex()}, ensure_ascii=False))
"""


@pytest.fixture(scope="module")
def urls():
    """Source and target database URLs (None on SQLite: files in each data folder)."""
    if engine() != "postgresql":
        yield {"source": None, "target": None}
        return
    from ktgs.ops.tests.test_backup_postgres import Server

    server = Server()
    suffix = uuid.uuid4().hex[:10]
    names = {role: f"ktgs_att_{suffix}_{role}" for role in ("source", "target")}
    yield {role: server.create(name) for role, name in names.items()}
    for name in names.values():
        server.drop(name)


def test_backup_and_restore_keep_an_attachment_byte_identical(urls, tmp_path):
    source, target = tmp_path / "source", tmp_path / "target"
    run = {"data_dir": source, "database_url": urls["source"]}
    migrated(source, urls["source"])
    ktgs("demo", "--members", "100", **run)
    pk = ktgs("-c", ATTACH, **run).stdout.strip()
    before = json.loads(ktgs("-c", READ, pk, **run).stdout)
    ktgs("backup", **run)
    (archive,) = (source / "backups").iterdir()

    restored = ktgs("restore", str(archive), data_dir=target, database_url=urls["target"])
    assert "khớp checksum" in restored.stdout
    after = json.loads(ktgs("-c", READ, pk, data_dir=target, database_url=urls["target"]).stdout)
    assert after == before
    assert bytes.fromhex(after["bytes"]) == CONTENT
    assert after["name"] == NAME and after["sha256"] == hashlib.sha256(CONTENT).hexdigest()
