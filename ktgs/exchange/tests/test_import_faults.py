"""Imports that meet a fault: a duplicate written meanwhile, one audit-chain lock at the end."""

import pytest
from django.db import transaction
from django.urls import reverse

from ktgs.audit import services as audit_services
from ktgs.audit.models import AuditEvent
from ktgs.audit.services import record
from ktgs.core import bulk
from ktgs.exchange import jobs, orgdata
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


@pytest.fixture
def private_data(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    settings.KTGS_JOB_RUNNER = "inline"
    return tmp_path / "data"


def _dead_running_job(owner, folder_root) -> str:
    """A job whose state file still says "running" (phase ghi) and whose process is gone."""
    upload = jobs.private_upload_dir() / "x.xlsx"
    upload.write_bytes(b"x")
    job_id = jobs.create_job(owner_id=owner.pk, upload=upload, file_name="dang-vien.xlsx")
    folder = folder_root / "jobs" / job_id
    state = {**jobs.read_state(folder), "state": "running", "phase": "ghi", "pid": 2**22 + 1}
    jobs.write_state(folder, state)
    return job_id


def test_a_worker_killed_after_its_commit_shows_the_import_done_with_its_counts(
    client_as, cast, private_data
):
    """Killed during ANALYZE, after the commit: the state file says running, the database holds
    the import's audit event naming the job."""
    job_id = _dead_running_job(cast["inspector"], private_data)
    counts = {"Đảng viên": {"created": 2, "updated": 0, "unchanged": 0}}
    with transaction.atomic():
        record(ACTION, details={"file": "dang-vien.xlsx", "job": job_id, "counts": counts})
    html = client_as("inspector").get(reverse("exchange:job", args=[job_id])).content.decode()
    assert "Đã nhập xong tệp “dang-vien.xlsx”" in html
    assert "dừng giữa chừng" not in html and "Không có dữ liệu nào được ghi" not in html
    assert '<td class="num">2</td>' in html
    state = jobs.read_state(private_data / "jobs" / job_id)
    assert (state["state"], state["ok"], state["recover"]) == ("done", True, True)


def test_a_worker_killed_before_its_commit_says_nothing_was_written(client_as, cast, private_data):
    job_id = _dead_running_job(cast["inspector"], private_data)
    with transaction.atomic():  # another job's import does not count
        record(ACTION, details={"file": "khac.xlsx", "job": "0" * 32, "counts": {}})
    html = client_as("inspector").get(reverse("exchange:job", args=[job_id])).content.decode()
    assert "dừng giữa chừng" in html and "Không có dữ liệu nào được ghi" in html


def test_a_failure_after_the_commit_is_not_reported_as_nothing_written(
    client_as, cast, private_data, monkeypatch
):
    from ktgs.exchange import importer
    from ktgs.exchange.tests.test_views import GOOD, GOOD_LIVES, members_book, post_file, xlsx

    def analyze_fails():
        raise OSError("killed during ANALYZE")

    monkeypatch.setattr(importer, "refresh_statistics", analyze_fails)
    client = client_as("inspector")
    response = post_file(client, xlsx("dang-vien.xlsx", members_book(GOOD, GOOD_LIVES)))
    html = client.get(response["Location"]).content.decode()
    assert Member.objects.filter(code__in=["NV900001", "NV900002"]).count() == 2
    assert "Đã nhập xong tệp “dang-vien.xlsx”" in html
    assert "không có dữ liệu nào được ghi" not in html.lower()


def test_the_next_worker_settles_dead_jobs_and_refreshes_the_statistics_once(
    cast, private_data, monkeypatch
):
    from ktgs.core import db

    analysed = []
    monkeypatch.setattr(db, "recover_statistics", analysed.append)
    dead = _dead_running_job(cast["inspector"], private_data)
    assert jobs.recover() == [dead]
    state = jobs.read_state(private_data / "jobs" / dead)
    assert (state["state"], state["recover"]) == ("failed", False)
    [tables] = analysed
    assert {"orgs_member", "orgs_membership", "audit_auditevent"} <= set(tables)
    assert {"inspections_inspection", "discipline_decision"} <= set(tables)
    assert jobs.recover() == [] and len(analysed) == 1, "once per dead job"


def test_a_sigterm_ends_the_worker_as_ctrl_c_would():
    """psycopg cancels the statement in progress on the server when SystemExit interrupts it."""
    import signal

    from ktgs.exchange import worker

    with pytest.raises(SystemExit) as stopped:
        worker._stop(signal.SIGTERM, None)
    assert stopped.value.code == 128 + signal.SIGTERM


def test_the_worker_session_has_a_statement_timeout_and_the_job_page_waits_for_it(
    cast, private_data
):
    """PostgreSQL: while the server still runs a session named after the job (a statement or
    a commit of a worker that was just killed), the job is not settled."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("statement_timeout and pg_stat_activity are PostgreSQL's")
    job_id = _dead_running_job(cast["inspector"], private_data)
    jobs.limit_worker_session(job_id)
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "15min"
    assert jobs.job_state(job_id, owner_id=cast["inspector"].pk)["state"] == "running"
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('application_name', 'other', false)")
    assert jobs.job_state(job_id, owner_id=cast["inspector"].pk)["state"] == "failed"
