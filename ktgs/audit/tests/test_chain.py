"""The audit trail is append-only and its hash chain names the first broken link."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, transaction

from ktgs.audit import head
from ktgs.audit.chain import canonical
from ktgs.audit.models import AuditEvent
from ktgs.audit.services import diff, record
from ktgs.audit.testing import triggers_lifted
from ktgs.audit.verify import verify

pytestmark = pytest.mark.django_db


@pytest.fixture
def head_dir(settings, tmp_path):
    settings.KTGS_AUDIT_HEAD_DIR = tmp_path
    return tmp_path


@pytest.fixture
def events(head_dir, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        made = [
            record("test.thing.done", details={"n": n, "tên": "Nguyễn Văn Ánh"}) for n in range(5)
        ]
    head.write(head.signed(made[-1].seq, made[-1].hash))
    return made


def test_untouched_chain_verifies(events):
    verdict = verify()
    assert verdict.ok, verdict.message
    assert verdict.rows == events[-1].seq


def test_update_and_delete_are_refused_by_the_database(events):
    for attempt in (
        lambda: AuditEvent.objects.filter(pk=events[0].pk).update(action="x"),
        lambda: AuditEvent.objects.filter(pk=events[0].pk).delete(),
    ):
        with pytest.raises(DatabaseError), transaction.atomic():
            attempt()
    assert AuditEvent.objects.get(pk=events[0].pk).action == "test.thing.done"


def test_truncate_is_refused_by_the_database(events):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("TRUNCATE exists only on PostgreSQL (SQLite's DELETE is refused above)")
    with (
        pytest.raises(DatabaseError, match="chỉ được ghi thêm"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"TRUNCATE {AuditEvent._meta.db_table}")
    assert AuditEvent.objects.count() >= len(events)


def test_modified_row_is_named(events):
    target = events[2]
    with triggers_lifted():
        AuditEvent.objects.filter(pk=target.pk).update(details={"n": 99})
    verdict = verify()
    assert not verdict.ok
    assert f"Sự kiện số {target.seq} " in verdict.message and "bị sửa" in verdict.message


def test_deleted_middle_row_is_named(events):
    with triggers_lifted():
        AuditEvent.objects.filter(pk=events[2].pk).delete()
    verdict = verify()
    assert not verdict.ok and f"Thiếu sự kiện số {events[2].seq}" in verdict.message


def test_reordered_rows_are_named(events):
    a, b = events[1], events[2]
    with triggers_lifted():
        AuditEvent.objects.filter(pk=a.pk).update(seq=10**12)
        AuditEvent.objects.filter(pk=b.pk).update(seq=a.seq)
        AuditEvent.objects.filter(pk=a.pk).update(seq=b.seq)
    verdict = verify()
    assert not verdict.ok and "thứ tự" in verdict.message


def test_deleting_the_newest_rows_is_detected_by_the_head(events):
    with triggers_lifted():
        AuditEvent.objects.filter(pk=events[-1].pk).delete()
    verdict = verify()
    assert not verdict.ok and "ngắn hơn đầu chuỗi" in verdict.message
    with pytest.raises(CommandError, match="ngắn hơn"):
        call_command("audit", "verify")


def test_head_is_written_after_commit_owner_only(events, head_dir):
    recorded = head.read()
    assert (recorded["seq"], recorded["hash"]) == (events[-1].seq, events[-1].hash)
    assert recorded["mac"] and not head.signature_problem(recorded)
    assert oct(head.head_path().stat().st_mode & 0o777) == "0o600"


def test_canonical_form_is_stable():
    from datetime import UTC, datetime

    row = {
        "seq": 7,
        "at": datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=UTC),
        "action": "a.b",
        "details": {"b": 1, "a": "đ"},
    }
    assert canonical(row) == (
        '{"action":"a.b","actor_id":null,"actor_name":null,"at":"2026-01-02T03:04:05.000006Z",'
        '"changes":null,"details":{"a":"đ","b":1},"ip":null,"seq":"7","target_id":null,'
        '"target_label":null,"target_type":null,"unit_id":null}'
    )


def test_record_outside_a_transaction_is_refused(monkeypatch):
    monkeypatch.setattr(transaction.get_connection(), "in_atomic_block", False)
    with pytest.raises(RuntimeError, match="giao dịch"):
        record("test.outside")


def test_diff_redacts_confidential_fields():
    changes = diff({"a": 1, "cccd": "0010"}, {"a": 2, "cccd": "0011"}, confidential=["cccd"])
    assert changes == {"a": [1, 2], "cccd": ["***", "***"]}
