"""A read-only data folder or a full disk: a Vietnamese 503 naming it, not "Đã có lỗi"."""

import errno
import sqlite3

import pytest
from django.contrib.auth.views import LoginView
from django.contrib.sessions.middleware import SessionMiddleware
from django.db import OperationalError
from django.test import Client
from django.urls import reverse

from ktgs.core import diskfaults
from ktgs.core.tests import mounts

pytestmark = pytest.mark.django_db


def _raising(exc):
    def raise_it(*args, **kwargs):
        raise exc

    return raise_it


def _database_error(text: str) -> OperationalError:
    """As Django raises it: its OperationalError from the driver's."""
    try:
        try:
            raise sqlite3.OperationalError(text)
        except sqlite3.OperationalError as driver:
            raise OperationalError(text) from driver
    except OperationalError as exc:
        return exc


@pytest.mark.parametrize(
    "exc",
    [
        _database_error("attempt to write a readonly database"),
        _database_error("unable to open database file"),
        OSError(errno.EROFS, "Read-only file system"),
        OSError(errno.EACCES, "Permission denied"),
    ],
)
def test_the_log_in_page_on_a_read_only_data_folder_is_a_clear_503(monkeypatch, exc):
    monkeypatch.setattr(LoginView, "get", _raising(exc))
    response = Client(raise_request_exception=False).get(reverse("login"))
    assert response.status_code == 503
    html = response.content.decode()
    assert "chỉ đọc được" in html and "báo quản trị hệ thống" in html
    assert "Đã có lỗi trong hệ thống" not in html


def test_a_fault_raised_in_a_middleware_on_the_way_out_is_named_too(monkeypatch):
    error = _database_error("attempt to write a readonly database")
    monkeypatch.setattr(SessionMiddleware, "process_response", _raising(error))
    response = Client(raise_request_exception=False).get(reverse("login"))
    assert response.status_code == 503
    assert "chỉ đọc được" in response.content.decode()


@pytest.mark.parametrize(
    "exc", [_database_error("database or disk is full"), OSError(errno.ENOSPC, "No space")]
)
def test_a_full_disk_is_a_clear_503(monkeypatch, exc):
    monkeypatch.setattr(LoginView, "get", _raising(exc))
    response = Client(raise_request_exception=False).get(reverse("login"))
    assert response.status_code == 503
    assert "Ổ đĩa máy chủ đã đầy" in response.content.decode()


def test_any_other_error_keeps_the_500_page(monkeypatch):
    monkeypatch.setattr(LoginView, "get", _raising(ValueError("something else")))
    response = Client(raise_request_exception=False).get(reverse("login"))
    assert response.status_code == 500
    assert "Đã có lỗi trong hệ thống" in response.content.decode()


def test_the_real_errors_of_a_read_only_folder_and_a_full_disk_are_recognised(tmp_path):
    database = tmp_path / "ro" / "db.sqlite3"
    database.parent.mkdir()
    with sqlite3.connect(database) as made:
        made.execute("CREATE TABLE t (x)")
    with mounts.read_only(database.parent):
        with pytest.raises(sqlite3.OperationalError) as ro, sqlite3.connect(database) as db:
            db.execute("INSERT INTO t VALUES (1)")
        assert diskfaults.fault(ro.value) == diskfaults.READ_ONLY
        with pytest.raises(OSError) as write:
            (database.parent / "x").write_text("x")
        assert diskfaults.fault(write.value) == diskfaults.READ_ONLY
    with mounts.tmpfs(tmp_path / "small", "64k") as small:
        with pytest.raises(OSError) as full:
            (small / "big").write_bytes(b"x" * 200_000)
        assert diskfaults.fault(full.value) == diskfaults.FULL
