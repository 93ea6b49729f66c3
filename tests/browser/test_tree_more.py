"""A wide node of the tree comes in chunks (issue 19): «Xem thêm» fetches the next chunk by htmx
in its place, in a real Chromium, until the node's children are all shown, none twice; the
keyboard's focus moves to the first row each chunk brings."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_journey import sign_in, tree_node

pytestmark = pytest.mark.browser

BLOC = "Đảng bộ Khối Cơ quan và Doanh nghiệp tỉnh"


def test_xem_them_loads_the_rest_of_a_wide_node(page: Page, demo_password, shot):
    page.goto("/dang-nhap/")
    sign_in(page, demo_password)
    page.goto("/to-chuc/")
    bloc = tree_node(page, BLOC)
    rows = bloc.locator("xpath=./details/ul/li[contains(@class, 'tree-node')]")
    more = bloc.locator("xpath=./details/ul/li[contains(@class, 'tree-more')]/a")
    expect(rows).to_have_count(30)  # KTGS_TREE_CHUNK in tests/browser/conftest.py
    expect(more).to_have_count(1)
    shown = 30
    while more.count():
        more.focus()  # from the keyboard: Enter on the link
        with page.expect_response(re.compile(r"/to-chuc/cay/\d+/\?sau=\d+")) as loaded:
            page.keyboard.press("Enter")
        assert loaded.value.status == 200
        expect(rows).not_to_have_count(shown)
        # the focus is on the first row brought, not lost with the link (tree.js)
        first_new = rows.nth(shown).locator("xpath=./div/span/a[contains(@class, 'tree-name')]")
        expect(first_new).to_be_focused()
        shown = rows.count()
        assert shown <= 200, "the chunks end"
    names = rows.locator("xpath=./div/span/a[contains(@class, 'tree-name')]").all_inner_texts()
    assert len(names) == shown > 60
    hrefs = rows.locator("xpath=./div/span/a[contains(@class, 'tree-name')]").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    assert len(set(hrefs)) == len(hrefs)  # none twice
    assert page.url.endswith("/to-chuc/")  # htmx swapped in place: no navigation
    shot("tree-more")
