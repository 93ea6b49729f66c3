"""The job's progress file: created private, rewritten whole, a dead job shown as failed."""

import fcntl
import json
import os
import stat
import time

import pytest

from ktgs.exchange import jobs


@pytest.fixture
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return tmp_path


def _upload(folder, name="dang-vien.csv", body=b"Ma dang vien\n"):
    path = jobs.private_upload_dir() / name
    path.write_bytes(body)
    return path


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_a_new_job_is_private_and_queued(data_dir):
    job_id = jobs.create_job(owner_id=7, upload=_upload(data_dir), file_name="dang-vien.csv")
    folder = data_dir / "jobs" / job_id
    assert _mode(data_dir / "jobs") == 0o700
    assert _mode(folder) == 0o700
    assert _mode(folder / "state.json") == 0o600
    assert _mode(folder / "tep-nhap.csv") == 0o600
    assert (folder / "tep-nhap.csv").read_bytes() == b"Ma dang vien\n"
    assert not list(jobs.private_upload_dir().iterdir()), "the upload was moved, not copied"
    state = jobs.job_state(job_id, owner_id=7)
    assert (state["state"], state["done"], state["total"]) == ("queued", 0, 0)
    assert state["file_name"] == "dang-vien.csv"


def test_only_the_owner_finds_the_job_and_a_bad_id_finds_nothing(data_dir):
    job_id = jobs.create_job(owner_id=7, upload=_upload(data_dir), file_name="a.csv")
    assert jobs.job_state(job_id, owner_id=8) is None
    assert jobs.job_state("../../etc", owner_id=7) is None
    assert jobs.job_state("0" * 32, owner_id=7) is None


def test_progress_is_written_whole_and_leaves_no_temporary_file(data_dir):
    job_id = jobs.create_job(owner_id=7, upload=_upload(data_dir), file_name="a.csv")
    folder = data_dir / "jobs" / job_id
    state = jobs.read_state(folder)
    progress = jobs.Progress(folder, state)
    progress("doc", 0, 3)
    assert jobs.read_state(folder)["phase"] == "doc"
    progress("kiemtra", 1, 40)
    progress("kiemtra", 2, 40)  # within WRITE_EVERY of the last write: not written yet
    assert (jobs.read_state(folder)["phase"], jobs.read_state(folder)["done"]) == ("kiemtra", 1)
    progress("kiemtra", 40, 40)  # the end of a phase is always written
    assert jobs.read_state(folder)["done"] == 40
    assert sorted(p.name for p in folder.iterdir()) == ["state.json", "tep-nhap.csv"]
    json.loads((folder / "state.json").read_text())  # valid JSON, never a half-written file


def test_throttle_writes_every_report_and_waits(data_dir, monkeypatch):
    monkeypatch.setenv("KTGS_IMPORT_THROTTLE_MS", "30")
    job_id = jobs.create_job(owner_id=7, upload=_upload(data_dir), file_name="a.csv")
    folder = data_dir / "jobs" / job_id
    progress = jobs.Progress(folder, jobs.read_state(folder))
    started = time.monotonic()
    for done in range(1, 5):
        progress("kiemtra", done, 10)
        assert jobs.read_state(folder)["done"] == done
    assert time.monotonic() - started >= 4 * 0.03


@pytest.mark.django_db  # a dead job's outcome is read from the database
def test_a_running_job_whose_process_is_gone_is_shown_failed(data_dir):
    job_id = jobs.create_job(owner_id=7, upload=_upload(data_dir), file_name="a.csv")
    folder = data_dir / "jobs" / job_id
    jobs.write_state(folder, {**jobs.read_state(folder), "state": "running", "phase": "ghi"})
    state = jobs.job_state(job_id, owner_id=7)
    assert state["state"] == "failed"
    assert "dừng giữa chừng" in state["message"] and "nhập lại" in state["message"]
    assert jobs.read_state(folder)["state"] == "failed", "the verdict is kept"


@pytest.mark.django_db  # a dead job's outcome is read from the database
def test_a_running_job_holding_its_lock_stays_running(data_dir):
    job_id = jobs.create_job(owner_id=7, upload=_upload(data_dir), file_name="a.csv")
    folder = data_dir / "jobs" / job_id
    jobs.write_state(folder, {**jobs.read_state(folder), "state": "running"})
    fd = os.open(folder / "lock", os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        assert jobs.job_state(job_id, owner_id=7)["state"] == "running"
    finally:
        os.close(fd)
    assert jobs.job_state(job_id, owner_id=7)["state"] == "failed"


@pytest.mark.django_db  # a dead job's outcome is read from the database
def test_a_queued_job_waits_a_minute_for_its_process(data_dir):
    job_id = jobs.create_job(owner_id=7, upload=_upload(data_dir), file_name="a.csv")
    folder = data_dir / "jobs" / job_id
    assert jobs.job_state(job_id, owner_id=7)["state"] == "queued"
    old = time.time() - jobs.START_GRACE - 1
    jobs.write_state(folder, {**jobs.read_state(folder), "created": old})
    assert jobs.job_state(job_id, owner_id=7)["state"] == "failed"


def test_finished_jobs_are_removed_after_a_week(data_dir):
    old = jobs.create_job(owner_id=7, upload=_upload(data_dir), file_name="a.csv")
    fresh = jobs.create_job(owner_id=7, upload=_upload(data_dir), file_name="b.csv")
    for job_id, state in ((old, "done"), (fresh, "done")):
        folder = data_dir / "jobs" / job_id
        jobs.write_state(folder, {**jobs.read_state(folder), "state": state})
    folder = data_dir / "jobs" / old
    stale = {**jobs.read_state(folder), "updated": time.time() - 8 * 86400}
    (folder / "state.json").write_text(json.dumps(stale))
    jobs.purge_old()
    assert not folder.exists()
    assert (data_dir / "jobs" / fresh).is_dir()
