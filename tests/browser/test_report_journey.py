"""Issue 14 in a real browser: the report page. The demo inspector (kiemtravien, at the bloc
HA.DBK) opens "Báo cáo" from the menu, chooses the period "Năm" and the year 2023, sees the tables with "Năm 2023" above them, clicks the number of members disciplined in the
discipline table's total row and lands on the list of those decisions: as many rows as the
figure said. The list of tables at the top leads to a QĐ 357 form further down. Screenshots: test-artifacts/test_report_journey-*.png.
"""

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

USER = "kiemtravien"


def sign_in(page: Page, password: str) -> None:
    page.goto("/dang-nhap/")
    page.locator("input[name='username']").fill(USER)
    page.locator("input[name='password']").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).not_to_have_url(re.compile(r"/dang-nhap/"))


def test_year_2023_then_a_figure_then_its_records(
    page: Page, live_app: str, demo_password: str, shot
):
    sign_in(page, demo_password)
    page.get_by_role("navigation", name="Chức năng chính").get_by_role(
        "link", name="Báo cáo"
    ).click()
    expect(page).to_have_url(re.compile(r"/bao-cao/HA\.DBK/$"))
    page.get_by_label("Kỳ báo cáo", exact=True).select_option(label="Năm")
    page.get_by_label("Năm", exact=True).fill("2023")
    page.get_by_role("button", name="Xem").click()
    expect(page.locator(".period-title")).to_have_text("Năm 2023")
    expect(page.get_by_role("status")).to_contain_text("từ 01/01/2023 đến 31/12/2023")
    expect(page.get_by_role("heading", name="1. Kiểm tra, giám sát theo chủ thể")).to_be_visible()
    expect(page.get_by_role("heading", name="2. Thi hành kỷ luật")).to_be_visible()
    expect(page.get_by_role("heading", name="3. Tổ chức đảng, đảng viên")).to_be_visible()
    shot("year-2023")

    # the list of tables at the top leads to a table further down, and back
    toc = page.get_by_role("navigation", name="Các biểu của báo cáo")
    toc.get_by_role("link", name=re.compile(r"^THKL_DV_CAPUY — ")).click()
    expect(page).to_have_url(re.compile(r"#bieu-qd357_thkl_dv_capuy$"))
    expect(
        page.get_by_role("heading", name=re.compile(r"^\d+\. THKL_DV_CAPUY — "))
    ).to_be_in_viewport()
    shot("a-357-form")

    total = page.locator('table[data-table="ky_luat"] tr[data-row="tong"] td').nth(5)
    link = total.get_by_role("link")
    figure = int(link.inner_text().replace(".", ""))
    assert figure > 0
    link.click()
    expect(page).to_have_url(re.compile(r"/ky-luat/\?.*so-lieu=1"))
    expect(page.locator("[data-decision]")).to_have_count(figure)
    shot("its-records")
