"""A full disk while a file is uploaded, or while it is imported: a clear Vietnamese message on
the page, and nothing of the file (citizen IDs) left on the disk."""

import contextlib
import errno

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError
from django.urls import reverse

from ktgs.core.tests import mounts
from ktgs.exchange import importer, jobs, reach
from ktgs.exchange.forms import PrivateLimitedUpload

FULL = "Ổ đĩa máy chủ đã đầy"


@pytest.fixture(autouse=True)
def private_data(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()
    settings.KTGS_JOB_RUNNER = "inline"
    return settings.DATA_DIR


def _post(client, size=200_000):
    upload = SimpleUploadedFile("dang-vien.csv", b"Ma dang vien\n" + b"x" * size)
    return client.post(reverse("exchange:upload"), {"tep": upload})


def _left_on_disk(data):
    return sorted(p.name for p in (data / "jobs").rglob("*") if p.is_file())


class _FullFile:
    """A file on a disk that has just filled up: every write fails, closing works."""

    def __init__(self, real):
        self.real = real

    def write(self, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    def close(self):
        self.real.close()


def test_an_upload_to_a_full_disk_says_so_and_leaves_nothing(client_as, monkeypatch, private_data):
    new_file = PrivateLimitedUpload.new_file

    def filling(self, *args, **kwargs):
        new_file(self, *args, **kwargs)
        self.file = _FullFile(self.file)

    monkeypatch.setattr(PrivateLimitedUpload, "new_file", filling)
    response = _post(client_as("inspector"))
    assert response.status_code == 200
    assert FULL in response.content.decode() and "nhập lại" in response.content.decode()
    assert _left_on_disk(private_data) == []


def test_a_job_that_cannot_be_created_on_a_full_disk_leaves_no_folder(
    client_as, monkeypatch, private_data
):
    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(jobs, "write_state", full)
    response = _post(client_as("inspector"), size=100)
    assert FULL in response.content.decode()
    assert _left_on_disk(private_data) == []
    assert [p.name for p in (private_data / "jobs").iterdir()] == ["tai-len"]


def test_an_upload_to_a_really_full_disk(client_as, private_data):
    with mounts.tmpfs(private_data, "64k"):
        response = _post(client_as("inspector"), size=300_000)
        assert response.status_code == 200
        assert FULL in response.content.decode()
        assert _left_on_disk(private_data) == []


def test_another_error_while_uploading_is_not_called_a_full_disk(client_as, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(jobs, "write_state", broken)
    with pytest.raises(OSError, match="Input/output"):
        _post(client_as("inspector"), size=100)


# --- a disk that fills up during the import ----------------------------------------------------


def _job_for(user, body=b"Ma dang vien\nNV1\n"):
    upload = jobs.private_upload_dir() / "x.tai-len"
    upload.write_bytes(body)
    return jobs.create_job(owner_id=user.pk, upload=upload, file_name="dang-vien.csv")


def _job_page(client, job_id) -> str:
    return client.get(reverse("exchange:job", args=[job_id])).content.decode()


def _raising(exc):
    def raise_it(*args, **kwargs):
        raise exc

    return raise_it


@pytest.mark.parametrize(
    "exc",
    [
        OperationalError("database or disk is full"),
        OSError(errno.ENOSPC, "No space left on device"),
    ],
)
def test_a_disk_filling_up_during_the_import_is_named_on_the_job_page(
    client_as, cast, monkeypatch, private_data, exc
):
    monkeypatch.setattr(importer, "run_import", _raising(exc))
    monkeypatch.setattr(reach, "outside_reach", lambda *args: [])
    job_id = _job_for(cast["inspector"])
    state = jobs.run(job_id)
    assert state["message"] == jobs.DISK_FULL_MESSAGE
    html = _job_page(client_as("inspector"), job_id)
    assert "Ổ đĩa máy chủ đã đầy khi nhập tệp" in html and "dừng giữa chừng" not in html
    assert "tep-nhap.csv" not in _left_on_disk(private_data)


def test_the_outcome_is_written_even_when_no_temporary_file_can_be_made(
    client_as, cast, monkeypatch, private_data
):
    monkeypatch.setattr(importer, "run_import", _raising(OSError(errno.ENOSPC, "No space")))
    monkeypatch.setattr(reach, "outside_reach", lambda *args: [])
    job_id = _job_for(cast["inspector"])
    real_write = jobs.write_state
    calls = []

    def full_after_start(folder, state):
        calls.append(state["state"])
        if len(calls) > 1:
            raise OSError(errno.ENOSPC, "No space left on device")
        real_write(folder, state)

    monkeypatch.setattr(jobs, "write_state", full_after_start)
    jobs.run(job_id)
    monkeypatch.setattr(jobs, "write_state", real_write)
    assert "Ổ đĩa máy chủ đã đầy khi nhập tệp" in _job_page(client_as("inspector"), job_id)


def test_an_import_on_a_really_full_disk(client_as, cast, private_data, monkeypatch):
    monkeypatch.setattr(reach, "outside_reach", lambda *args: [])
    with mounts.tmpfs(private_data, "64k"):
        body = b"Ma dang vien\n" + b"NV1\n" * 3000  # 12 kB: its removal frees room for the state
        job_id = _job_for(cast["inspector"], body)
        filler = private_data / "filler"
        with contextlib.suppress(OSError), filler.open("wb") as out:
            while True:
                out.write(b"x" * 4096)
                out.flush()
        state = jobs.run(job_id)
        assert state["message"] == jobs.DISK_FULL_MESSAGE, state
        html = _job_page(client_as("inspector"), job_id)
        assert "Ổ đĩa máy chủ đã đầy khi nhập tệp" in html
        assert not list((private_data / "jobs" / job_id).glob("tep-nhap*"))
