"""Lockout after repeated failures (django-axes) and the password rules, as a user meets them."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ValidationError
from django.db.models import F
from django.test import Client, override_settings
from django.urls import reverse

from config import settings as project_settings
from ktgs.accounts.services import user_create
from ktgs.demo.builder import DEMO_PASSWORD

pytestmark = pytest.mark.django_db

LOCKED = "Tạm khóa đăng nhập"
HERE, ELSEWHERE = "10.1.1.1", "10.2.2.2"


def sign_in(client: Client, username: str, password: str = DEMO_PASSWORD, ip: str = HERE):
    data = {"username": username, "password": password}
    return client.post(reverse("login"), data, REMOTE_ADDR=ip)


def fail(client: Client, username: str, times: int, ip: str = HERE) -> list[int]:
    """`times` wrong passwords; their status codes."""
    return [sign_in(client, username, f"sai-mat-khau-{i}", ip).status_code for i in range(times)]


def text(response) -> str:
    """The page's HTML with runs of white space made one space (as a reader sees it)."""
    return " ".join(response.content.decode().split())


def age_attempts(username: str, minutes: int) -> None:
    """As if the failures of `username` had happened `minutes` (and a second) earlier."""
    AccessAttempt.objects.filter(username=username).update(
        attempt_time=F("attempt_time") - timedelta(minutes=minutes, seconds=1)
    )


@pytest.fixture
def officer(cast):
    return cast["inspector"]


def test_the_fifth_wrong_password_locks_with_a_vietnamese_page(client, officer):
    assert fail(client, officer.username, 4) == [200] * 4
    fifth = sign_in(client, officer.username, "van-sai-mat-khau")
    assert fifth.status_code == 429
    html = text(fifth)
    assert LOCKED in html and "sai 5 lần" in html and "15 phút" in html


def test_a_locked_out_user_with_the_right_password_is_still_refused(client, officer):
    fail(client, officer.username, 5)
    response = sign_in(client, officer.username, DEMO_PASSWORD)
    assert response.status_code == 429
    assert LOCKED in text(response) and "kể cả mật khẩu đúng" in text(response)
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("home"))["Location"].startswith(reverse("login"))


def test_the_same_username_from_another_ip_is_not_locked(client, officer):
    fail(client, officer.username, 5, ip=HERE)
    response = sign_in(Client(), officer.username, ip=ELSEWHERE)
    assert response.status_code == 302 and response["Location"] == reverse("home")


def test_another_username_from_the_same_ip_is_not_locked(client, cast, officer):
    fail(client, officer.username, 5)
    response = sign_in(Client(), cast["grassroots_officer"].username)
    assert response.status_code == 302 and response["Location"] == reverse("home")


def test_after_15_minutes_the_right_password_works_again(client, officer):
    fail(client, officer.username, 5)
    age_attempts(officer.username, 14)
    assert sign_in(client, officer.username).status_code == 429  # 14 minutes: still locked
    age_attempts(officer.username, 1)
    response = sign_in(client, officer.username)
    assert response.status_code == 302 and response["Location"] == reverse("home")


def test_a_successful_log_in_clears_the_failures(client, officer):
    fail(client, officer.username, 4)
    assert sign_in(client, officer.username).status_code == 302
    client.post(reverse("logout"))
    assert fail(client, officer.username, 4) == [200] * 4
    assert sign_in(client, officer.username).status_code == 302


def test_the_wrong_password_is_not_stored_in_the_failure_record(client, officer):
    fail(client, officer.username, 1)
    attempt = AccessAttempt.objects.get(username=officer.username)
    assert attempt.ip_address == HERE and attempt.failures_since_start == 1
    assert "sai-mat-khau-0" not in attempt.post_data


# --- passwords -----------------------------------------------------------------------------


def test_passwords_are_hashed_with_argon2():
    """(The tests themselves hash with MD5 for speed, see conftest.py.)"""
    with override_settings(PASSWORD_HASHERS=project_settings.PASSWORD_HASHERS):
        hashed = make_password("mot cau mat khau dai")
        assert check_password("mot cau mat khau dai", hashed)
    assert hashed.startswith("argon2$argon2id$")


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("ngan9chu!", "cần ít nhất 10 ký tự"),  # 9 characters
        ("qwertyuiop", "quá phổ biến"),
        ("password123", "quá phổ biến"),
        ("4759202330", "hoàn toàn là số"),
        ("hung.nguyenvan", "quá giống với Tên đăng nhập"),
        ("nguyễn văn hùng 1", "quá giống với họ và tên"),
    ],
)
def test_weak_passwords_are_refused_in_vietnamese(password, message):
    with pytest.raises(ValidationError) as refused:
        user_create(username="nguyenvanhung", password=password, full_name="Nguyễn Văn Hùng")
    assert any(message in text for text in refused.value.message_dict["password"])


def test_ten_characters_are_enough():
    user = user_create(username="nguyenvanhung", password="tr4ng-k3m-x", full_name="Hùng")
    assert user.check_password("tr4ng-k3m-x")


def test_a_long_passphrase_is_accepted_and_signs_in(client, demo):
    passphrase = "Chi bộ sinh hoạt định kỳ vào ngày mùng năm hằng tháng, " * 20  # ~1.100 ký tự
    user = user_create(username="nguoidung.dai", password=passphrase, full_name="Trần Thị B")
    response = sign_in(client, user.username, passphrase)
    assert response.status_code == 302 and response["Location"] == reverse("home")
