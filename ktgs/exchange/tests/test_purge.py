"""Nothing personal left behind: the purge removes half-written uploads, download folders, the
file of a dead job at once, abandoned "running" jobs and old ones; never a job still running."""

import fcntl
import io
import json
import os
import time

import pytest
from django.core.management import call_command

from ktgs.exchange import jobs, worker

DAY = 86400

# A dead job's outcome is read from the database (jobs.settle_dead; on PostgreSQL also whether
# the dead worker's statement still runs), so every test here may touch it.
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return tmp_path


def _age(path, seconds):
    then = time.time() - seconds
    os.utime(path, (then, then))


def _job(state="running", *, updated_ago=0, created_ago=0):
    upload = jobs.private_upload_dir() / "x.tai-len"
    upload.write_bytes(b"Ma dang vien;So dinh danh\nNV1;001085012345\n")
    job_id = jobs.create_job(owner_id=7, upload=upload, file_name="x.csv")
    folder = jobs.jobs_dir() / job_id
    fresh = jobs.read_state(folder)
    jobs.write_state(folder, {**fresh, "state": state, "created": time.time() - created_ago})
    if updated_ago:  # write_state stamps "updated" now: set it back by hand
        data = {**jobs.read_state(folder), "updated": time.time() - updated_ago}
        (folder / "state.json").write_text(json.dumps(data))
    return job_id, folder


def test_a_partial_upload_left_by_a_killed_server_is_removed_after_a_while():
    partial, fresh = (
        jobs.private_upload_dir() / "a.tai-len",
        jobs.private_upload_dir() / "b.tai-len",
    )
    partial.write_bytes(b"001085012345")
    fresh.write_bytes(b"still arriving")
    _age(partial, 2 * 3600)
    jobs.purge_old()
    assert not partial.exists()
    assert fresh.exists()  # an upload still arriving is written to: it stays


def test_an_old_download_folder_is_removed():
    folder = jobs.jobs_dir() / "tai-ve-abc123"
    folder.mkdir()
    (folder / "du-lieu-ktgs.xlsx").write_bytes(b"PK")
    _age(folder / "du-lieu-ktgs.xlsx", 2 * 3600)
    _age(folder, 2 * 3600)
    jobs.purge_old()
    assert not folder.exists()


def test_a_dead_jobs_uploaded_file_goes_as_soon_as_it_is_found_dead():
    job_id, folder = _job("running")
    assert (folder / "tep-nhap.csv").exists()
    state = jobs.job_state(job_id, owner_id=7)
    assert state["state"] == "failed"
    assert not (folder / "tep-nhap.csv").exists()
    assert (folder / "state.json").exists()  # the job and its message stay (7 days)


def test_the_purge_finds_a_dead_job_that_nobody_reopened():
    _job_id, folder = _job("running")
    jobs.purge_old()
    assert not (folder / "tep-nhap.csv").exists()
    assert jobs.read_state(folder)["state"] == "failed"


def test_an_abandoned_running_job_older_than_the_purge_age_is_removed_whole():
    _job_id, folder = _job("running", updated_ago=8 * DAY, created_ago=8 * DAY)
    jobs.purge_old()
    assert not folder.exists()


def test_a_job_still_running_is_never_touched():
    _job_id, folder = _job("running", updated_ago=8 * DAY, created_ago=8 * DAY)
    lock = os.open(folder / "lock", os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(lock, fcntl.LOCK_EX)
    try:
        jobs.purge_old()
    finally:
        os.close(lock)
    assert (folder / "tep-nhap.csv").exists()
    assert jobs.read_state(folder)["state"] == "running"


def test_a_job_folder_left_without_state_is_removed_after_a_while():
    folder = jobs.jobs_dir() / ("a" * 32)
    folder.mkdir()
    (folder / "tep-nhap.csv").write_bytes(b"001085012345")
    _age(folder / "tep-nhap.csv", 2 * 3600)
    _age(folder, 2 * 3600)
    jobs.purge_old()
    assert not folder.exists()


def test_ktgs_jobs_purge_runs_it():
    partial = jobs.private_upload_dir() / "a.tai-len"
    partial.write_bytes(b"001085012345")
    _age(partial, 2 * 3600)
    out = io.StringIO()
    call_command("jobs", "purge", stdout=out)
    assert not partial.exists()
    assert "Đã dọn 1 mục" in out.getvalue()


def test_the_worker_purges_after_its_job(monkeypatch):
    job_id, _folder = _job("queued")
    partial = jobs.private_upload_dir() / "a.tai-len"
    partial.write_bytes(b"001085012345")
    _age(partial, 2 * 3600)
    monkeypatch.setattr(jobs, "run", lambda job: {"state": jobs.DONE})
    assert worker.main([job_id]) == 0
    assert not partial.exists()
