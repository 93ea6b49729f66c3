"""Issue 18's administrator journey in a real browser: the system administrator (quantri, with
their authenticator code) creates a user, gives them the inspector role at a đảng bộ cơ sở
picked by name, and signs out; the new user signs in and sees exactly that unit's members; the
administrator, signed in again, still cannot open a member's page nor give themselves a role.
Screenshots: test-artifacts/test_administrator_*.png."""

import re
import time
import unicodedata

import pytest
from playwright.sync_api import Page, expect

from ktgs.accounts.tests.totp import totp_code
from ktgs.demo.builder import DEMO_SECOND_FACTOR
from ktgs.demo.layout import plan_units
from tests.browser.axe import axe

pytestmark = pytest.mark.browser

ADMIN = "quantri"
NEW_USER = "kiemtra.xaydung"
NEW_PASSWORD = "Hoa-an-kiem-tra-2026"
UNIT = "HA.DBK.005"  # a đảng bộ cơ sở of the demo bloc; its name is read from the demo's plan
SERIOUS = ("serious", "critical")


def bare(text: str) -> str:
    """The name as typed without Vietnamese input: no diacritics, đ → d."""
    plain = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return plain.replace("đ", "d").replace("Đ", "D").lower()


def assert_accessible(page: Page) -> None:
    results = axe().run(page)
    serious = [v for v in results.response["violations"] if v["impact"] in SERIOUS]
    assert not serious, results.generate_report()


def enter_password(page: Page, username: str, password: str) -> None:
    page.goto("/dang-nhap/")
    page.locator("input[name='username']").fill(username)
    page.locator("input[name='password']").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()


def sign_in_admin(page: Page, password: str, at: float) -> None:
    """With the code the authenticator app shows at time `at` (each code is taken once: the
    second sign-in uses the next 30-second step, which the server still accepts)."""
    enter_password(page, ADMIN, password)
    expect(page).to_have_url(re.compile(r"/dang-nhap/ma-xac-thuc/"))
    secret, _codes = DEMO_SECOND_FACTOR[ADMIN]
    page.locator("input[name='otp_token']").fill(totp_code(secret, at))
    page.get_by_role("button", name="Xác nhận").click()
    expect(page).not_to_have_url(re.compile(r"/dang-nhap/"))


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page).to_have_url(re.compile(r"/dang-nhap/"))


def test_administrator_creates_a_user_who_sees_exactly_their_unit(
    page: Page, live_app: str, demo_password: str, shot
):
    unit_name = next(u.name for u in plan_units() if u.code == UNIT)
    started = time.time()
    sign_in_admin(page, demo_password, started)

    # the menu entry, the list of users
    page.get_by_role("navigation", name="Chức năng chính").get_by_role(
        "link", name="Quản trị"
    ).click()
    expect(page).to_have_url(re.compile(r"/quan-tri/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Quản trị người dùng")
    assert_accessible(page)
    shot("users")

    # a new user
    page.get_by_role("link", name="Tạo người dùng").click()
    expect(page).to_have_url(re.compile(r"/quan-tri/moi/$"))
    page.locator("#id_username").fill(NEW_USER)
    page.locator("#id_full_name").fill("Trần Thị Xây Dựng")
    page.locator("#id_password").fill(NEW_PASSWORD)
    assert_accessible(page)
    page.get_by_role("button", name="Tạo tài khoản").click()
    expect(page).to_have_url(re.compile(r"/quan-tri/\d+/vai-tro/$"))
    expect(page.locator(".messages")).to_contain_text(f"Đã tạo tài khoản «{NEW_USER}»")

    # the inspector role at the đảng bộ cơ sở, picked by its name typed without diacritics
    box = page.locator("#id_unit")
    box.press_sequentially(bare(unit_name), delay=20)
    option = page.locator(f'#id_unit_goi_y [role=option][data-value$="({UNIT})"]')
    expect(option).to_have_count(1)
    option.click()
    expect(box).to_have_value(re.compile(re.escape(UNIT)))
    page.locator("#id_role").select_option("inspector")
    shot("role")
    page.get_by_role("button", name="Giao vai trò").click()
    expect(page).to_have_url(re.compile(r"/quan-tri/\d+/$"))
    expect(page.locator("main table")).to_contain_text(unit_name)
    expect(page.locator("main table")).to_contain_text("Kiểm tra viên")
    assert_accessible(page)
    shot("user")
    sign_out(page)

    # the new user: only that unit's members
    enter_password(page, NEW_USER, NEW_PASSWORD)
    expect(page).not_to_have_url(re.compile(r"/dang-nhap/"))
    page.goto("/dang-vien/")
    rows = page.locator("main table tbody tr[data-member]")
    expect(rows.first).to_be_visible()
    cells = page.locator("main table tbody tr td a[title]")
    titles = [cells.nth(i).get_attribute("title") for i in range(cells.count())]
    assert titles and all(t.startswith(f"{UNIT}.") for t in titles), titles
    member_code = rows.first.get_attribute("data-member")
    page.goto("/to-chuc/")
    expect(page.locator("main")).to_contain_text(unit_name)
    expect(page.locator("main")).not_to_contain_text("Đảng bộ Sở Y tế")  # HA.DBK.001: not theirs
    shot("new-user-tree")
    sign_out(page)

    # the administrator again: no member's page, no role for themselves
    sign_in_admin(page, demo_password, started + 30)
    response = page.goto(f"/dang-vien/{member_code}/")
    assert response is not None and response.status in (403, 404)
    page.goto(f"/quan-tri/?q={ADMIN}")
    page.locator("main table").get_by_role("link", name=ADMIN, exact=True).click()
    expect(page).to_have_url(re.compile(r"/quan-tri/\d+/$"))
    expect(page.locator("main")).to_contain_text("không thể tự giao")
    page.goto(page.url + "vai-tro/")
    expect(page.get_by_role("alert")).to_contain_text("không thể tự giao cho mình vai trò")
    expect(page.locator("#id_role")).to_have_count(0)
    shot("refused")
