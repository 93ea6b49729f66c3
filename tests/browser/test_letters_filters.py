"""The letters list's filters in a real browser (docs/letters.md «Tìm, lọc sổ đơn thư»): the demo
inspector (kiemtravien, at the bloc) picks the receiving unit by name in the unit picker, types
an impossible date and a reversed range, and reads each message under its own field, the list
still shown and the result line naming the unit; "Bỏ lọc" clears every field. Screenshots:
test-artifacts/test_letters_filters-*.png."""

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

USER = "kiemtravien"
UNIT = "HA.DBK.001"


def sign_in(page: Page, password: str) -> None:
    page.goto("/dang-nhap/")
    page.locator("input[name='username']").fill(USER)
    page.locator("input[name='password']").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).not_to_have_url(re.compile(r"/dang-nhap/"))


@pytest.mark.parametrize("viewport", [{"width": 1366, "height": 900}])
def test_letters_filtered_by_unit_and_dates(page: Page, live_app: str, demo_password, shot):
    sign_in(page, demo_password)
    page.goto(f"/to-chuc/{UNIT}/")
    unit_name = page.get_by_role("heading", level=1).inner_text().strip()
    page.goto("/don-thu/")
    field = page.get_by_role("combobox", name="Cơ quan tiếp nhận thuộc (gồm cấp dưới)")
    field.press_sequentially("so y te", delay=40)
    suggestions = page.locator("#id_don_vi_goi_y")
    expect(suggestions.get_by_role("option").first).to_contain_text(unit_name)
    field.press("ArrowDown")
    field.press("Enter")
    expect(field).to_have_value(f"{unit_name} ({UNIT})")
    page.get_by_label("Loại đơn").select_option(label="Tố cáo")
    page.get_by_label("Lọc khoảng thời gian theo").select_option(label="Ngày kết luận")
    page.get_by_label("Từ ngày").fill("01/04/2026")
    page.get_by_label("Đến ngày").fill("01/03/2026")
    page.get_by_label("Đang giải quyết ngày").fill("31/02/2026")
    page.get_by_label("chỉ đơn quá hạn ngày đó").check()
    page.get_by_role("button", name="Lọc").click()

    expect(page).to_have_url(re.compile(r"/don-thu/\?"))
    result = page.get_by_role("status")
    expect(result).to_contain_text(f"cơ quan tiếp nhận thuộc {unit_name}")
    expect(result).to_contain_text("loại đơn: tố cáo")
    expect(result).not_to_contain_text("ngày kết luận")  # the reversed range is not applied
    expect(page.locator("#id_den_error")).to_contain_text("«Từ ngày» (01/04/2026) sau «Đến ngày»")
    expect(page.locator("#id_dang_giai_quyet_error")).to_contain_text("31/02/2026")
    expect(page.get_by_label("Đang giải quyết ngày")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Đang giải quyết ngày")).to_have_value("31/02/2026")  # to fix it
    expect(page.get_by_label("chỉ đơn quá hạn ngày đó")).to_be_checked()
    expect(page.get_by_label("Loại đơn")).to_have_value("denunciation")
    expect(page.get_by_label("Từ ngày")).to_have_value("01/04/2026")  # both kept as typed
    shot("errors-by-their-fields")

    page.get_by_role("link", name="Bỏ lọc").click()
    expect(page).to_have_url(re.compile(r"/don-thu/$"))
    expect(field).to_have_value("")
    expect(page.get_by_role("alert")).to_have_count(0)
