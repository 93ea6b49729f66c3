"""Issue 17 in a real browser (its first «Done when» bullet): two grassroots units submit their
2022 report, one unit is late and is reminded (the notice shows on its page), the bloc closes the
period with an override for the units that have not submitted, a record behind a submitted
figure is voided and the closed period shows the flag; the bloc reopens the period with a
reason. Screenshots: test-artifacts/test_submissions_journey-*.png.

The office's deadline for the year (`ktgs setting period-deadline nam 10`) is set in the app's
database first; the inspection to void is read from it (its id only), the voiding is done
through the pages."""

import re
import sqlite3
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import ARTIFACTS, _ktgs
from tests.browser.test_picker_journey import assert_accessible

pytestmark = pytest.mark.browser
YEAR = "ky=nam&nam=2022"


def sign_in(page: Page, user: str, password: str) -> None:
    page.context.clear_cookies()
    page.goto("/dang-nhap/")
    page.locator("input[name='username']").fill(user)
    page.locator("input[name='password']").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).not_to_have_url(re.compile(r"/dang-nhap/"))


def inspection_of_a_grassroots_unit(app_env: dict) -> tuple[int, str]:
    """(id, unit code) of a live 2022 inspection performed in a direct sub-unit of the bloc."""
    db = Path(app_env["KTGS_DATA_DIR"]) / "ktgs.sqlite3"
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
        row = con.execute(
            "SELECT i.id, u.code FROM inspections_inspection i "
            "JOIN orgs_orgunit u ON u.id = i.unit_id "
            "WHERE i.voided_at IS NULL AND substr(i.decided_on, 1, 4) = '2022' "
            "AND u.code LIKE 'HA.DBK.%' AND u.code NOT LIKE 'HA.DBK.%.%' ORDER BY i.id LIMIT 1"
        ).fetchone()
    assert row, "the demo has a 2022 inspection of a grassroots body"
    return row


def submit_2022(page: Page, code: str) -> None:
    page.goto(f"/bao-cao/{code}/?{YEAR}")
    page.get_by_role("link", name="Nộp báo cáo").click()
    expect(page).to_have_url(re.compile(rf"/nop-bao-cao/{re.escape(code)}/\?"))
    row = page.locator('tr[data-slot="nam:2022-01-01:2022-12-31"]')
    expect(row.locator("[data-status]")).to_have_text("quá hạn")
    row.get_by_role("button", name="Nộp báo cáo năm 2022").click()
    expect(page.locator(".messages")).to_contain_text("Đã nộp báo cáo năm 2022 (lần 1)")
    expect(row.locator("[data-status]")).to_have_text("đã nộp v1 (nộp muộn)")


def test_submit_remind_close_flag_reopen(page: Page, live_app: str, app_env, demo_password, shot):
    _ktgs(
        ["setting", "period-deadline", "nam", "10"],
        app_env,
        ARTIFACTS / "browser-app-setup.log",
        timeout=120,
    )
    inspection, other = inspection_of_a_grassroots_unit(app_env)

    # 1. the grassroots officer submits the unit's report from the report page
    sign_in(page, "canbo.coso", demo_password)
    submit_2022(page, "HA.DBK.001")
    assert_accessible(page)
    shot("submitted")

    # 2. the bloc's inspector: a second unit submits, a late one is reminded
    sign_in(page, "kiemtravien", demo_password)
    submit_2022(page, other)
    page.goto(f"/nop-bao-cao/HA.DBK/ky/?{YEAR}")
    for code in ("HA.DBK.001", other):
        expect(page.locator(f'tr[data-unit="{code}"] [data-status]')).to_contain_text("đã nộp v1")
    late = page.locator('tr[data-unit="HA.DBK.002"]')
    expect(late.locator("[data-status]")).to_have_text("quá hạn")
    late.get_by_role("button", name="Nhắc nộp").click()
    expect(page.locator(".messages")).to_contain_text("Đã nhắc")
    page.goto("/nop-bao-cao/HA.DBK.002/")
    expect(page.locator("[data-reminder]").first).to_contain_text("nhắc nộp báo cáo năm 2022")

    # 3. closing: refused without a reason, then closed with the override
    page.goto(f"/nop-bao-cao/HA.DBK/ky/?{YEAR}")
    page.get_by_role("button", name="Chốt kỳ").click()
    expect(page.locator(".messages")).to_contain_text("chưa nộp báo cáo năm 2022")
    page.get_by_label("Lý do chốt khi chưa đủ báo cáo").fill("Các đơn vị còn lại báo cáo sau")
    page.get_by_role("button", name="Chốt kỳ").click()
    expect(page.locator("[data-closed]")).to_contain_text("Đã chốt kỳ")
    expect(page.get_by_text("Không có số liệu nào thay đổi so với khi chốt.")).to_be_visible()
    assert_accessible(page)
    shot("closed")

    # 4. a record behind a submitted figure is voided: the closed period shows the flag
    page.goto(f"/kiem-tra/{inspection}/huy/")
    page.get_by_label("Lý do hủy").fill("Ghi nhầm")
    page.get_by_role("button", name="Hủy hồ sơ").click()
    expect(page.locator(".messages")).to_contain_text("Đã hủy")
    page.goto(f"/nop-bao-cao/HA.DBK/ky/?{YEAR}")
    flags = page.locator("[data-flag]")
    expect(flags.first).to_be_visible()
    expect(page.locator("[data-flags]")).to_contain_text(" → ")
    assert_accessible(page)
    shot("flagged")

    # 5. the bloc reopens the period with a reason
    page.get_by_label("Lý do mở lại").fill("Đơn vị sửa hồ sơ, nộp lại")
    page.get_by_role("button", name="Mở lại kỳ").click()
    expect(page.locator(".messages")).to_contain_text("Đã mở lại kỳ báo cáo")
    expect(page.locator("[data-closures]")).to_contain_text("Đơn vị sửa hồ sơ, nộp lại")
    expect(page.locator("[data-closed]")).to_have_count(0)
