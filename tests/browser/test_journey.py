"""The issue's "Done when", walked through in a real browser on the demo bloc.

Sign in as the demo inspector, read the bloc's figures on the home page, open the organisation
tree (the bloc, the inspector's root, comes open; one of its đảng bộ cơ sở is expanded, which
loads its chi bộ through htmx), search members without diacritics, open a member. Then the home
page on a tablet, and the UBKT leader's two-step log-in (password, then the 6-digit code their
authenticator app would show for the secret `ktgs demo` prints). Screenshots of every step:
test-artifacts/test_*.png.
"""

import re
import time

import pytest
from playwright.sync_api import Locator, Page, expect

from ktgs.accounts.tests.totp import totp_code
from ktgs.core.vietnamese import fold
from ktgs.demo.builder import DEMO_SECOND_FACTOR

pytestmark = pytest.mark.browser

DEMO_USER = "kiemtravien"  # the demo bloc's inspector (kiểm tra viên)
BLOC = "Đảng bộ Khối Cơ quan và Doanh nghiệp tỉnh"
# The demo bloc: 72 grassroots organisations, 288 cells under them, 4.759 members.
BLOC_FIGURES = ("72", "288", "4.759")
MEMBER_LINKS = "main table tbody tr td:first-child a"  # the name column of the member table


def shows_number(text: str, number: str) -> bool:
    """True when `number` appears in `text` as a whole number ("72" is not in "172" or "7.200")."""
    return re.search(rf"(?<![\d.,]){re.escape(number)}(?![\d]|[.,]\d)", text) is not None


def enter_password(page: Page, username: str, password: str) -> None:
    page.locator("input[name='username']").fill(username)
    page.locator("input[name='password']").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()


def sign_in(page: Page, password: str) -> None:
    enter_password(page, DEMO_USER, password)
    expect(page).not_to_have_url(re.compile(r"/dang-nhap/"))


def tree_node(page: Page, name: str) -> Locator:
    """The tree's list item whose own row names the unit `name`."""
    link = page.locator("main").get_by_role("link", name=name, exact=True).first
    return link.locator("xpath=ancestor::li[1]")


def expand(node: Locator) -> None:
    """Open a tree node (a <details> in the item), if closed, by clicking its ▸ at the left of
    the row: clicking the name would follow its link."""
    details = node.locator("xpath=./details")
    if details.get_attribute("open") is None:
        details.locator("xpath=./summary").click(position={"x": 12, "y": 12})
    expect(details).to_have_attribute("open", "")


def children_of(node: Locator) -> Locator:
    """The links naming the units listed (and shown) inside an open node."""
    return node.get_by_role("listitem").get_by_role("link").filter(visible=True)


def member_names(page: Page) -> list[str]:
    """The names in the member table: the links in its first column."""
    links = page.locator(MEMBER_LINKS)
    return [name.strip() for name in links.all_inner_texts()]


def test_journey(page: Page, live_app: str, demo_password: str, shot) -> None:
    # The site sends a stranger to the login page.
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/dang-nhap/"))
    expect(page.locator("input[name='username']")).to_be_visible()
    shot("login")

    sign_in(page, demo_password)
    expect(page).to_have_url(f"{live_app}/")
    main = page.locator("main")
    expect(main).to_contain_text(BLOC)
    text = main.inner_text()
    for figure in BLOC_FIGURES:
        assert shows_number(text, figure), f"the home page does not show {figure}:\n{text}"
    shot("home")

    # The organisation tree: the bloc's grassroots organisations, then (htmx) one's cells.
    nav = page.get_by_role("navigation", name="Chức năng chính")
    nav.get_by_role("link", name="Tổ chức", exact=True).click()
    expect(page).to_have_url(f"{live_app}/to-chuc/")
    shot("tree")
    bloc = tree_node(page, BLOC)
    expand(bloc)
    children = children_of(bloc)
    expect(children.first).to_be_visible()
    child_names = children.all_inner_texts()
    base_committees = [name for name in child_names if name.startswith("Đảng bộ")]
    assert base_committees, f"no đảng bộ cơ sở under the bloc: {child_names}"
    shot("tree-bloc")

    committee = tree_node(page, base_committees[0])
    expand(committee)
    cells = children_of(committee)
    expect(cells.first).to_be_visible()  # loaded by htmx when the node opens
    cell_names = cells.all_inner_texts()
    assert cell_names and all(name.startswith("Chi bộ") for name in cell_names), cell_names
    shot("tree-committee")

    # Members: search without diacritics.
    nav.get_by_role("link", name="Đảng viên", exact=True).click()
    expect(page).to_have_url(re.compile(r"/dang-vien/"))
    search = page.locator("input[name='q']")
    search.fill("nguyen van")
    search.press("Enter")
    expect(page).to_have_url(re.compile(r"/dang-vien/\?(.*&)?q=nguyen(\+|%20)van"))
    expect(page.locator("main table tbody tr").first).to_be_visible()
    names = member_names(page)
    assert names, "no member found for 'nguyen van'"
    assert any(name.startswith("Nguyễn Văn") for name in names), names
    assert all("nguyen van" in fold(name) for name in names), names
    shot("member-search")

    first = page.locator(MEMBER_LINKS).first
    name, href = names[0], first.get_attribute("href")
    first.click()
    expect(page).to_have_url(f"{live_app}{href}")
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    shot("member")


@pytest.mark.parametrize("viewport", [{"width": 768, "height": 1024}], ids=["tablet"])
def test_home_on_tablet(page: Page, live_app: str, demo_password: str, shot) -> None:
    page.goto("/dang-nhap/")
    sign_in(page, demo_password)
    expect(page).to_have_url(f"{live_app}/")
    nav = page.get_by_role("navigation", name="Chức năng chính")
    expect(nav).to_be_visible()
    for label in ("Tổng quan", "Tổ chức", "Đảng viên"):
        expect(nav.get_by_role("link", name=label, exact=True)).to_be_visible()
    expect(page.locator("main")).to_contain_text(BLOC)
    shot("home")
    scroll_width, inner_width = page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert scroll_width <= inner_width, f"horizontal overflow: {scroll_width}px > {inner_width}px"


CODE_PAGE = re.compile(r"/dang-nhap/ma-xac-thuc/")


def test_ubkt_leader_signs_in_with_a_code(page: Page, live_app: str, demo_password: str, shot):
    leader = "lanhdao.ubkt"
    secret, _backup_codes = DEMO_SECOND_FACTOR[leader]
    page.goto("/dang-vien/")
    enter_password(page, leader, demo_password)
    expect(page).to_have_url(CODE_PAGE)
    expect(page.get_by_role("heading", level=1)).to_have_text("Xác thực hai lớp")
    shot("code-page")

    page.goto("/to-chuc/")  # nothing opens before the code
    expect(page).to_have_url(CODE_PAGE)
    code = page.locator("input[name='otp_token']")
    near = {totp_code(secret, time.time() + 30 * step) for step in (-1, 0, 1, 2)}
    code.fill(next(wrong for wrong in ("000000", "111111", "222222") if wrong not in near))
    page.get_by_role("button", name="Xác nhận").click()
    expect(page.locator(".form-errors")).to_contain_text("Mã xác thực không đúng")
    shot("wrong-code")

    page.wait_for_timeout(1500)  # django-otp makes the next try wait a second after a wrong code
    code.fill(totp_code(secret))
    page.get_by_role("button", name="Xác nhận").click()
    expect(page).to_have_url(f"{live_app}/to-chuc/")
    expect(page.locator("main")).to_contain_text(BLOC)
    shot("signed-in")
