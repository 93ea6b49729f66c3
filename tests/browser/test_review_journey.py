"""Issue 15 in a real browser: the narrative review. The demo inspector opens the report page,
chooses "Năm 2023", presses «Soạn báo cáo», lands on the draft whose generated paragraphs state
the year's figures, writes a paragraph of their own, saves, and finds it kept after reloading.
The draft page passes axe-core. Then «Xuất văn bản (DOCX)»: the form suggests the next number;
sending it downloads a Word file holding the number and the edited paragraph (the export form
passes axe-core too). Screenshots: test-artifacts/test_review_journey-*.png.
"""

import re

import pytest
from docx import Document
from playwright.sync_api import Page, expect

from tests.browser.test_documents_journey import _text
from tests.browser.test_picker_journey import assert_accessible

pytestmark = pytest.mark.browser

USER = "kiemtravien"


def sign_in(page: Page, password: str) -> None:
    page.goto("/dang-nhap/")
    page.locator("input[name='username']").fill(USER)
    page.locator("input[name='password']").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).not_to_have_url(re.compile(r"/dang-nhap/"))


def test_review_of_2023_generated_edited_kept_and_exported(
    page: Page, live_app: str, demo_password: str, shot, tmp_path
):
    sign_in(page, demo_password)
    page.goto("/bao-cao/HA.DBK/")
    page.get_by_label("Kỳ báo cáo", exact=True).select_option(label="Năm")
    page.get_by_label("Năm", exact=True).fill("2023")
    page.get_by_role("button", name="Xem").click()
    expect(page.locator(".period-title")).to_have_text("Năm 2023")
    # the discipline table's total of members, to find it in the review
    total = page.locator('table[data-table="ky_luat"] tr[data-row="tong"] td').nth(5)
    members = total.get_by_role("link").inner_text()

    page.get_by_role("button", name="Soạn báo cáo").click()
    expect(page).to_have_url(re.compile(r"/bao-cao/HA\.DBK/du-thao/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("năm 2023")
    discipline = page.locator('[data-kind="generated"] textarea').nth(2)
    expect(discipline).to_have_value(re.compile(rf"\b{re.escape(members)} đảng viên"))
    shot("draft")

    mine = "Đảng ủy Khối đã lãnh đạo, chỉ đạo sát sao công tác kiểm tra, giám sát năm 2023."
    written = page.locator('[data-kind="written"] textarea').first
    written.fill(mine)
    page.get_by_role("button", name="Lưu dự thảo").click()
    expect(page.locator(".messages")).to_contain_text("Đã lưu dự thảo")
    assert_accessible(page)  # with the flash message in its live region
    page.reload()
    expect(page.locator('[data-kind="written"] textarea').first).to_have_value(mine)
    expect(page.get_by_text("Số liệu đã thay đổi")).to_have_count(0)
    assert_accessible(page)
    shot("kept")

    page.get_by_role("link", name="Xuất văn bản (DOCX)").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Xuất văn bản")
    number = page.get_by_label("Số, ký hiệu").input_value()
    assert re.fullmatch(r"\d{2,}-BC/\S+", number)
    page.get_by_label("Địa danh").fill("Hòa An")
    page.get_by_label("Họ và tên người ký").fill("Nguyễn Văn Ký")
    assert_accessible(page)
    shot("export-form")
    with page.expect_download() as download:
        page.get_by_role("button", name="Lấy số và tải văn bản (DOCX)").click()
    assert download.value.suggested_filename.endswith(".docx")
    saved = tmp_path / "bao-cao.docx"
    download.value.save_as(saved)
    assert mine in [p.text for p in Document(str(saved)).paragraphs]
    lines = _text(saved).splitlines()  # with the header's and signature's table cells
    assert f"Số {number}" in lines and "Nguyễn Văn Ký" in lines
