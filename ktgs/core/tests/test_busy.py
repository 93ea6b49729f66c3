"""A user's write that meets an import's SQLite write lock gets a 503 page, never a 500, and keeps
what the user typed (ktgs/core/busy.py)."""

import sqlite3
import time

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.db import OperationalError, connection, transaction
from django.db.backends.sqlite3.base import DatabaseWrapper
from django.urls import reverse

from ktgs.core.busy import BusyDatabaseMiddleware, is_busy, server_error
from ktgs.core.tests.formpage import opened
from ktgs.orgs import services
from ktgs.orgs.models import OrgUnit

LOCKED = OperationalError("database is locked")


def test_a_write_waits_the_busy_timeout_for_another_writer_then_is_recognised(
    tmp_path, django_db_blocker
):
    """Real SQLite, a file of its own: another connection holds the write lock (as an import's
    transaction does) while the user's connection writes."""
    path = tmp_path / "ktgs.sqlite3"
    options = {**settings.SQLITE_OPTIONS, "timeout": 0.3}
    engine = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path), "OPTIONS": options}
    user = DatabaseWrapper({**connection.settings_dict, **engine}, alias="busy-test")
    with django_db_blocker.unblock(), user.cursor() as cursor:
        cursor.execute("CREATE TABLE note (text TEXT)")
    importer = sqlite3.connect(path, isolation_level=None)
    importer.execute("BEGIN IMMEDIATE")
    importer.execute("INSERT INTO note VALUES ('import')")
    started = time.monotonic()
    try:
        with django_db_blocker.unblock(), pytest.raises(OperationalError) as failed:
            user.cursor().execute("INSERT INTO note VALUES ('user')")
    finally:
        importer.rollback()
        importer.close()
        user.close()
    assert 0.25 < time.monotonic() - started < 5
    assert is_busy(failed.value)
    assert not is_busy(OperationalError("no such table: note"))


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's busy timeout")
def test_the_busy_timeout_is_the_setting_and_well_under_a_proxy_timeout():
    assert connection.settings_dict["OPTIONS"]["timeout"] == settings.KTGS_SQLITE_WAIT
    assert settings.KTGS_SQLITE_WAIT <= 30


@pytest.mark.django_db
def test_a_form_post_that_meets_the_lock_gets_503_with_its_input_kept(client_as, monkeypatch):
    real_update = services.unit_update

    @transaction.atomic
    def update_then_locked(**kwargs):
        real_update(**kwargs)  # half of the work done, then the lock: all of it rolled back
        raise LOCKED

    monkeypatch.setattr(services, "unit_update", update_then_locked)
    client = client_as("grassroots_officer")
    url = reverse("orgs:unit_edit", args=["HA.DBK.001.01"])
    before = OrgUnit.objects.get(code="HA.DBK.001.01").name
    form = opened(client, url)  # as the browser sends it: the version and the values seen
    response = client.post(url, {**form, "name": "Chi bộ <Hành chính> mới"})
    page = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == str(settings.KTGS_SQLITE_RETRY)
    assert (
        "Hệ thống đang ghi dữ liệu nhập từ tệp; đồng chí thử lại sau khoảng "
        f"{settings.KTGS_SQLITE_RETRY} giây. Nội dung đồng chí vừa nhập chưa được lưu." in page
    )
    assert 'name="name" value="Chi bộ &lt;Hành chính&gt; mới"' in page  # kept, escaped
    assert f'action="{url}"' in page and "Gửi lại" in page and "Quay lại" in page
    assert page.count('name="csrfmiddlewaretoken"') == 1
    assert OrgUnit.objects.get(code="HA.DBK.001.01").name == before  # nothing half-written
    monkeypatch.setattr(services, "unit_update", real_update)
    resent = {**form, "name": "Chi bộ Hành chính mới"}
    assert client.post(url, resent).status_code == 302  # Gửi lại


@pytest.mark.django_db
def test_a_password_is_not_written_back_into_the_page(rf):
    request = rf.post("/dang-nhap/", {"username": "a", "password": "bí mật"})
    try:
        raise LOCKED
    except OperationalError:
        response = server_error(request)
    page = response.content.decode()
    assert response.status_code == 503
    assert 'value="a"' in page and "bí mật" not in page


def test_other_errors_still_get_the_500_page(rf):
    try:
        raise OperationalError("disk I/O error")
    except OperationalError:
        response = server_error(rf.get("/"))
    assert response.status_code == 500


def test_the_session_is_not_saved_after_a_locked_view_so_the_user_waits_once(rf):
    """Saving it would wait the busy timeout a second time (15 s + 15 s: past a proxy's timeout)."""
    request = rf.post("/to-chuc/X/sua/", {"name": "A"})
    request.session = SessionStore()
    request.session["touched"] = 1
    assert request.session.modified
    response = BusyDatabaseMiddleware(lambda r: None).process_exception(request, LOCKED)
    assert response.status_code == 503
    assert not request.session.modified


def test_a_view_error_other_than_the_lock_is_left_to_django(rf):
    middleware = BusyDatabaseMiddleware(lambda r: None)
    assert middleware.process_exception(rf.get("/"), OperationalError("disk I/O error")) is None
