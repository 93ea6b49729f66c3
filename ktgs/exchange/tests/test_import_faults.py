"""Imports that meet a fault: a duplicate written meanwhile, one audit-chain lock at the end."""

import pytest

from ktgs.audit import services as audit_services
from ktgs.audit.models import AuditEvent
from ktgs.core import bulk
from ktgs.exchange import orgdata
from ktgs.exchange.importer import ACTION, run_import
from ktgs.exchange.tests.test_import import two_new_members
from ktgs.orgs.models import Member

pytestmark = pytest.mark.django_db

CHANGED_MEANWHILE = "Dữ liệu vừa được người khác thay đổi trong lúc nhập nên không ghi gì."


def test_a_member_created_by_someone_else_between_check_and_write_is_a_problem_not_a_crash(
    tmp_path, monkeypatch
):
    """As two imports of the same file at once: the other one wrote NV0001 after this one
    checked. On PostgreSQL the duplicate key is raised by COPY, through psycopg's own cursor."""
    path = two_new_members(tmp_path)
    check = orgdata.OrgHandler.check

    def check_then_someone_else_writes(self, *args, **kwargs):
        plan = check(self, *args, **kwargs)
        Member.objects.filter(pk=Member.objects.order_by("pk")[0].pk).update(code="NV0001")
        return plan

    monkeypatch.setattr(orgdata.OrgHandler, "check", check_then_someone_else_writes)
    events = AuditEvent.objects.count()
    result = run_import(path, file_name=path.name)
    assert not result.ok and not result.written
    [problem] = result.problems
    assert (problem.message, problem.fix) == (CHANGED_MEANWHILE, "Nhập lại tệp.")
    assert not Member.objects.filter(code="NV0002").exists()
    assert AuditEvent.objects.count() == events


def test_the_import_takes_the_audit_chain_lock_once_after_its_bulk_writes(tmp_path, monkeypatch):
    """The chain lock (PostgreSQL: an advisory lock held to the end of the transaction) is taken
    for the final append only, not at the first record the import creates."""
    from datetime import date

    from ktgs.exchange.tests.test_discipline_import import good_book
    from ktgs.inspections.services import office_in_use_since_set

    office_in_use_since_set(date(2020, 1, 1))
    calls = []
    lock, insert = audit_services._lock_chain, bulk.insert
    monkeypatch.setattr(audit_services, "_lock_chain", lambda: calls.append("lock") or lock())
    monkeypatch.setattr(bulk, "insert", lambda *a, **k: calls.append("insert") or insert(*a, **k))
    path = good_book(tmp_path)
    events = AuditEvent.objects.count()
    result = run_import(path, file_name=path.name)
    assert result.ok, result.problems
    added = list(AuditEvent.objects.filter(seq__gt=events).order_by("seq"))
    assert [e.action for e in added][-1] == ACTION
    assert len(added) >= 3, "the imported decisions keep their own events"
    assert calls.count("lock") == 1
    assert calls[-1] == "lock"
