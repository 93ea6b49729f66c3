"""Issue 18: axe-core finds no serious or critical violation (nor content outside the
landmarks) on the pages people use every day, as the UBKT leader sees them (the home page, the
tree, members, an inspection and its forms, a case and its decision, the figures, the rules, the
import page, the letters) and as the system administrator sees the administration pages. The
pages are listed in tests/browser/pages.py, shared with test_layout.py.

The same crawl, on a 1366 px laptop screen, checks that the whole main menu is one line and
keeps a screenshot of every page (test-artifacts/test_*-NN-1366-<page>.png); test_layout.py
checks the phone's width.

axe-core is the npm package's build (requirements/npm.txt, fetched without node by
scripts/npm_fetch.py), run through axe-playwright-python: docs/decisions/0010."""

import pytest
from playwright.sync_api import Page

from tests.browser.axe import ROOT, axe
from tests.browser.pages import each_page, shot_name

pytestmark = pytest.mark.browser

SERIOUS = ("serious", "critical")
# moderate, asserted too: content outside the landmarks (header, nav, main, footer) is markup
# that broke, as when a template block swallowed a section (the users page, issue 18)
ALSO = ("region",)
# the backup codes this test signs in with (the leader's: -1 the discipline journey, -3
# test_layout, -6 the corrections journey, -8 here; the administrator's: -8 here, -10
# test_layout)
LEADER_CODE = ADMIN_CODE = -8
PINNED = next(
    line.split()[1]
    for line in (ROOT / "requirements" / "npm.txt").read_text().splitlines()
    if line.startswith("axe-core ")
)


@pytest.mark.parametrize("viewport", [{"width": 1366, "height": 768}])
def test_no_serious_accessibility_violation_and_the_menu_on_one_line_at_1366_px(
    page: Page, live_app: str, demo_password: str, shot
):
    engine = axe()
    found, seen, engines, wrapped = [], [], set(), []
    for url in each_page(page, demo_password, LEADER_CODE, ADMIN_CODE):
        seen.append(url)
        tops = page.eval_on_selector_all(
            "nav.main-nav li", "els => els.map(e => Math.round(e.getBoundingClientRect().top))"
        )
        if len(tops) < 2 or len(set(tops)) != 1:
            wrapped.append((url, tops))
        if url == "/":  # the leader's menu, the longest: every section and the log
            assert len(tops) >= 12, tops
        shot(shot_name(1366, url))
        response = engine.run(page).response
        engines.add(response["testEngine"]["version"])
        if "<" in page.title():
            found.append(f"{url}  the title holds markup: {page.title()[:60]!r}")
        for violation in response["violations"]:
            if violation["impact"] in SERIOUS or violation["id"] in ALSO:
                targets = [" ".join(map(str, n["target"])) for n in violation["nodes"]]
                found.append(f"{url}  {violation['id']} ({violation['impact']}): {targets[:5]}")
    assert len(seen) >= 25, seen  # the leader's and the administrator's pages were all reached
    # the engine that ran is the pinned npm package's (requirements/npm.txt), not an older copy
    assert engines == {PINNED}, f"axe-core {engines} ran, requirements/npm.txt pins {PINNED}"
    assert not found, "axe-core (serious, critical; region) and page titles:\n" + "\n".join(found)
    assert not wrapped, f"the menu is not one line (url, item tops): {wrapped}"
