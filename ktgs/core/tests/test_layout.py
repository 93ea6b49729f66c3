"""The base layout and the home page, as a signed-in (or not) user sees them."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

pytestmark = pytest.mark.django_db

COMING: list[str] = []  # areas shown greyed as "sắp có" (none since the letters, issue 16)


def test_home_shows_the_bloc_at_a_glance(client_as):
    html = client_as("ubkt_leader").get(reverse("home")).content.decode()
    sentence = re.sub(r"\s+", " ", html)
    assert (
        "hiện có 72 TCCSĐ, trong đó 44 đảng bộ cơ sở với 288 chi bộ trực thuộc và 28 chi bộ "
        "cơ sở, với 4.759 đảng viên (" in sentence
    )
    for figure in ("72", "44", "288", "28", "4.759"):
        assert f">{figure}<" in html, figure  # also as a card


def test_home_counts_full_and_probationary_members(client_as):
    html = re.sub(r"\s+", " ", client_as("ubkt_leader").get(reverse("home")).content.decode())
    match = re.search(r"4\.759 đảng viên \(([\d.]+) chính thức, ([\d.]+) dự bị\)", html)
    assert match, "the sentence gives full and probationary members"
    full, probationary = (int(x.replace(".", "")) for x in match.groups())
    assert full + probationary == 4759


def test_grassroots_officer_sees_only_their_organisation(client_as):
    html = client_as("grassroots_officer").get(reverse("home")).content.decode()
    assert "72 TCCSĐ" not in html
    assert "4.759" not in html
    assert "chi bộ trực thuộc" in html


def test_user_without_a_role_is_told_there_is_no_data(client):
    user = get_user_model().objects.create_user(username="chua-phan-cong", password="x" * 12)
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "chưa được phân công" in response.content.decode()


@pytest.mark.parametrize("url", ["/", "/to-chuc/", "/dang-vien/", "/dang-vien/moi/"])
def test_anonymous_is_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")


def test_navigation_links_and_coming_areas(client_as):
    html = client_as("inspector").get(reverse("home")).content.decode()
    assert f'href="{reverse("orgs:tree")}"' in html
    assert f'href="{reverse("orgs:member_list")}"' in html
    assert f'href="{reverse("inspections:list")}"' in html
    assert f'href="{reverse("reports:index")}">Báo cáo</a>' in html  # whoever sees figures
    assert f'href="{reverse("letters:list")}">Đơn thư</a>' in html
    assert html.count("<small>sắp có</small>") == len(COMING)
    for area in COMING:
        item = re.search(rf"<(\w+)[^>]*>{area} <small>sắp có</small>", html)
        assert item, area
        assert item.group(1) != "a", f"{area} is not a link yet"
        assert 'aria-disabled="true"' in item.group(0)


@pytest.mark.parametrize(
    ("role", "members", "audit"),
    [
        ("inspector", True, False),
        ("ubkt_leader", True, True),
        ("sysadmin", False, True),  # sees figures and the log, never a member's file
        ("grassroots_officer", True, False),
    ],
)
def test_navigation_offers_only_what_the_role_opens(client_as, role, members, audit):
    html = client_as(role).get(reverse("home")).content.decode()
    assert (f'href="{reverse("orgs:member_list")}"' in html) is members
    assert (f'href="{reverse("audit:search")}"' in html) is audit
    assert (f'href="{reverse("inspections:list")}"' in html) is members


def test_navigation_is_hidden_while_the_second_factor_is_owed(cast):
    from django.test import Client

    client = Client()
    client.force_login(cast["ubkt_leader"])  # password given, code not yet
    response = client.get(reverse("otp_verify"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="main-nav"' not in html
    assert f'href="{reverse("orgs:tree")}"' not in html


def test_header_shows_who_is_signed_in(client_as, cast):
    html = client_as("inspector").get(reverse("home")).content.decode()
    assert str(cast["inspector"]) in html


def test_pages_load_nothing_from_outside(client_as, client):
    signed_in = client_as("inspector")
    pages = [signed_in.get(url) for url in ("/", "/to-chuc/", "/dang-vien/")]
    for response in [*pages, client.get(reverse("login"))]:
        html = response.content.decode()
        url = response.request["PATH_INFO"]
        assert not re.search(r'(src|href)="(https?:)?//', html), url
        assert "htmx" in html  # served by django-htmx from our own static files


def test_viewport_and_stylesheet(client_as):
    html = client_as("inspector").get(reverse("home")).content.decode()
    assert 'name="viewport"' in html
    assert "ktgs/app.css" in html
