"""Issue 6's journey in a real browser: a cell proposes expulsion, the superior body decides,
the member appeals within the window, the appeal changes the sanction; the member's page shows
all of it.

The demo UBKT leader (lanhdao.ubkt, at the bloc; signs in with a printed backup code) opens a
case on a member of a chi bộ under the đảng bộ cơ sở HA.DBK.001, picking the chi bộ and the
member by name typed without diacritics and choosing the suggestion with the keyboard (the
pickers' combobox: ArrowDown, Enter), and the UBKT among their own bodies: the chi bộ votes to propose
expulsion, the bloc's UBKT votes and decides it, the member appeals to the bloc's standing
committee within 30 days of receiving the decision, which changes the sanction to a warning.
Screenshots: test-artifacts/test_cell_proposes_*.png.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from ktgs.core.vietnamese import fold
from ktgs.demo.builder import DEMO_SECOND_FACTOR

pytestmark = pytest.mark.browser

LEADER = "lanhdao.ubkt"
CELL = "HA.DBK.001.02"


def sign_in(page: Page, password: str) -> None:
    page.goto("/dang-nhap/")
    page.locator("input[name='username']").fill(LEADER)
    page.locator("input[name='password']").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(re.compile(r"/dang-nhap/ma-xac-thuc/"))
    _secret, backup_codes = DEMO_SECOND_FACTOR[LEADER]
    page.locator("input[name='otp_token']").fill(backup_codes[-1])
    page.get_by_role("button", name="Xác nhận").click()
    expect(page).not_to_have_url(re.compile(r"/dang-nhap/"))


def choose(page: Page, field: str, text: str) -> None:
    select = page.locator(f"#id_{field}")
    value = select.locator("option", has_text=text).first.get_attribute("value")
    select.select_option(value)


def pick(page: Page, field: str, typed: str, token: str) -> None:
    """Type part of a name into the picker `field` and choose, with the keyboard, the
    suggestion whose code is `token`."""
    box = page.locator(f"#id_{field}")
    box.fill("")
    box.press_sequentially(typed, delay=15)  # key by key: htmx asks as the user types
    page.wait_for_timeout(400)  # past the picker's 250 ms pause
    options = page.locator(f"#id_{field}_goi_y [role=option]")
    expect(page.locator(f"#id_{field}_goi_y [data-value$='({token})']")).to_have_count(1)
    expect(box).to_have_attribute("aria-expanded", "true")
    values = [o.get_attribute("data-value") for o in options.all()]
    index = next(i for i, v in enumerate(values) if v.endswith(f"({token})"))
    for _ in range(index + 1):
        box.press("ArrowDown")
    expect(box).to_have_attribute("aria-activedescendant", f"{field}_goi_y_{index}")
    box.press("Enter")  # chooses; does not submit the form
    expect(box).to_have_value(values[index])
    expect(box).to_have_attribute("aria-expanded", "false")


def test_cell_proposes_expulsion_superior_decides_appeal_changes(
    page: Page, live_app: str, demo_password: str, shot
):
    sign_in(page, demo_password)
    page.goto(f"/to-chuc/{CELL}/")
    cell_name = page.get_by_role("heading", level=1).inner_text().strip()
    page.goto(f"/dang-vien/?don_vi={CELL}&ca_cay=0")
    rows = page.locator("main table tbody tr")
    # a member who is not the cell's secretary (the first rows are often office holders)
    link = rows.nth(rows.count() - 1).locator("td:first-child a")
    member_name = link.inner_text().strip()
    member_url = link.get_attribute("href")
    member_code = member_url.rstrip("/").rsplit("/", 1)[-1]

    # The case, considered by the chi bộ (its meeting, not its chi ủy), on the member: both
    # picked by name without diacritics.
    page.goto("/ky-luat/vu-viec/moi/")
    expect(page.get_by_label("UBKT Đảng ủy Khối")).to_have_count(1)  # own bodies, once
    pick(page, "body", f"hoi nghi {fold(cell_name)}", f"{CELL}/cb")
    pick(page, "member", fold(member_name), member_code)
    expect(page.locator("#id_member")).to_have_value(f"{member_name} ({member_code})")
    shot("case-picked")
    page.locator("#id_origin").select_option("own")
    page.locator("#id_opened_on").fill("01/09/2026")
    page.get_by_role("button", name="Mở vụ việc").click()
    expect(page).to_have_url(re.compile(r"/ky-luat/vu-viec/\d+/$"))
    case_url = page.url
    expect(page.locator("main")).to_contain_text(member_name)

    page.get_by_role("link", name="Ghi vi phạm").click()
    page.locator("#id_description").fill(
        "Vi phạm nghiêm trọng quy định về những điều đảng viên không được làm"
    )
    page.locator("#id_kind").select_option("conduct")
    page.locator("#id_category").select_option("prohibited_acts")
    page.locator("#id_started_on").fill("01/02/2026")
    page.locator("#id_ended_on").fill("30/06/2026")
    page.get_by_role("button", name="Ghi", exact=True).click()
    expect(page.locator("main")).to_contain_text("thời hiệu đến")
    shot("violation")

    # The chi bộ proposes expulsion (7 of its 9 full members).
    page.get_by_role("link", name="Ghi biểu quyết").click()
    expect(page.locator("#id_body")).to_have_value(re.compile(rf"\({re.escape(CELL)}/cb\)$"))
    page.get_by_label("Đề nghị").check()
    page.locator("#id_voted_on").fill("15/09/2026")
    page.locator("#id_denominator").fill("9")  # as the minutes say
    page.locator("#id_n_expulsion").fill("7")  # at least two thirds
    page.get_by_role("button", name="Ghi", exact=True).click()
    expect(page).to_have_url(case_url)
    expect(page.locator("table.votes")).to_contain_text("Khai trừ")
    shot("cell-proposes")

    # The bloc's UBKT votes and decides.
    page.get_by_role("link", name="Ghi biểu quyết").click()
    page.locator("#id_body").fill("chi bo con lai")  # replaced by the own body ticked below
    page.get_by_label("UBKT Đảng ủy Khối").check()
    expect(page.locator("#id_body")).to_have_value("")
    page.get_by_label("Quyết định", exact=True).check()
    page.locator("#id_voted_on").fill("01/10/2026")
    page.locator("#id_denominator").fill("7")
    page.locator("#id_n_expulsion").fill("6")
    page.get_by_role("button", name="Ghi", exact=True).click()
    expect(page).to_have_url(case_url)
    page.get_by_role("link", name="Ghi quyết định kỷ luật").click()
    # wait for the form's page (a click does not wait for the navigation it starts)
    expect(page).to_have_url(re.compile(r"/quyet-dinh/$"))
    expect(page.locator("#id_form option", has_text="Khai trừ")).to_have_count(1)
    page.locator("#id_form").select_option("expulsion")
    page.locator("#id_number").fill("88-QĐ/UBKTĐUK")
    page.locator("#id_signed_on").fill("01/10/2026")
    page.locator("#id_received_on").fill("05/10/2026")
    shot("decision-form")
    page.get_by_role("button", name="Ghi quyết định").click()
    expect(page).to_have_url(case_url)
    expect(page.locator("dl.decision")).to_contain_text("Khai trừ")

    # The member appeals within 30 days of receiving it; the standing committee changes it.
    page.get_by_role("link", name="Ghi khiếu nại").click()
    page.locator("#id_filed_on").fill("20/10/2026")
    choose(page, "resolver", "Ban Thường vụ Đảng bộ Khối")
    page.get_by_role("button", name="Ghi", exact=True).click()
    expect(page).to_have_url(case_url)
    expect(page.locator("main")).to_contain_text("đang giải quyết")
    page.get_by_role("link", name="Ghi kết quả giải quyết").click()
    page.get_by_label("Thay đổi hình thức kỷ luật").check()
    page.locator("#id_resolved_on").fill("10/11/2026")
    page.locator("#id_new_form").select_option("warning")
    page.get_by_role("button", name="Ghi", exact=True).click()
    expect(page).to_have_url(case_url)
    expect(page.locator("main")).to_contain_text("hình thức mới: cảnh cáo")
    shot("appeal-changed")

    # The member's page: registered again (the expulsion was lightened), with the history.
    page.goto(member_url)
    main = page.locator("main")
    expect(main).to_contain_text("Khai trừ")
    expect(main).to_contain_text("Cảnh cáo")
    expect(main).not_to_contain_text("Không còn sinh hoạt đảng")
    shot("member-page")
