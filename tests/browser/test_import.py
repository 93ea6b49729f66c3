"""The import journey of issue 4, in a real browser against the real server on SQLite.

The inspector uploads a members file with an error, reads the problem list, downloads the
problem report and finds the row in it (openpyxl), fixes the file and imports it again; the job
runs in its own process (ktgs.exchange.worker) and the page's progress bar, polled by htmx,
shows at least one intermediate value — the server runs with KTGS_IMPORT_THROTTLE_MS (see
conftest.app_env), which makes each progress step last a while. Meanwhile another user (the
grassroots officer) opens the member list and saves a member: SQLite is not locked while the
import validates. At the end the imported members are in the member list.
"""

import re
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import Page, expect

from ktgs.exchange import format

pytestmark = pytest.mark.browser

INSPECTOR = "kiemtravien"
OFFICER = "canbo.coso"  # grassroots officer of HA.DBK.001
CELL = "HA.DBK.001.01"
# The columns this test fills; the file carries every header of the format (the rest empty).
MEMBERS = ["Mã đảng viên", "Họ", "Tên đệm", "Tên", "Ngày sinh", "Giới tính", "Ngày vào Đảng",
           "Ngày chính thức"]  # fmt: skip
LIVES = ["Mã đảng viên", "Mã chi bộ", "Từ ngày"]


def _append(sheet, spec, columns: list[str], rows: list[list]) -> None:
    sheet.title = spec.name
    sheet.append(spec.headers)
    for row in rows:
        given = dict(zip(columns, row, strict=True))
        sheet.append([given.get(header, "") for header in spec.headers])


GIVEN = ["An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Khánh", "Lan", "Minh", "Nga"]
BAD_ROW = 4  # the third member (row 1 holds the headers)


def members(bad: bool) -> tuple[list[list], list[list]]:
    rows, lives = [], []
    for i in range(30):
        code = f"NV95{i:04d}"
        born = "31/02/1986" if bad and i == BAD_ROW - 2 else date(1980 + i % 15, 1 + i % 12, 10)
        sex = "Nữ" if i % 2 else "Nam"
        rows.append([code, "Võ", "Nhập", f"{GIVEN[i % 10]}{i:02d}", born, sex, "15/06/2012", ""])
        lives.append([code, CELL, "15/06/2012"])
    return rows, lives


def write_book(path: Path, bad: bool) -> Path:
    rows, lives = members(bad)
    book = openpyxl.Workbook()
    _append(book.active, format.MEMBERS, MEMBERS, rows)
    _append(book.create_sheet(), format.MEMBERSHIPS, LIVES, lives)
    book.save(path)
    return path


def sign_in(page: Page, username: str, password: str) -> None:
    page.goto("/dang-nhap/")
    page.locator("input[name='username']").fill(username)
    page.locator("input[name='password']").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).not_to_have_url(re.compile(r"/dang-nhap/"))


def upload(page: Page, path: Path) -> None:
    menu = page.get_by_role("navigation", name="Chức năng chính")
    menu.get_by_role("link", name="Nhập dữ liệu", exact=True).click()
    expect(page.get_by_role("heading", name="Nhập dữ liệu")).to_be_visible()
    page.locator("input[name='tep']").set_input_files(path)
    page.get_by_role("button", name="Nhập dữ liệu").click()
    expect(page).to_have_url(re.compile(r"/du-lieu/nhap/[0-9a-f]{32}/$"))


def test_import_journey(page: Page, chromium, live_app, demo_password, shot, tmp_path) -> None:
    sign_in(page, INSPECTOR, demo_password)

    # 1. A file with an error: nothing written, the problem listed, the report downloadable.
    upload(page, write_book(tmp_path / "dang-vien.xlsx", bad=True))
    expect(page.get_by_text("chưa dòng nào được ghi")).to_be_visible(timeout=60_000)
    problems = page.locator(".job-problem-list tbody tr")
    expect(problems).to_have_count(2)  # the bad date, and so the member's row in «Sinh hoạt»
    expect(problems.first).to_contain_text("Ngày sinh")
    expect(problems.first).to_contain_text("31/02/1986")
    shot("problems")
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải báo cáo lỗi (.xlsx)").click()
    report = tmp_path / "bao-cao-loi.xlsx"
    download.value.save_as(report)
    rows = [
        [str(v) for v in row if v is not None]
        for row in openpyxl.load_workbook(report).active.iter_rows(values_only=True)
    ]
    assert any("Đảng viên" in row and str(BAD_ROW) in row and "Ngày sinh" in row for row in rows), (
        rows
    )

    # The other user signs in and picks a member to edit, before the import starts.
    other = chromium.new_context(base_url=live_app, locale="vi-VN")
    other_page = other.new_page()
    sign_in(other_page, OFFICER, demo_password)
    other_page.goto(f"/dang-vien/?don_vi={CELL}&ca_cay=0")
    member_url = other_page.locator("main table tbody tr td:first-child a").first.get_attribute(
        "href"
    )

    # 2. The fixed file: the progress bar moves; meanwhile the other user saves a member.
    upload(page, write_book(tmp_path / "dang-vien.xlsx", bad=False))
    seen, saved_while_running = set(), None
    bar, phase = page.locator("progress.job-bar"), page.locator(".job-phase")
    while not page.get_by_text("Đã nhập xong").is_visible():
        if bar.count():
            value, top = bar.get_attribute("value"), bar.get_attribute("max")
            if value and top and 0 < int(value) < int(top):
                if not seen:
                    shot("progress")
                seen.add((phase.inner_text(), value, top))
        if saved_while_running is None and phase.filter(has_text="Kiểm tra dữ liệu").count():
            other_page.goto(member_url + "sua/")
            other_page.get_by_label("Số CMND cũ").fill("012345678")
            other_page.get_by_role("button", name="Lưu").click()
            expect(other_page.get_by_text("Đã lưu hồ sơ đảng viên")).to_be_visible()
            saved_while_running = page.locator("#tien-do.job-running").count() == 1
        page.wait_for_timeout(200)
        assert not page.locator(".job-failed").count(), page.locator("#tien-do").inner_text()
    other.close()
    assert seen, "the progress bar showed no value between empty and full"
    assert saved_while_running, "the other user's save waited for the import to end"
    shot("imported")

    # 3. The members are in the member list.
    page.get_by_role("link", name="Xem danh sách đảng viên").click()
    page.locator("input[name='q']").fill("NV950002")
    page.get_by_role("button", name="Lọc").click()
    expect(page.locator("main table tbody")).to_contain_text("Võ Nhập Chi02")
    shot("member-list")
