"""The pages issue 18 checks in a browser (accessibility, the menu at 1366 px, nothing sideways at
390 px), and the sign-ins of the two roles that see them: the UBKT leader (every section) and the
system administrator (the administration pages).

Records are found through the pages themselves (the first row of a list, a link on a record's
page), never by a demo code, so the lists follow the demo as it changes."""

import re
from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

from playwright.sync_api import Page, expect

from ktgs.demo.builder import DEMO_SECOND_FACTOR

LEADER = "lanhdao.ubkt"
ADMIN = "quantri"

# pages reached by their own address
LEADER_FIXED = (
    "/",
    "/to-chuc/",
    "/dang-vien/",
    "/kiem-tra/",
    "/kiem-tra/them/",
    "/ky-luat/",
    "/ky-luat/vu-viec/",
    "/so-lieu/kiem-tra-giam-sat/",
    "/ky-luat/so-lieu/",
    "/bao-cao/",
    "/quy-tac/",
    "/du-lieu/nhap/",
    "/don-thu/",
    "/don-thu/them/",
    "/don-thu/han/",
)
ADMIN_FIXED = ("/quan-tri/", "/quan-tri/moi/", "/quan-tri/to-chuc/", "/quan-tri/so-doc/")


def sign_in(page: Page, username: str, password: str, backup_code: str) -> None:
    """Password, then a printed backup code (each is taken once per app: the caller says which).
    A fresh context, or one whose previous user signed out."""
    page.goto("/dang-nhap/")
    page.locator("input[name='username']").fill(username)
    page.locator("input[name='password']").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(re.compile(r"/dang-nhap/ma-xac-thuc/"))
    page.locator("input[name='otp_token']").fill(backup_code)
    page.get_by_role("button", name="Xác nhận").click()
    expect(page).not_to_have_url(re.compile(r"/dang-nhap/"))


def shot_name(width: int, url: str) -> str:
    """A screenshot's step name: the screen's width, then the page's address."""
    return f"{width}-" + (url.strip("/").replace("/", "-") or "home")


def backup_code(username: str, index: int) -> str:
    return DEMO_SECOND_FACTOR[username][1][index]


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page).to_have_url(re.compile(r"/dang-nhap/"))


def _first_link(page: Page, url: str, pattern: str) -> str:
    """The first link in `url`'s main content whose address matches `pattern` (a regex)."""
    page.goto(url)
    hrefs = page.locator("main a[href]").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    found = next((h for h in hrefs if re.fullmatch(pattern, h)), None)
    assert found, f"no link matching {pattern} on {url}"
    return found


def a_letter(page: Page) -> str:
    """The first letter of the leader's list; the demo has none, so when the list is empty the
    leader registers an anonymous one (today, by post) through the form."""
    page.goto("/don-thu/")
    hrefs = page.locator("main table a[href]").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    letter = next((h for h in hrefs if re.fullmatch(r"/don-thu/\d+/", h)), None)
    if letter:
        return letter
    page.goto("/don-thu/them/")
    page.locator("input[name='body'][data-picker-own]:not([data-picker-other])").first.check()
    today = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()  # the app's today
    page.locator("#id_received_on").fill(today.strftime("%d/%m/%Y"))
    page.locator("#id_channel").select_option("post")
    page.locator("#id_kind").select_option("denunciation")
    page.get_by_label("Đơn nặc danh, mạo danh hoặc không rõ người gửi").check()
    page.locator("#id_summary").fill("Đơn nặc danh phản ánh việc sử dụng xe công")
    page.get_by_role("button", name="Vào sổ").click()
    expect(page).to_have_url(re.compile(r"/don-thu/\d+/$"))
    return page.url.removeprefix(page.url.split("/don-thu/")[0])


def leader_pages(page: Page) -> list[str]:
    """Every page the leader's checks visit: the fixed ones, then one record of each kind."""
    member = _first_link(page, "/dang-vien/", r"/dang-vien/(?!moi/)[^/]+/")
    top = _first_link(page, "/to-chuc/", r"/to-chuc/(?!moi/)[^/]+/")
    code = top.rstrip("/").rsplit("/", 1)[-1]
    report = f"/bao-cao/{code}/"
    submissions = f"/nop-bao-cao/{code}/"  # its obligations, a period of its units, packages
    inspection = _first_link(page, "/kiem-tra/", r"/kiem-tra/\d+/")
    step = _first_link(page, inspection, r"/kiem-tra/\d+/buoc/\d+/")
    case = _first_link(page, "/ky-luat/vu-viec/", r"/ky-luat/vu-viec/\d+/")
    decision = _first_link(page, "/ky-luat/", r"/ky-luat/vu-viec/\d+/#quyet-dinh")
    letter = a_letter(page)
    routing = _first_link(page, letter, r"/don-thu/\d+/phan-loai/")
    return [
        *LEADER_FIXED,
        top,
        report,
        submissions,
        f"{submissions}ky/?ky=nam&nam=2022",
        f"{submissions}goi/",
        member,
        inspection,
        step,
        case,
        decision.split("#")[0],
        letter,
        routing,
    ]


def admin_pages(page: Page) -> list[str]:
    """The user list and the new-user form; a user whose page offers the administrator's
    actions (not the administrator's own page), and each action's page."""
    page.goto("/quan-tri/")
    users = [a.get_attribute("href") for a in page.locator("main table a").all()]
    users = [u for u in users if re.fullmatch(r"/quan-tri/\d+/", u)]
    for user in users:
        page.goto(user)
        actions = page.locator("main a").evaluate_all(
            "links => links.map(a => a.getAttribute('href'))"
        )
        actions = sorted({a for a in actions if re.fullmatch(re.escape(user) + r"[a-z-]+/", a)})
        if len(actions) >= 4:
            return [*ADMIN_FIXED, user, *actions, *settings_pages(page)]
    raise AssertionError(f"no user on /quan-tri/ offers the administrator's actions: {users}")


def _hrefs(page: Page, pattern: str) -> list[str]:
    links = page.locator("main a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    return list(dict.fromkeys(a for a in links if a and re.fullmatch(pattern, a)))


def settings_pages(page: Page) -> list[str]:
    """The first unit the administrator covers: its settings, the forms adding a term and an
    attribute, its issuer symbols and the form adding one."""
    page.goto("/quan-tri/to-chuc/")
    unit = _hrefs(page, r"/quan-tri/to-chuc/[^/]+/")[0]
    page.goto(unit)
    forms = _hrefs(page, re.escape(unit) + r"(nhiem-ky|thuoc-tinh)/")
    symbols = _hrefs(page, r"/quan-tri/ky-hieu/[^/]+/")
    page.goto(symbols[0])
    adding = _hrefs(page, re.escape(symbols[0]) + r"moi/\?co-quan=\d+")[:1]
    return [unit, *forms, *symbols, *adding]


def each_page(page: Page, password: str, leader_code: int, admin_code: int) -> Iterator[str]:
    """Open every page, as the leader then as the administrator (each signed in once, with their
    backup code of that index), yielding each address once its page is shown (status 200)."""
    for username, code, find in (
        (LEADER, leader_code, leader_pages),
        (ADMIN, admin_code, admin_pages),
    ):
        sign_in(page, username, password, backup_code(username, code))
        for url in dict.fromkeys(find(page)):  # once each, in order
            response = page.goto(url)
            assert response is not None and response.status == 200, (username, url)
            yield url
        sign_out(page)
