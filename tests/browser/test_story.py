"""Issue 18, item 2 in a real browser: a record's whole KTGS story. The demo inspector
(kiemtravien, at the bloc HA.DBK) lists the concluded supervisions, opens the first one that has
a member among its subjects, goes to that member's page and finds the supervision and its
conclusion in the section «Kiểm tra, giám sát và kỷ luật», each a link back; then to the
subject organisation's page, where it is too. Last, the inspection list is filtered by that
member, typed by name and chosen among the suggestions: the result line names the member and
the supervision is listed. Screenshots: test-artifacts/test_story-*.png.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_pickers_filters import sign_in

pytestmark = pytest.mark.browser

SECTION = "Kiểm tra, giám sát và kỷ luật"


def _open_a_supervision_with_a_member_subject(page: Page) -> str:
    """The path of the first concluded supervision listed with a member among its subjects."""
    page.goto("/kiem-tra/?loai=supervision&tinh_trang=concluded")
    links = page.locator("table.inspections tbody tr td:first-child a")
    expect(links.first).to_be_visible()
    paths = [links.nth(i).get_attribute("href") for i in range(min(links.count(), 8))]
    for path in paths:
        page.goto(path)
        if page.locator("table.subjects tr", has_text="sinh hoạt tại").count():
            return path
    raise AssertionError("no concluded supervision with a member subject among the first rows")


def _section(page: Page):
    section = page.locator("section.ktgs-story")
    expect(section.get_by_role("heading", level=2)).to_contain_text(SECTION)
    return section


def test_a_supervision_on_its_members_and_units_pages_and_the_list_by_member(
    page: Page, live_app: str, demo_password: str, shot
):
    sign_in(page, demo_password)
    path = _open_a_supervision_with_a_member_subject(page)
    pk = re.search(r"/kiem-tra/(\d+)/", path).group(1)
    shot("supervision")

    # a subject member's page
    member_row = page.locator("table.subjects tbody tr", has_text="sinh hoạt tại").first
    member_row.get_by_role("link").first.click()
    expect(page).to_have_url(re.compile(r"/dang-vien/[^/]+/$"))
    code = re.search(r"/dang-vien/([^/]+)/$", page.url).group(1)
    name = page.get_by_role("heading", level=1).inner_text().strip()
    section = _section(page)
    row = section.locator(f'tr[data-inspection="{pk}"]')
    expect(row).to_be_visible()
    expect(row).to_contain_text("Giám sát")
    expect(section.locator("tr[data-conclusion]").first).to_be_visible()
    expect(section).not_to_contain_text("đơn thư")
    section.scroll_into_view_if_needed()
    shot("member-story")
    row.get_by_role("link").first.click()
    expect(page).to_have_url(re.compile(rf"/kiem-tra/{pk}/$"))

    # the subject organisation's page
    unit_row = page.locator("table.subjects tbody tr", has_not_text="sinh hoạt tại").first
    unit_row.get_by_role("link").first.click()
    expect(page).to_have_url(re.compile(r"/to-chuc/[^/]+/$"))
    section = _section(page)
    expect(section.locator(f'tr[data-inspection="{pk}"]')).to_be_visible()
    section.scroll_into_view_if_needed()
    shot("unit-story")

    # the inspection list filtered by the member, picked by name
    page.goto("/kiem-tra/")
    field = page.get_by_role("combobox", name="Đối tượng là đảng viên")
    field.press_sequentially(name, delay=30)
    suggestions = page.locator("#id_dang_vien_goi_y")
    expect(suggestions).to_be_visible()
    suggestions.get_by_role("option").filter(has_text=code).first.click()
    expect(field).to_have_value(f"{name} ({code})")
    page.get_by_role("button", name="Lọc").click()
    expect(page).to_have_url(re.compile(r"/kiem-tra/\?"))
    result = page.get_by_role("status").filter(has_text="cuộc kiểm tra, giám sát")
    expect(result).to_contain_text(f"có đối tượng là đảng viên {name} ({code})")
    expect(page.locator(f'table.inspections a[href="/kiem-tra/{pk}/"]')).to_be_visible()
    shot("list-by-member")
