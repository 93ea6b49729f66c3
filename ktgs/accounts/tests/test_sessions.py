"""Sessions end after 30 idle minutes or 12 hours, without a write on every page view; a
deactivated user's sessions end at once. Time passes by editing the session's stamps."""

import time
from io import StringIO

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ktgs.accounts.models import UserSession
from ktgs.accounts.services import user_deactivate
from ktgs.accounts.sessions import LOGIN_AT, SEEN_AT
from ktgs.audit.models import AuditEvent
from ktgs.demo.builder import DEMO_PASSWORD

pytestmark = pytest.mark.django_db

EXPIRED = "Phiên làm việc đã hết hạn"
MINUTE, HOUR = 60, 3600


def text(response) -> str:
    return " ".join(response.content.decode().split())


def set_clock(client: Client, *, idle: float, signed_in: float | None = None) -> None:
    """As if the last request was `idle` seconds ago and the log-in `signed_in` seconds ago."""
    now = time.time()
    session = client.session
    session[SEEN_AT] = int(now - idle)
    session[LOGIN_AT] = int(now - (idle if signed_in is None else signed_in))
    session.save()


def assert_signed_out_with_message(client: Client, url: str = "/") -> None:
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url.replace('/', '%2F')}"
    assert EXPIRED in text(client.get(response["Location"]))
    assert client.get(url)["Location"].startswith(reverse("login"))  # the session is gone


@pytest.fixture
def inspector(client_as) -> Client:
    return client_as("inspector")


def test_more_than_30_idle_minutes_end_the_session(inspector):
    set_clock(inspector, idle=30 * MINUTE + 5)
    assert_signed_out_with_message(inspector)


def test_29_idle_minutes_do_not(inspector):
    set_clock(inspector, idle=29 * MINUTE, signed_in=5 * HOUR)
    assert inspector.get("/").status_code == 200


def test_12_hours_after_log_in_the_session_ends_however_busy(inspector):
    set_clock(inspector, idle=10, signed_in=12 * HOUR + 5)
    assert_signed_out_with_message(inspector, reverse("orgs:member_list"))


def test_an_htmx_request_after_expiry_sends_the_whole_page_to_log_in(inspector):
    set_clock(inspector, idle=HOUR)
    response = inspector.get(reverse("orgs:tree"), HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"] == reverse("login")


def session_writes(client: Client, url: str = "/") -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [
        q["sql"]
        for q in queries.captured_queries
        if "django_session" in q["sql"] and not q["sql"].lstrip().upper().startswith("SELECT")
    ]


def test_page_views_within_a_minute_do_not_write_the_session(inspector):
    assert session_writes(inspector) == []
    assert session_writes(inspector, reverse("orgs:member_list")) == []


def test_the_activity_stamp_is_renewed_once_it_is_a_minute_old(inspector):
    set_clock(inspector, idle=2 * MINUTE)
    assert len(session_writes(inspector)) == 1
    assert time.time() - inspector.session[SEEN_AT] < 5
    assert session_writes(inspector) == []


def test_a_log_in_records_the_session_for_its_user(client, cast):
    client.post(reverse("login"), {"username": "kiemtravien", "password": DEMO_PASSWORD})
    key = client.session.session_key
    assert UserSession.objects.get(session_id=key).user == cast["inspector"]
    client.post(reverse("logout"))
    assert not UserSession.objects.filter(session_id=key).exists()


def test_deactivating_a_user_ends_their_sessions_at_once(client_as, cast):
    first, second, leader = client_as("inspector"), client_as("inspector"), client_as("ubkt_leader")
    keys = [first.session.session_key, second.session.session_key]
    assert first.get("/").status_code == 200
    assert user_deactivate(user=cast["inspector"]) == 2
    for client in (first, second):
        assert client.get("/")["Location"].startswith(reverse("login"))
    assert not Session.objects.filter(pk__in=keys).exists()
    assert leader.get("/").status_code == 200  # someone else's session goes on
    event = AuditEvent.objects.get(action="accounts.user.deactivated")
    assert event.target_id == str(cast["inspector"].pk) and event.details["sessions_ended"] == 2


def test_a_deactivated_user_cannot_sign_in_again(client, cast):
    user_deactivate(user=cast["inspector"])
    response = client.post(reverse("login"), {"username": "kiemtravien", "password": DEMO_PASSWORD})
    assert response.status_code == 200 and "_auth_user_id" not in client.session


def test_deactivating_twice_is_refused(cast):
    user_deactivate(user=cast["inspector"])
    with pytest.raises(ValidationError, match="đã bị khóa"):
        user_deactivate(user=cast["inspector"])


def test_the_deactivate_command_locks_and_signs_out(client_as, cast):
    client = client_as("inspector")
    out = StringIO()
    call_command("deactivate", "kiemtravien", stdout=out)
    assert "kết thúc 1 phiên" in out.getvalue()
    assert client.get("/")["Location"].startswith(reverse("login"))
    with pytest.raises(CommandError, match="đã bị khóa"):
        call_command("deactivate", "kiemtravien", stdout=StringIO())


def test_a_session_whose_key_changed_is_still_ended_by_deactivation(inspector, cast):
    session = inspector.session
    session.cycle_key()  # as a password change does (update_session_auth_hash)
    session.save()
    inspector.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    assert inspector.get("/").status_code == 200
    assert user_deactivate(user=cast["inspector"]) == 1
    assert not Session.objects.filter(pk=session.session_key).exists()
