"""Signing in and out, as a user meets it."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

PASSWORD = "mat-khau-thu-nghiem-2024"


@pytest.fixture
def officer(cast):
    user = cast["inspector"]
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    return user


def test_login_page_is_vietnamese(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="vi">' in html
    assert "Đăng nhập" in html
    assert 'name="username"' in html and 'name="password"' in html
    assert "Tên đăng nhập" in html and "Mật khẩu" in html


def test_wrong_password_shows_vietnamese_error(client, officer):
    response = client.post(reverse("login"), {"username": officer.username, "password": "sai"})
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_empty_fields_say_what_is_missing(client):
    response = client.post(reverse("login"), {"username": "", "password": ""})
    html = response.content.decode()
    assert "Hãy nhập tên đăng nhập." in html
    assert "Hãy nhập mật khẩu." in html


def test_right_password_leads_to_home(client, officer):
    response = client.post(reverse("login"), {"username": officer.username, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_login_returns_to_the_page_asked_for(client, officer):
    target = reverse("orgs:member_list")
    response = client.post(
        reverse("login") + f"?next={target}",
        {"username": officer.username, "password": PASSWORD, "next": target},
    )
    assert response["Location"] == target


def test_logout_is_a_post_from_the_header(client_as):
    client = client_as("inspector")
    home = client.get(reverse("home")).content.decode()
    assert f'action="{reverse("logout")}"' in home and "Đăng xuất" in home
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert client.get(reverse("home")).status_code == 302
