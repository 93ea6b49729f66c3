"""The layout at the widths people use: a 1366 px laptop screen gets the whole main menu on one
line (issue 18), for the role with the longest menu (the UBKT leader: every section and the log).
Screenshots are kept with the CI artefacts."""

import re

import pytest
from playwright.sync_api import Page, expect

from ktgs.demo.builder import DEMO_SECOND_FACTOR

pytestmark = pytest.mark.browser

LEADER = "lanhdao.ubkt"


def sign_in_leader(page: Page, password: str, code: int) -> None:
    """With a printed backup code: each is used once — the discipline journey takes the last
    (-1), the tests here -2 and -3."""
    page.goto("/dang-nhap/")
    page.locator("input[name='username']").fill(LEADER)
    page.locator("input[name='password']").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(re.compile(r"/dang-nhap/ma-xac-thuc/"))
    _secret, backup_codes = DEMO_SECOND_FACTOR[LEADER]
    page.locator("input[name='otp_token']").fill(backup_codes[code])
    page.get_by_role("button", name="Xác nhận").click()
    expect(page).not_to_have_url(re.compile(r"/dang-nhap/"))


@pytest.mark.parametrize("viewport", [{"width": 1366, "height": 768}])
def test_the_main_menu_is_one_line_at_1366_px(page: Page, live_app: str, demo_password, shot):
    sign_in_leader(page, demo_password, -2)
    page.goto("/")
    items = page.locator("nav.main-nav li")
    expect(items.filter(has_text="Nhật ký")).to_have_count(1)  # the longest menu
    assert items.count() >= 12
    tops = page.eval_on_selector_all(
        "nav.main-nav li", "els => els.map(e => Math.round(e.getBoundingClientRect().top))"
    )
    widths = page.eval_on_selector_all(
        "nav.main-nav li", "els => els.map(e => Math.round(e.getBoundingClientRect().width))"
    )
    shot("menu-1366")
    assert len(set(tops)) == 1, f"the menu wraps: item tops {tops}, widths {widths}"


PHONE_PAGES = (
    "/",
    "/to-chuc/",
    "/dang-vien/",
    "/kiem-tra/",
    "/ky-luat/",
    "/ky-luat/vu-viec/",
    "/ky-luat/so-lieu/",
    "/so-lieu/kiem-tra-giam-sat/",
    "/bao-cao/",
    "/quy-tac/",
    "/don-thu/",
    "/du-lieu/nhap/",
)


@pytest.mark.parametrize("viewport", [{"width": 390, "height": 844}])
def test_nothing_scrolls_sideways_on_a_phone(page: Page, live_app: str, demo_password, shot):
    """At 390 px the page itself never scrolls sideways: a wide table scrolls inside its own
    container (.table-wrap), the rest wraps."""
    sign_in_leader(page, demo_password, -3)
    wide, squeezed = [], []
    page.goto("/dang-vien/")
    member = page.locator("main table tbody tr td:first-child a").first.get_attribute("href")
    page.goto("/to-chuc/")
    top = page.locator("main a[href^='/to-chuc/']:not([href$='/moi/'])").first.get_attribute("href")
    report = "/bao-cao/" + top.rstrip("/").rsplit("/", 1)[-1] + "/"
    for url in (*PHONE_PAGES, member, report):
        response = page.goto(url)
        assert response is not None and response.status == 200, url
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        shot("phone-" + (url.strip("/").replace("/", "-") or "home"))
        if overflow > 0:
            wide.append((url, overflow))
        # a table squeezed into the phone shows a word per line: cells holding several words
        # narrower than a few words' width
        narrow = page.evaluate(
            """() => [...document.querySelectorAll('main table tbody tr:first-child')]
                .flatMap(r => [...r.children])
                .filter(c => c.innerText.trim().includes(' '))
                .map(c => Math.round(c.getBoundingClientRect().width))
                .filter(w => w < 90)"""
        )
        if narrow:
            squeezed.append((url, narrow))
    assert not wide, f"pages wider than the phone (url, px): {wide}"
    assert not squeezed, f"tables squeezed to a word per line (url, cell widths in px): {squeezed}"
