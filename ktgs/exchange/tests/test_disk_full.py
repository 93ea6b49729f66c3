"""A full disk while a file is uploaded, or while it is imported: a clear Vietnamese message on
the page, and nothing of the file (citizen IDs) left on the disk."""

import errno

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ktgs.core.tests import mounts
from ktgs.exchange import jobs
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
