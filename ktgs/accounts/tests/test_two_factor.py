"""Two-factor log-in (TOTP): required for system administrators and UBKT leaders, optional for
the others, as a user meets it. Codes are computed here as a phone would (tests/totp.py)."""

import re
import time
from base64 import b32encode
from io import StringIO
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse

from ktgs.accounts.models import Role
from ktgs.accounts.services import role_assign, two_factor_issue, user_create
from ktgs.accounts.tests.totp import totp_code
from ktgs.audit.models import AuditEvent
from ktgs.demo.builder import DEMO_PASSWORD, DEMO_SECOND_FACTOR

pytestmark = pytest.mark.django_db

LEADER, ADMIN, INSPECTOR = "lanhdao.ubkt", "quantri", "kiemtravien"
SECRET, BACKUP_CODES = DEMO_SECOND_FACTOR[LEADER]
WRONG = "Mã xác thực không đúng"
NO_THROTTLE = override_settings(OTP_TOTP_THROTTLE_FACTOR=0, OTP_STATIC_THROTTLE_FACTOR=0)


def text(response) -> str:
    return " ".join(response.content.decode().split())


def code_page(target: str = "/") -> str:
    return f"{reverse('otp_verify')}?{urlencode({'next': target})}"


def sign_in(client: Client, username: str, target: str = "") -> str:
    """The password step; where it sends the user."""
    data = {"username": username, "password": DEMO_PASSWORD, "next": target}
    response = client.post(reverse("login"), data)
    assert response.status_code == 302, text(response)
    return response["Location"]


def enter(client: Client, code: str, target: str = "/"):
    return client.post(reverse("otp_verify"), {"otp_token": code, "next": target})


def wrong_code(secret: str) -> str:
    """A 6-digit code that is none of those the app shows around now."""
    now = time.time()
    near = {totp_code(secret, now + 30 * step) for step in range(-2, 3)}
    return next(c for c in (f"{n:06d}" for n in range(123456, 999999, 7919)) if c not in near)


def reaches_home(client: Client) -> bool:
    return client.get(reverse("home")).status_code == 200


@pytest.mark.parametrize("username", [LEADER, ADMIN])
def test_leaders_and_administrators_are_asked_for_the_code(client, username):
    assert sign_in(client, username) == code_page("/")
    page = client.get(code_page("/"))
    assert page.status_code == 200
    assert "Xác thực hai lớp" in text(page) and 'name="otp_token"' in text(page)


def test_no_page_opens_before_the_code(client):
    sign_in(client, LEADER)
    for url in ("/", reverse("orgs:member_list"), reverse("orgs:tree"), reverse("login")):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("otp_verify")), url
    htmx = client.get(reverse("orgs:tree"), HTTP_HX_REQUEST="true")
    assert htmx["HX-Redirect"] == reverse("otp_verify")


def test_a_wrong_code_is_refused(client):
    sign_in(client, LEADER)
    response = enter(client, wrong_code(SECRET))
    assert response.status_code == 200 and WRONG in text(response)
    assert not reaches_home(client)


def test_the_right_code_opens_the_home_page(client):
    sign_in(client, LEADER)
    response = enter(client, totp_code(SECRET))
    assert response.status_code == 302 and response["Location"] == "/"
    assert reaches_home(client)


def test_the_code_leads_on_to_the_page_asked_for(client):
    target = reverse("orgs:member_list")
    assert sign_in(client, LEADER, target) == code_page(target)
    assert enter(client, totp_code(SECRET), target)["Location"] == target


def test_a_code_is_not_accepted_twice(client):
    code = totp_code(SECRET)
    sign_in(client, LEADER)
    assert enter(client, code).status_code == 302
    other = Client()
    sign_in(other, LEADER)
    assert WRONG in text(enter(other, code))


def test_a_foreign_target_is_not_followed(client):
    sign_in(client, LEADER)
    assert enter(client, totp_code(SECRET), "https://evil.example/")["Location"] == "/"


def test_an_inspector_goes_straight_in(client):
    assert sign_in(client, INSPECTOR) == reverse("home")
    assert reaches_home(client)


def test_an_inspector_who_set_up_an_app_is_asked_for_it(client, cast):
    device, _codes = two_factor_issue(user=cast["inspector"])
    assert sign_in(client, INSPECTOR) == code_page("/")
    assert not reaches_home(client)
    assert enter(client, totp_code(b32encode(device.bin_key).decode())).status_code == 302
    assert reaches_home(client)


@NO_THROTTLE  # (a wrong code makes the next try wait a second)
def test_a_backup_code_works_once(client):
    code = BACKUP_CODES[0]
    sign_in(client, LEADER)
    assert enter(client, code.upper())["Location"] == "/"
    client.post(reverse("logout"))
    sign_in(client, LEADER)
    assert WRONG in text(enter(client, code))
    assert enter(client, BACKUP_CODES[1])["Location"] == "/"


def test_wrong_codes_are_slowed_down(client):
    sign_in(client, LEADER)
    enter(client, wrong_code(SECRET))
    response = enter(client, totp_code(SECRET))  # at once: django-otp makes them wait
    assert "Hãy chờ" in text(response) and not reaches_home(client)


@NO_THROTTLE
def test_five_wrong_codes_lock_out_like_wrong_passwords(client):
    sign_in(client, LEADER)
    for _ in range(4):
        assert enter(client, wrong_code(SECRET)).status_code == 200
    locked = enter(client, wrong_code(SECRET))
    assert locked.status_code == 429 and "Tạm khóa đăng nhập" in text(locked)
    assert client.get("/")["Location"].startswith(reverse("login"))  # signed out
    again = client.post(reverse("login"), {"username": LEADER, "password": DEMO_PASSWORD})
    assert again.status_code == 429


def test_one_who_owes_the_code_may_still_log_out(client):
    sign_in(client, LEADER)
    assert client.post(reverse("logout"))["Location"] == reverse("login")
    assert client.get("/")["Location"].startswith(reverse("login"))


def test_the_set_up_page_is_no_way_around_an_existing_app(client):
    sign_in(client, LEADER)
    response = client.get(reverse("otp_enrol"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("otp_verify"))


@pytest.fixture
def new_admin(demo):
    user = user_create(username="quantri.moi", password="mot-mat-khau-moi-2024", full_name="B")
    role_assign(user=user, unit=demo.province, role=Role.SYSADMIN, starts_on=demo.reference_date)
    return user


def test_an_administrator_without_an_app_sets_one_up_first(client, new_admin):
    data = {"username": new_admin.username, "password": "mot-mat-khau-moi-2024"}
    client.post(reverse("login"), data)
    to_setup = client.get("/", follow=True)
    page = text(to_setup)
    assert to_setup.redirect_chain[-1][0].startswith(reverse("otp_enrol"))
    assert "bắt buộc" in page and "otpauth://totp/KTGS%3Aquantri.moi?secret=" in page
    secret = re.search(r'class="masked otp-secret">([A-Z2-7 ]+)<', page).group(1)
    assert re.fullmatch(r"([A-Z2-7]{4} ){7}[A-Z2-7]{4}", secret)  # 32 characters in fours
    setup = reverse("otp_enrol")
    assert "Mã không đúng" in text(client.post(setup, {"otp_token": wrong_code(secret)}))
    assert not reaches_home(client)
    assert client.post(setup, {"otp_token": totp_code(secret), "next": "/"})["Location"] == "/"
    assert reaches_home(client)
    assert AuditEvent.objects.filter(action="accounts.two_factor.enrolled").count() == 1
    client.post(reverse("logout"))
    client.post(reverse("login"), data)
    assert client.get("/")["Location"].startswith(reverse("otp_verify"))  # asked from now on


def test_the_demo_prints_a_secret_that_signs_in(client):
    out = StringIO()
    call_command("demo", "--print-logins", stdout=out)
    printed = out.getvalue()
    secret = re.search(rf"{re.escape(LEADER)}\s+khóa\s+([A-Z2-7 ]+)\n", printed).group(1)
    assert all(code in printed for code in BACKUP_CODES)
    assert "Mã 2 lớp" in printed and "xem bên dưới" in printed
    sign_in(client, LEADER)
    assert enter(client, totp_code(secret))["Location"] == "/"


def test_an_administrator_issues_and_removes_an_app_from_the_command_line(client, cast):
    out = StringIO()
    call_command("otp", INSPECTOR, "--backup", "2", stdout=out)
    secret = out.getvalue().splitlines()[1].strip()
    sign_in(client, INSPECTOR)
    assert enter(client, totp_code(secret))["Location"] == "/"
    call_command("otp", INSPECTOR, "--remove", stdout=StringIO())
    other = Client()
    assert sign_in(other, INSPECTOR) == reverse("home")  # optional for inspectors: no app, no code
    actions = AuditEvent.objects.filter(target_id=str(cast["inspector"].pk))
    assert {"accounts.two_factor.issued", "accounts.two_factor.removed"} <= set(
        actions.values_list("action", flat=True)
    )


# --- issue 10: wrong codes between right passwords, the session key, the form of address ---------


@NO_THROTTLE
def test_wrong_codes_between_right_passwords_reach_the_lockout():
    """Someone who knows the password guesses codes, signing in again before each guess: the
    right password must not wipe the count (docs/security.md: 5 failures, password or code)."""
    for attempt in range(1, 6):
        client = Client()
        sign_in(client, LEADER)
        response = enter(client, wrong_code(SECRET))
        assert response.status_code == (429 if attempt == 5 else 200), attempt
    sixth = Client()
    response = sixth.post(reverse("login"), {"username": LEADER, "password": DEMO_PASSWORD})
    assert response.status_code == 429 and "Tạm khóa đăng nhập" in text(response)
    assert enter(sixth, totp_code(SECRET)).status_code == 302  # not signed in: back to log-in
    assert not reaches_home(sixth)


@NO_THROTTLE
def test_a_complete_log_in_clears_the_failures():
    for _ in range(4):
        client = Client()
        sign_in(client, LEADER)
        enter(client, wrong_code(SECRET))
    client = Client()
    sign_in(client, LEADER)
    assert enter(client, totp_code(SECRET))["Location"] == "/"
    for attempt in range(4):  # the count starts again from zero
        other = Client()
        sign_in(other, LEADER)
        assert enter(other, wrong_code(SECRET)).status_code == 200, attempt


def test_the_session_key_is_renewed_when_the_code_is_accepted(client):
    sign_in(client, LEADER)
    before = client.session.session_key
    assert enter(client, totp_code(SECRET))["Location"] == "/"
    after = client.session.session_key
    assert before and after and before != after
    assert reaches_home(client)


def test_the_second_factor_pages_address_the_user_as_dong_chi(client, cast, new_admin):
    """Every page and message of the second factor says "đồng chí", never "bạn"."""
    client.force_login(new_admin)  # required, no app yet: the set-up page says "bắt buộc"
    pages = [text(client.get(reverse("otp_enrol")))]
    optional = Client()
    optional.force_login(cast["inspector"])
    pages.append(text(optional.get(reverse("otp_enrol"))))
    leader = Client()
    sign_in(leader, LEADER)
    enter(leader, wrong_code(SECRET))
    pages.append(text(enter(leader, totp_code(SECRET))))  # throttled: "Hãy chờ … giây"
    with NO_THROTTLE:
        for _ in range(4):
            locked = enter(leader, wrong_code(SECRET))
    pages.append(text(locked))
    assert "Hãy chờ" in pages[2] and "Tạm khóa đăng nhập" in pages[3]
    for page in pages:
        assert not re.search(r"\bbạn\b", page, re.I), page
    assert all("đồng chí" in page.lower() for page in pages[:3])
