"""Issue 15 in a real browser: Party-format documents. The demo inspector (kiemtravien, at the
bloc HA.DBK) opens the report of the year 2023, asks for the tables as a Word document, is told
to give the place, keeps the suggested number, signs, and downloads the DOCX: it carries that number and the issuer block.
Sending the same number again is refused on the page. Then a discipline decision is printed from
the decision list. Screenshots: test-artifacts/test_documents_journey-*.png.
"""

import re

import pytest
from docx import Document
from playwright.sync_api import Page, expect

from tests.browser.test_report_journey import sign_in

pytestmark = pytest.mark.browser


def _text(path) -> str:
    doc = Document(str(path))
    cells = [p.text for t in doc.tables for row in t.rows for c in row.cells for p in c.paragraphs]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def test_issue_the_tables_as_docx_then_print_a_discipline_decision(
    page: Page, live_app: str, demo_password: str, shot, tmp_path
):
    sign_in(page, demo_password)
    page.goto("/bao-cao/HA.DBK/?ky=nam&nam=2023")
    page.get_by_role("link", name="Văn bản biểu số liệu (DOCX)").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Văn bản biểu số liệu")
    number = page.get_by_label("Số, ký hiệu").input_value()
    assert re.fullmatch(r"\d{2,}-BC/\S+", number)
    page.get_by_role("button", name="Lấy số và tải văn bản (DOCX)").click()  # no place yet
    expect(page.get_by_role("alert").first).to_contain_text("hãy ghi địa danh")
    page.get_by_label("Địa danh").fill("Hòa An")
    page.get_by_label("Chức vụ người ký").fill("Phó Bí thư")
    page.get_by_label("Họ và tên người ký").fill("Nguyễn Văn Ký")
    shot("issue-form")
    with page.expect_download() as download:
        page.get_by_role("button", name="Lấy số và tải văn bản (DOCX)").click()
    saved = tmp_path / "bieu.docx"
    download.value.save_as(saved)
    text = _text(saved)
    assert f"Số {number}" in text and "ĐẢNG CỘNG SẢN VIỆT NAM" in text
    assert "Nguyễn Văn Ký" in text

    page.get_by_label("Số, ký hiệu").fill(number)  # the same number again
    page.get_by_role("button", name="Lấy số và tải văn bản (DOCX)").click()
    expect(page.get_by_role("alert").first).to_contain_text("đã được dùng")
    shot("number-taken")

    page.goto("/ky-luat/")
    row = page.locator("tr[data-decision]:not(.restricted)").first
    with page.expect_download() as printed:
        row.get_by_role("link", name="In (DOCX)").click()
    decision = tmp_path / "quyet-dinh.docx"
    printed.value.save_as(decision)
    assert "QUYẾT ĐỊNH" in _text(decision)
    shot("decision-list")
