"""Issue 5's journey in a real browser: programme → thematic supervision → steps → signs of
violation → inspection on signs of violation → "warranting discipline" → follow-up on home.

The demo grassroots officer (canbo.coso, at the đảng bộ cơ sở HA.DBK.001, where the demo has no
open follow-up) works for the UBKT of that đảng bộ: it issues its 2026 programme, adds an item (a thematic supervision of one of its
cells and one member), turns the item into a supervision, records the steps, concludes "signs of
violation" for the member, switches to an inspection on signs of violation, concludes
"violation warranting discipline" with a recommendation, and finds the recommendation among the
follow-ups on the home page. Screenshots: test-artifacts/test_inspection_journey-*.png.
"""

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

USER = "canbo.coso"
BASE = "HA.DBK.001"
CELL = "HA.DBK.001.01"
RECOMMENDATION = "Kiểm điểm trách nhiệm trước chi bộ và báo cáo kết quả khắc phục"


def sign_in(page: Page, password: str) -> None:
    page.goto("/dang-nhap/")
    page.locator("input[name='username']").fill(USER)
    page.locator("input[name='password']").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).not_to_have_url(re.compile(r"/dang-nhap/"))


def record_step(page: Page, step: str, day: str, *, skip: bool = False) -> None:
    row = page.locator("table.steps tbody tr", has_text=step)
    row.get_by_role("link", name="Ghi bước này").click()
    if skip:
        page.locator("#id_skipped").check()
        page.locator("#id_done_on").fill("")
    else:
        page.locator("#id_done_on").fill(day)
    page.get_by_role("button", name="Ghi", exact=True).click()
    expect(page.locator("table.steps tbody tr", has_text=step)).to_contain_text(
        "Không thực hiện" if skip else day
    )


def test_programme_to_discipline_proposal(page: Page, live_app: str, demo_password: str, shot):
    sign_in(page, demo_password)

    # A member of the cell, read from the member list (the app has its own database).
    page.goto(f"/dang-vien/?don_vi={CELL}&ca_cay=0")
    first = page.locator("main table tbody tr td:first-child a").first
    member_name = first.inner_text().strip()
    member_code = first.get_attribute("href").rstrip("/").rsplit("/", 1)[-1]

    # 1. The programme of the grassroots UBKT, and one item.
    page.get_by_role("navigation", name="Chức năng chính").get_by_role(
        "link", name="Chương trình", exact=True
    ).click()
    page.goto(f"/to-chuc/{BASE}/")
    unit_name = page.get_by_role("heading", level=1).inner_text().strip()
    body_label = f"Ủy ban Kiểm tra {unit_name}"
    page.goto("/chuong-trinh/moi/")
    # the officer's own bodies are offered once each, by short name: the UBKT of the đảng bộ
    page.get_by_role("radio", name=re.compile(r"^UBKT ")).check()
    page.locator("#id_year").fill("2026")
    page.locator("#id_number").fill("07-CTr/UBKTĐU")
    page.locator("#id_issued_on").fill("05/01/2026")
    page.locator("#id_title").fill("Chương trình kiểm tra, giám sát năm 2026")
    shot("programme-form")
    page.locator("main form button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(r"/chuong-trinh/\d+/$"))
    expect(page.locator("main")).to_contain_text("07-CTr/UBKTĐU")
    programme_url = page.url

    page.locator("#id_kind").select_option("supervision_thematic")
    page.locator("#id_topic").fill("Giám sát việc thực hiện quy chế làm việc của chi ủy")
    page.locator("#id_quarter").select_option("3")
    page.locator("#id_lead").fill("Đồng chí Chủ nhiệm UBKT")
    page.locator("#id_member_codes").fill(member_code)  # a code still works
    page.get_by_role("button", name="Thêm nội dung").click()
    expect(page).to_have_url(re.compile(re.escape(programme_url) + r"(#noi-dung-\d+)?$"))
    expect(page.locator("main")).to_contain_text("quy chế làm việc của chi ủy")
    shot("programme")

    # 2. The item becomes a thematic supervision (the form comes prefilled from the item).
    page.get_by_role("link", name="Tạo cuộc kiểm tra, giám sát").first.click()
    expect(page.locator("#id_kind")).to_have_value("supervision_thematic")
    chosen = (
        page.locator("#id_member_codes")
        .locator("xpath=..")
        .locator(f"input[type=checkbox][value$='({member_code})']")
    )
    expect(chosen).to_be_checked()
    expect(page.get_by_role("radio", name=re.compile(r"^UBKT "))).to_be_checked()
    page.locator("#id_decision_number").fill("97-QĐ/UBKTĐU")
    page.locator("#id_decided_on").fill("01/09/2026")
    page.locator("#id_plan_ends_on").fill("30/10/2026")
    shot("supervision-form")
    page.get_by_role("button", name="Tạo", exact=True).click()
    expect(page).to_have_url(re.compile(r"/kiem-tra/\d+/$"))
    supervision_url = page.url
    expect(page.locator("main")).to_contain_text(body_label)
    expect(page.locator("main")).to_contain_text(member_name)

    # 3. Steps, in order.
    record_step(page, "Công bố quyết định", "03/09/2026")
    record_step(page, "Đối tượng báo cáo, giải trình", "15/09/2026")
    record_step(page, "Thẩm tra, xác minh", "", skip=True)
    shot("supervision-steps")

    # 4. Conclusion: signs of violation.
    page.locator("table.subjects tbody tr", has_text=member_name).get_by_role(
        "link", name="Ghi kết luận"
    ).click()
    page.locator("#id_result").select_option("signs_of_violation")
    page.locator("#id_concluded_on").fill("25/09/2026")
    page.locator("#id_shortcomings").fill("Chưa thực hiện đúng quy chế làm việc")
    page.get_by_role("button", name="Ghi kết luận").click()
    expect(page).to_have_url(supervision_url)
    expect(page.locator("table.subjects")).to_contain_text("Có dấu hiệu vi phạm")
    shot("supervision-concluded")

    # 5. Switch to an inspection on signs of violation, linked to the supervision.
    page.get_by_role("link", name="Chuyển sang kiểm tra khi có dấu hiệu vi phạm").click()
    page.locator("#id_decision_number").fill("98-QĐ/UBKTĐU")
    page.locator("#id_decided_on").fill("01/10/2026")
    page.get_by_role("button", name="Tạo cuộc kiểm tra").click()
    expect(page).to_have_url(re.compile(r"/kiem-tra/\d+/$"))
    assert page.url != supervision_url
    main = page.locator("main")
    expect(main.get_by_role("heading", level=1)).to_contain_text("Kiểm tra khi có dấu hiệu vi phạm")
    expect(main).to_contain_text("Chuyển từ")

    # 6. Announce, then conclude "warranting discipline" with a recommendation.
    record_step(page, "Công bố quyết định", "05/10/2026")
    page.locator("table.subjects tbody tr", has_text=member_name).get_by_role(
        "link", name="Ghi kết luận"
    ).click()
    page.locator("#id_result").select_option("violation_discipline")
    page.locator("#id_concluded_on").fill("20/10/2026")
    page.locator("#id_shortcomings").fill("Vi phạm quy chế làm việc, gây hậu quả")
    page.locator("#id_recommendations").fill(RECOMMENDATION)
    page.locator("#id_follow_up_due_on").fill("31/12/2026")
    page.get_by_role("button", name="Ghi kết luận").click()
    expect(page.locator("table.subjects")).to_contain_text(
        "Có vi phạm đến mức phải xem xét kỷ luật"
    )
    expect(page.locator("table.subjects")).to_contain_text("Đề nghị xem xét kỷ luật")
    shot("inspection-concluded")

    # 7. The follow-up on the home page.
    page.get_by_role("navigation", name="Chức năng chính").get_by_role(
        "link", name="Tổng quan"
    ).click()
    panel = page.locator("section.follow-ups")
    expect(panel).to_contain_text(RECOMMENDATION)
    expect(panel).to_contain_text("31/12/2026")
    shot("home-follow-up")

    # The programme shows the item started.
    page.goto(programme_url)
    expect(page.locator("main")).to_contain_text("97-QĐ/UBKTĐU")
    shot("programme-progress")
