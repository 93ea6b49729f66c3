"""The Content Security Policy in a real Chromium: the pages load with no violation, htmx still
opens a tree node under it, and an injected inline script is really blocked (so "no violation"
is not silence from a page that has no policy)."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_journey import children_of, expand, sign_in, tree_node

pytestmark = pytest.mark.browser

BLOC = "Đảng bộ Khối Cơ quan và Doanh nghiệp tỉnh"
# Runs in every document before its own scripts; Playwright's scripts are not subject to CSP.
RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"}`);
});
"""


class Watch:
    """CSP violations, console errors and uncaught page errors seen in a page."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.console: list[str] = []
        self.errors: list[str] = []
        page.add_init_script(RECORD_VIOLATIONS)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _console(self, message) -> None:
        url = message.location.get("url", "")
        if url.endswith("/favicon.ico"):  # the browser's own request: the app has no icon yet
            return
        if message.type in ("error", "warning"):
            self.console.append(f"{message.type}: {message.text} ({url})")

    def violations(self) -> list[str]:
        return self.page.evaluate("window.__csp || []")

    def assert_clean(self, where: str) -> None:
        assert self.violations() == [], where
        assert self.console == [], where
        assert self.errors == [], where


@pytest.fixture
def watch(page: Page) -> Watch:
    return Watch(page)


def test_pages_load_without_csp_violations(page: Page, watch: Watch, demo_password, shot):
    page.goto("/dang-nhap/")
    watch.assert_clean("login page")
    response = page.request.get("/dang-nhap/")
    assert "script-src 'self'" in response.headers["content-security-policy"]

    sign_in(page, demo_password)
    watch.assert_clean("home")
    page.get_by_role("navigation", name="Chức năng chính").get_by_role(
        "link", name="Đảng viên", exact=True
    ).click()
    expect(page).to_have_url(re.compile(r"/dang-vien/$"))
    watch.assert_clean("member list")
    page.locator("main table tbody tr td:first-child a").first.click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    watch.assert_clean("member page")
    page.locator("main a[href^='/to-chuc/']").first.click()
    expect(page).to_have_url(re.compile(r"/to-chuc/[^/]+/$"))
    watch.assert_clean("unit page")
    shot("unit")


def test_htmx_opens_a_tree_node_under_the_policy(page: Page, watch: Watch, demo_password, shot):
    page.goto("/dang-nhap/")
    sign_in(page, demo_password)
    page.goto("/to-chuc/")
    bloc = tree_node(page, BLOC)
    expand(bloc)
    committees = [n for n in children_of(bloc).all_inner_texts() if n.startswith("Đảng bộ")]
    assert committees, "the bloc lists its đảng bộ cơ sở"
    committee = tree_node(page, committees[0])
    with page.expect_response(re.compile(r"/to-chuc/cay/\d+/$")) as loaded:
        expand(committee)
    assert loaded.value.status == 200
    cells = children_of(committee)
    expect(cells.first).to_be_visible()  # swapped in by htmx
    assert all(name.startswith("Chi bộ") for name in cells.all_inner_texts())
    watch.assert_clean("tree with a node opened through htmx")
    shot("tree-opened")


def test_an_injected_inline_script_is_blocked(page: Page, watch: Watch, demo_password):
    """What an XSS would try: the browser refuses to run it and reports the violation."""
    page.goto("/dang-nhap/")
    sign_in(page, demo_password)
    page.evaluate(
        """() => {
          const s = document.createElement("script");
          s.textContent = "window.__pwned = true";
          document.body.appendChild(s);
          const d = document.createElement("div");
          d.innerHTML = '<img src="data:," onerror="window.__pwned = true">';
          document.body.appendChild(d);
        }"""
    )
    page.wait_for_function("window.__csp.length >= 2")
    assert page.evaluate("window.__pwned === undefined")
    blocked = watch.violations()
    assert any(v.startswith("script-src-elem blocked inline") for v in blocked), blocked
    assert any(v.startswith("script-src-attr blocked inline") for v in blocked), blocked
