"""The layout at the widths people use (issue 18), on the pages of the accessibility check
(tests/browser/pages.py: the UBKT leader's, whose menu is the longest, and the administrator's):
on a 390 px phone the page itself never scrolls sideways. (A 1366 px laptop screen gets the
whole main menu on one line: checked by test_accessibility.py's crawl, at that width.)
Screenshots of every page at both widths are kept with the CI artefacts
(test-artifacts/test_*-NN-<width>-<page>.png)."""

import pytest
from playwright.sync_api import Page

from tests.browser.pages import each_page, shot_name

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("viewport", [{"width": 390, "height": 844}])
def test_nothing_scrolls_sideways_on_a_phone(page: Page, live_app: str, demo_password, shot):
    """At 390 px the page itself never scrolls sideways: a wide table scrolls inside its own
    container (.table-wrap), the rest wraps."""
    wide, squeezed, seen = [], [], []
    for url in each_page(page, demo_password, -3, -10):
        seen.append(url)
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        shot(shot_name(390, url))
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
    assert len(seen) >= 25, seen
    assert not wide, f"pages wider than the phone (url, px): {wide}"
    assert not squeezed, f"tables squeezed to a word per line (url, cell widths in px): {squeezed}"
