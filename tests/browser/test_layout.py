"""The layout at the widths people use: a 1366 px laptop screen gets the whole main menu on one
line (issue 18), for the role with the longest menu (the UBKT leader: every section and the log).
Screenshots are kept with the CI artefacts."""

import re

import pytest
from playwright.sync_api import Page, expect

from ktgs.demo.builder import DEMO_SECOND_FACTOR

pytestmark = pytest.mark.browser

LEADER = "lanhdao.ubkt"


def sign_in_leader(page: Page, password: str) -> None:
    """With a printed backup code (each is used once: this file takes the second-last; the
    discipline journey takes the last)."""
    page.goto("/dang-nhap/")
    page.locator("input[name='username']").fill(LEADER)
    page.locator("input[name='password']").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(re.compile(r"/dang-nhap/ma-xac-thuc/"))
    _secret, backup_codes = DEMO_SECOND_FACTOR[LEADER]
    page.locator("input[name='otp_token']").fill(backup_codes[-2])
    page.get_by_role("button", name="Xác nhận").click()
    expect(page).not_to_have_url(re.compile(r"/dang-nhap/"))


@pytest.mark.parametrize("viewport", [{"width": 1366, "height": 768}])
def test_the_main_menu_is_one_line_at_1366_px(page: Page, live_app: str, demo_password, shot):
    sign_in_leader(page, demo_password)
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
