"""The keyed chain holds against someone who has the database and the data folder but not the
audit key: recomputed links, a cut tail without its head, missing triggers and a chain rewritten
since a backup all fail `ktgs audit verify`; key switches and rotations are events."""

import io
import json
import tarfile

import pytest
from django.core.checks import run_checks
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from ktgs.audit import head, triggers
from ktgs.audit.chain import CHAINED_FIELDS, GENESIS, SHA256, key_id, link_hash
from ktgs.audit.models import AuditEvent
from ktgs.audit.services import record
from ktgs.audit.testing import triggers_lifted
from ktgs.audit.verify import Anchor, verify

pytestmark = pytest.mark.django_db


@pytest.fixture
def head_dir(settings, tmp_path):
    settings.KTGS_AUDIT_HEAD_DIR = tmp_path
    return tmp_path


@pytest.fixture
def events(head_dir, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        made = [record("test.thing.done", details={"n": n}) for n in range(5)]
    head.write(head.signed(made[-1].seq, made[-1].hash))
    return made


def recompute_without_key(from_seq: int, *, keep_link: bool = False) -> None:
    """What an attacker holding the database but not the key can do: SHA-256 links from
    `from_seq` on, and a head at the new end (unsigned: the key is needed to sign it)."""
    prev = (
        AuditEvent.objects.filter(seq=from_seq - 1).values_list("hash", flat=True).first()
        or GENESIS
    )
    for event in AuditEvent.objects.filter(seq__gte=from_seq).order_by("seq"):
        row = {f: getattr(event, f) for f in CHAINED_FIELDS}
        new_hash = link_hash(prev, row)
        link = event.link if keep_link else SHA256
        AuditEvent.objects.filter(pk=event.pk).update(prev_hash=prev, hash=new_hash, link=link)
        prev = new_hash
    last = AuditEvent.objects.order_by("-seq").first()
    head.write({"seq": last.seq, "hash": last.hash})


def failing(verdict, *words):
    assert not verdict.ok, verdict.message
    for word in words:
        assert word in verdict.message, verdict.message
    with pytest.raises(CommandError):
        call_command("audit", "verify")


def test_new_events_are_linked_with_the_audit_key(events, settings):
    assert {e.link for e in events} == {f"hmac-sha256:{key_id(settings.KTGS_AUDIT_KEY)}"}
    assert verify().ok
    assert settings.KTGS_AUDIT_KEY not in json.dumps(head.read())  # the key id, never the key


def test_an_edited_row_with_every_link_recomputed_fails(events):
    with triggers_lifted():
        AuditEvent.objects.filter(pk=events[2].pk).update(details={"n": 99})
        recompute_without_key(events[2].seq)
    failing(verify(), f"Sự kiện số {events[2].seq} ", "không khóa")


def test_links_recomputed_with_sha256_under_the_keyed_label_fail(events):
    with triggers_lifted():
        AuditEvent.objects.filter(pk=events[2].pk).update(details={"n": 99})
        recompute_without_key(events[2].seq, keep_link=True)
    failing(verify(), f"Sự kiện số {events[2].seq} ", "bị sửa")


def test_the_whole_chain_recomputed_without_the_key_fails(events):
    with triggers_lifted():
        recompute_without_key(1)
    failing(verify(), "không có sự kiện nào liên kết bằng khóa")


def test_cut_tail_and_deleted_head_fail(events):
    with triggers_lifted():
        AuditEvent.objects.filter(seq__gte=events[3].seq).delete()
    head.head_path().unlink()
    failing(verify(), "Không có đầu chuỗi ghi ngoài")


def test_cut_tail_with_a_head_rewritten_without_the_key_fails(events):
    with triggers_lifted():
        AuditEvent.objects.filter(seq__gte=events[3].seq).delete()
    kept = events[2]
    forged = {"seq": kept.seq, "hash": kept.hash, "key": head.read()["key"], "mac": "0" * 64}
    head.write(forged)
    failing(verify(), "sai chữ ký")
    head.write({"seq": kept.seq, "hash": kept.hash})
    failing(verify(), "không có chữ ký")


def test_a_missing_head_is_an_error(events):
    head.head_path().unlink()
    failing(verify(), "Không có đầu chuỗi ghi ngoài")


def test_an_unsigned_or_missing_head_is_not_silently_replaced(
    events, django_capture_on_commit_callbacks
):
    head.head_path().unlink()
    with django_capture_on_commit_callbacks(execute=True):
        record("test.thing.done")
    assert head.read() is None  # still missing: verify keeps naming it
    call_command("audit", "head", "--reset")
    assert verify().ok


def test_missing_triggers_fail_verify_and_check_until_migrate_restores_them(events):
    triggers.remove(connection)
    assert triggers.missing(connection)
    failing(verify(), "Thiếu trigger", "ktgs migrate")
    assert "audit.E001" in [e.id for e in run_checks()]
    call_command("migrate", verbosity=0)
    assert triggers.missing(connection) == []
    assert verify().ok
    assert "audit.E001" not in [e.id for e in run_checks()]
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=events[0].pk).delete()


def test_a_trigger_replaced_by_one_that_allows_changes_counts_as_missing(events):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite form of the check (PostgreSQL: a disabled trigger, below)")
    triggers.remove(connection)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_auditevent BEGIN SELECT 1; END"
        )
    assert "audit_no_update" in triggers.missing(connection)
    triggers.install(connection)
    assert triggers.missing(connection) == []


def test_a_disabled_trigger_counts_as_missing(events):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL can disable a trigger")
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_no_change")
    assert triggers.missing(connection) == ["audit_no_change"]
    triggers.install(connection)
    assert triggers.missing(connection) == []


def test_backups_heads_must_be_in_the_chain_at_the_same_place(events):
    kept = events[2]
    assert verify(anchors=[Anchor("a.tar.gz", kept.seq, kept.hash)]).ok
    failing_verdict = verify(anchors=[Anchor("b.tar.gz", kept.seq, "f" * 64)])
    assert not failing_verdict.ok and "b.tar.gz" in failing_verdict.message
    longer = verify(anchors=[Anchor("c.tar.gz", events[-1].seq + 1, "e" * 64)])
    assert not longer.ok and "ngắn hơn bản sao lưu c.tar.gz" in longer.message


def backup_file(path, seq: int, hash_: str):
    manifest = {"audit": {"chain_end": {"seq": seq, "hash": hash_}, "recorded_head": None}}
    data = json.dumps(manifest).encode()
    with tarfile.open(path, "w:gz") as tar:
        info = tarfile.TarInfo("manifest.json")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    return path


def test_verify_compares_with_the_backups_it_is_shown(events, tmp_path):
    good = backup_file(tmp_path / "good.tar.gz", events[1].seq, events[1].hash)
    call_command("audit", "verify", "--backup", str(good))
    with triggers_lifted():  # the events since the good backup, deleted
        AuditEvent.objects.filter(seq__gte=events[1].seq).delete()
    bad = backup_file(tmp_path / "bad.tar.gz", events[3].seq, events[3].hash)
    with pytest.raises(CommandError, match="ngắn hơn bản sao lưu bad.tar.gz"):
        call_command("audit", "verify", "--backup", str(good), str(bad))


def test_rotation_is_an_event_and_old_keys_verify_their_events(
    events, settings, django_capture_on_commit_callbacks
):
    old = settings.KTGS_AUDIT_KEY
    settings.KTGS_AUDIT_KEY, settings.KTGS_AUDIT_KEYS_OLD = "a-new-audit-key-for-the-test", [old]
    with django_capture_on_commit_callbacks(execute=True):
        after = record("test.thing.done")
    rotation = AuditEvent.objects.get(seq=after.seq - 1)
    assert rotation.action == "audit.chain.key_rotated"
    assert rotation.details == {"from": key_id(old), "to": key_id(settings.KTGS_AUDIT_KEY)}
    assert verify().ok
    settings.KTGS_AUDIT_KEYS_OLD = []
    verdict = verify()
    assert not verdict.ok and key_id(old) in verdict.message


def test_sha256_events_written_before_the_key_keep_their_links(
    head_dir, settings, django_capture_on_commit_callbacks
):
    with triggers_lifted():
        AuditEvent.objects.all().delete()  # this test's chain starts empty, as before the key
    key = settings.KTGS_AUDIT_KEY
    settings.KTGS_AUDIT_KEY = ""
    with django_capture_on_commit_callbacks(execute=True):
        legacy = [record("test.thing.done", details={"n": n}) for n in range(3)]
    assert {e.link for e in legacy} == {SHA256} and "mac" not in head.read()
    settings.KTGS_AUDIT_KEY = key
    with django_capture_on_commit_callbacks(execute=True):
        keyed = record("test.thing.done")
    switch = AuditEvent.objects.get(seq=4)
    assert switch.action == "audit.chain.keyed" and keyed.seq == 5
    assert list(
        AuditEvent.objects.filter(seq__lte=3).order_by("seq").values_list("hash", flat=True)
    ) == [e.hash for e in legacy]
    assert head.read()["seq"] == 5 and not head.signature_problem(head.read())
    assert verify().ok, verify().message


def test_deploy_check_wants_a_separate_long_audit_key(settings):
    from ktgs.audit.checks import audit_key

    settings.KTGS_AUDIT_KEY = "a-long-audit-key-" + "x" * 32
    assert audit_key() == []
    settings.KTGS_AUDIT_KEY = settings.SECRET_KEY
    assert [e.id for e in audit_key()] == ["audit.E003"]
    settings.KTGS_AUDIT_KEY = "short"
    assert [e.id for e in audit_key()] == ["audit.W001"]
    settings.KTGS_AUDIT_KEY = ""
    assert [e.id for e in audit_key()] == ["audit.E002"]
