"""Issue 15 (charts) in a real browser: the report page of "Năm 2023" shows, below its tables,
the three charts (each loaded when it scrolls into view, each image drawn), each with its figures
as a table; axe-core finds no violation in the charts section; the page's content policy refuses
nothing. Screenshot: test-artifacts/test_report_charts-*.png."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.axe import axe

pytestmark = pytest.mark.browser

USER = "kiemtravien"
CHARTS = ("ktgs-quy", "ktgs-chu-the", "ky-luat-hinh-thuc")


def sign_in(page: Page, password: str) -> None:
    page.goto("/dang-nhap/")
    page.locator("input[name='username']").fill(USER)
    page.locator("input[name='password']").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).not_to_have_url(re.compile(r"/dang-nhap/"))


def test_the_report_page_shows_its_charts(page: Page, live_app: str, demo_password: str, shot):
    refused = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security" in m.text else None)
    sign_in(page, demo_password)
    page.goto("/bao-cao/HA.DBK/?ky=nam&nam=2023")
    section = page.locator("#bieu-do")
    section.scroll_into_view_if_needed()
    expect(section.get_by_role("heading", name="Biểu đồ")).to_be_visible()
    for name in CHARTS:
        figure = page.locator(f'figure[data-chart="{name}"]')
        figure.scroll_into_view_if_needed()
        expect(figure).to_be_visible()
        image = figure.locator("img")
        expect(image).to_have_attribute("src", re.compile(rf"/bieu-do/{name}\.svg\?ky=nam"))
        page.wait_for_function(
            "img => img.complete && img.naturalWidth > 0", arg=image.element_handle()
        )
    discipline = page.locator('figure[data-chart="ky-luat-hinh-thuc"]')
    discipline.get_by_text("Số liệu của biểu đồ").click()
    table = discipline.get_by_role("table").first
    expect(table).to_be_visible()
    expect(table.get_by_role("row", name=re.compile("^Khiển trách"))).to_be_visible()
    shot("charts")
    results = axe().run(page, context="#bieu-do")
    assert not results.response["violations"], results.generate_report()
    assert not refused, refused
