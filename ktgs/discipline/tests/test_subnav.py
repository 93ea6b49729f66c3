"""Every page of the discipline section is reachable from each of its list pages (issue 18)."""

import re

import pytest
from django.urls import reverse

PAGES = {
    "discipline:list": "Quyết định kỷ luật",
    "cases:list": "Vụ việc",
    "discipline:appeals": "Khiếu nại kỷ luật",
    "suspensions:list": "Đình chỉ",
    "suspensions:strike_off": "Xóa tên",
    "discipline:figures": "Số liệu kỷ luật",
}


def _subnav(html: str) -> str:
    found = re.search(r'<nav class="subnav".*?</nav>', html, re.S)
    assert found, "no section navigation"
    return found.group(0)


@pytest.mark.parametrize("page", [p for p in PAGES if p != "suspensions:strike_off"])
def test_each_list_page_links_every_discipline_page(client_as, page):
    response = client_as("inspector").get(reverse(page))
    assert response.status_code == 200
    nav = _subnav(response.content.decode())
    for name, label in PAGES.items():
        assert f'href="{reverse(name)}"' in nav, (page, name)
        assert label in nav
    current = re.findall(r'<a href="([^"]+)" aria-current="page">', nav)
    assert current == [reverse(page)]


def test_a_read_only_role_is_not_offered_the_strike_off_form(client_as):
    nav = _subnav(client_as("committee_leader").get(reverse("discipline:list")).content.decode())
    assert reverse("suspensions:strike_off") not in nav
    assert reverse("cases:list") in nav
