"""The layout at the widths people use: a 1366 px laptop screen gets the whole main menu on one
line (issue 18). Screenshots are kept with the CI artefacts."""

import pytest
from playwright.sync_api import Page

from tests.browser.test_journey import sign_in

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("viewport", [{"width": 1366, "height": 768}])
def test_the_main_menu_is_one_line_at_1366_px(page: Page, live_app: str, demo_password, shot):
    page.goto("/")  # → the log-in page
    sign_in(page, demo_password)
    page.goto("/")
    items = page.locator("nav.main-nav li")
    assert items.count() >= 10  # the inspector's menu: every section but administration
    tops = page.eval_on_selector_all(
        "nav.main-nav li", "els => els.map(e => Math.round(e.getBoundingClientRect().top))"
    )
    shot("menu-1366")
    assert len(set(tops)) == 1, f"the menu wraps: item tops {tops}"
