"""Issue 13 in a real browser: the figures page ("Số liệu KTGS") filtered by a unit picked by
name. The demo inspector (kiemtravien, at the bloc HA.DBK) types "so y te" without diacritics
in the unit field, takes the first suggestion with ArrowDown + Enter (Đảng bộ Sở Y tế,
HA.DBK.001; "Đảng bộ Sở Y tế (2)" is the second, their cells follow), submits, and reads the figures of that unit;
the links behind the numbers carry its code. Typed without choosing, the same name is answered
next to the field with both suggestions, and the page still shows figures (the bloc's).
Screenshots: test-artifacts/test_pickers_filters-*.png.
"""

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


def test_figures_filtered_by_a_unit_picked_by_name(
    page: Page, live_app: str, demo_password: str, shot
):
    sign_in(page, demo_password)
    page.goto(f"/to-chuc/{UNIT}/")
    unit_name = page.get_by_role("heading", level=1).inner_text().strip()
    page.goto("/so-lieu/kiem-tra-giam-sat/")
    result = page.get_by_role("status").filter(has_text="Do cấp ủy")
    expect(result).not_to_contain_text(unit_name)  # the bloc's figures by default

    field = page.get_by_role("combobox", name="Tổ chức đảng (gồm cấp dưới)")
    field.fill("")
    field.press_sequentially("so y te", delay=40)
    suggestions = page.locator("#id_don_vi_goi_y")
    expect(suggestions).to_be_visible()
    options = suggestions.get_by_role("option")
    expect(options.first).to_contain_text(unit_name)  # own-name matches first
    expect(options.nth(1)).to_contain_text(f"{unit_name} (2)")
    shot("suggestions")
    field.press("ArrowDown")
    field.press("Enter")  # chooses; does not submit
    expect(field).to_have_value(f"{unit_name} ({UNIT})")
    expect(suggestions).to_be_hidden()
    expect(page).to_have_url(re.compile(r"/so-lieu/kiem-tra-giam-sat/$"))
    page.get_by_role("button", name="Xem").click()

    expect(page).to_have_url(re.compile(r"/so-lieu/kiem-tra-giam-sat/\?"))
    expect(result).to_contain_text(f"của {unit_name} và của")
    expect(field).to_have_value(f"{unit_name} ({UNIT})")
    expect(page.get_by_role("alert")).to_have_count(0)
    drills = page.locator("table.counting a")
    for i in range(drills.count()):
        assert f"don-vi={UNIT}&" in (drills.nth(i).get_attribute("href") or "")
    shot("figures-of-the-unit")

    # the same name typed without choosing: both units offered next to the field, no 404
    field.fill("so y te")
    field.press("Escape")
    page.get_by_role("button", name="Xem").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("khớp nhiều tổ chức đảng")
    expect(alert).to_contain_text(f"({UNIT})")
    expect(alert).to_contain_text("(HA.DBK.044)")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(result).not_to_contain_text(unit_name)
    shot("ambiguous-name")
