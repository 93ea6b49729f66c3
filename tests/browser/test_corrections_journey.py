"""Issue 18, item 1 in a real browser: corrections of data-entry errors.

(1) The demo inspector (kiemtravien, at the bloc) opens a concluded supervision with a member
among its subjects, corrects its topic and one conclusion's text through the «Sửa» pages (each
with a reason), sees both corrections in «Lịch sử sửa», then finds the corrected topic in the
section «Kiểm tra, giám sát và kỷ luật» of the subject member's page and of the subject
organisation's page.
(2) The UBKT leader (lanhdao.ubkt, a printed backup code: index -6) opens a case with a decision,
corrects the decision's number (with a reason) and sees the correction in the case's «Lịch sử
sửa»; changing the decision's form on the same page is refused, pointing to the appeal.
Screenshots: test-artifacts/test_*correct*.png.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from ktgs.demo.builder import DEMO_SECOND_FACTOR
from tests.browser.test_pickers_filters import sign_in

pytestmark = pytest.mark.browser

SECTION = "Kiểm tra, giám sát và kỷ luật"
LEADER = "lanhdao.ubkt"
TOPIC = "Giám sát việc thực hiện quy chế làm việc (đã sửa lỗi nhập liệu)"


def _a_supervision_with_a_member_subject(page: Page) -> str:
    """A concluded supervision with a member among its subjects (from the end of the first
    rows: the story journey reads the first ones)."""
    page.goto("/kiem-tra/?loai=supervision&tinh_trang=concluded")
    links = page.locator("table.inspections tbody tr td:first-child a")
    expect(links.first).to_be_visible()
    paths = [links.nth(i).get_attribute("href") for i in range(min(links.count(), 10))]
    for path in reversed(paths):
        page.goto(path)
        if page.locator("table.subjects tr", has_text="sinh hoạt tại").count():
            return path
    raise AssertionError("no concluded supervision with a member subject among the first rows")


def _save(page: Page, reason: str) -> None:
    page.locator("#id_reason").fill(reason)
    page.get_by_role("button", name="Lưu sửa đổi").click()


def test_inspector_corrects_a_topic_and_a_conclusion_and_sees_them_on_the_subjects_pages(
    page: Page, live_app: str, demo_password: str, shot
):
    sign_in(page, demo_password)
    path = _a_supervision_with_a_member_subject(page)
    detail = re.compile(re.escape(path) + r"(#.*)?$")

    page.get_by_role("link", name="Sửa thông tin chung").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sửa thông tin chung")
    page.locator("#id_topic").fill(TOPIC)
    shot("header-form")
    _save(page, "Nhập thiếu chữ trong nội dung")
    expect(page).to_have_url(detail)
    expect(page.get_by_role("status")).to_contain_text("Đã sửa thông tin chung")
    expect(page.locator("dl.facts")).to_contain_text(TOPIC)

    member_row = page.locator("table.subjects tbody tr", has_text="sinh hoạt tại").first
    member_row.get_by_role("link", name=re.compile("^Sửa kết luận")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sửa kết luận đối với")
    shortcomings = page.locator("#id_shortcomings")
    shortcomings.fill("Chưa thực hiện đầy đủ quy chế làm việc (đã sửa chính tả)")
    _save(page, "Sai chính tả trong kết luận")
    expect(page).to_have_url(detail)
    history = page.locator("section.corrections")
    expect(history).to_contain_text("Nhập thiếu chữ trong nội dung")
    expect(history).to_contain_text("Sai chính tả trong kết luận")
    expect(history).to_contain_text("Kết luận đối với")
    history.scroll_into_view_if_needed()
    shot("history")

    pk = re.search(r"/kiem-tra/(\d+)/", path).group(1)
    member_row = page.locator("table.subjects tbody tr", has_text="sinh hoạt tại").first
    member_row.get_by_role("link").first.click()
    expect(page).to_have_url(re.compile(r"/dang-vien/[^/]+/$"))
    section = page.locator("section.ktgs-story")
    expect(section.get_by_role("heading", level=2)).to_contain_text(SECTION)
    expect(section.locator(f'tr[data-inspection="{pk}"]')).to_contain_text(TOPIC)
    section.scroll_into_view_if_needed()
    shot("member-story")

    page.goto(path)
    unit_row = page.locator("table.subjects tbody tr", has_not_text="sinh hoạt tại").first
    unit_row.get_by_role("link").first.click()
    expect(page).to_have_url(re.compile(r"/to-chuc/[^/]+/$"))
    section = page.locator("section.ktgs-story")
    expect(section.locator(f'tr[data-inspection="{pk}"]')).to_contain_text(TOPIC)
    section.scroll_into_view_if_needed()
    shot("unit-story")


def _sign_in_leader(page: Page, password: str) -> None:
    page.goto("/dang-nhap/")
    page.locator("input[name='username']").fill(LEADER)
    page.locator("input[name='password']").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(re.compile(r"/dang-nhap/ma-xac-thuc/"))
    _secret, backup_codes = DEMO_SECOND_FACTOR[LEADER]
    page.locator("input[name='otp_token']").fill(backup_codes[-6])
    page.get_by_role("button", name="Xác nhận").click()
    expect(page).not_to_have_url(re.compile(r"/dang-nhap/"))


def _a_case_with_a_decision(page: Page) -> str:
    page.goto("/ky-luat/vu-viec/")
    links = page.locator("main table tbody tr td a[href*='/ky-luat/vu-viec/']")
    expect(links.first).to_be_visible()
    paths = [links.nth(i).get_attribute("href") for i in range(min(links.count(), 20))]
    for path in paths:
        page.goto(path)
        if page.get_by_role("link", name="Sửa số, ngày của quyết định").count():
            return path
    raise AssertionError("no case with a decision the leader may correct among the first rows")


def test_leader_corrects_a_decision_number_and_may_not_change_its_form(
    page: Page, live_app: str, demo_password: str, shot
):
    _sign_in_leader(page, demo_password)
    path = _a_case_with_a_decision(page)
    page.get_by_role("link", name="Sửa số, ngày của quyết định").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sửa quyết định")
    number = page.locator("#id_number")
    new_number = "99-QĐ/UBKTĐUK" if number.input_value() != "99-QĐ/UBKTĐUK" else "98-QĐ/UBKTĐUK"
    number.fill(new_number)
    shot("decision-form")
    _save(page, "Nhập nhầm số quyết định")
    expect(page).to_have_url(re.compile(re.escape(path) + "#quyet-dinh$"))
    expect(page.locator("dl.decision")).to_contain_text(new_number)
    history = page.locator("section.corrections")
    expect(history).to_contain_text(new_number)
    expect(history).to_contain_text("Nhập nhầm số quyết định")
    history.scroll_into_view_if_needed()
    shot("decision-history")

    page.get_by_role("link", name="Sửa số, ngày của quyết định").click()
    form = page.locator("#id_form")
    current = form.input_value()
    other = next(
        v
        for v in form.locator("option").evaluate_all("os => os.map(o => o.value)")
        if v and v != current
    )
    form.select_option(other)
    _save(page, "Thử đổi hình thức")
    expect(page.locator("main")).to_contain_text("giải quyết khiếu nại")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sửa quyết định")
    shot("form-refused")
    page.goto(path)
    expect(page.locator("section.corrections")).not_to_contain_text("Thử đổi hình thức")
