"""Issue 16's journey in a real browser: a letter from registration to the figures.

The demo inspector (kiemtravien, at the bloc, no second factor) first notes the bloc's letters
figures for this year on the report page. Then they register a signed denunciation (filer's
name, address, phone, ID; two content items, one a line; an accused member picked by name
without diacritics; received a few days ago), accept it for resolution with themselves as the
handler and see the countdown ("còn N ngày"), record two steps, conclude one item "Tố cáo đúng,
có vi phạm" and the other "Tố cáo sai" (the whole letter: "đúng một phần"), open the
discipline case it leads to and follow the letter's link to the case, whose origin is "Từ giải
quyết đơn thư". They register an anonymous denunciation and link it as information to an
existing inspection. The report for the year then counts both letters in «Tiếp nhận và giải
quyết đơn thư» and the review («Soạn báo cáo») says how many letters were received.
Last, the filer's identity: the handler sees it through the button, logged; the bloc's
committee leader (lanhdao.capuy, no second factor) has no button and the name is nowhere on
the letter's page. Screenshots: test-artifacts/test_letter_from_register_*.png.
"""

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from ktgs.core.vietnamese import fold

pytestmark = pytest.mark.browser

HANDLER = "kiemtravien"
COMMITTEE_LEADER = "lanhdao.capuy"
FILER = "Trần Thị Bích Ngọc"
FILER_PHONE = "0912 345 678"
FILER_ID = "001190012345"
ITEMS = (
    "Sử dụng xe công vào việc riêng trong năm",
    "Không kê khai tài sản là căn nhà đứng tên người thân",
)

# {table key: {column key: index of its <td> in a row}} of the letters tables read here
DON_THU = {"tn": 0, "nd": 1, "tt": 4, "tl": 6, "gq": 7, "dmp": 9}
NOI_DUNG = {"sai": 0, "vp": 3, "tong": 5}


def today() -> date:
    """The app's today (Asia/Ho_Chi_Minh), not this process's."""
    return datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()


def vn(d: date) -> str:
    return d.strftime("%d/%m/%Y")


def sign_in(page: Page, username: str, password: str) -> None:
    page.context.clear_cookies()
    page.goto("/dang-nhap/")
    page.locator("input[name='username']").fill(username)
    page.locator("input[name='password']").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).not_to_have_url(re.compile(r"/dang-nhap/"))


def open_year_report(page: Page, year: int) -> None:
    """The report page of the user's own unit (the menu's «Báo cáo»), for the year."""
    page.get_by_role("navigation", name="Chức năng chính").get_by_role(
        "link", name="Báo cáo"
    ).click()
    expect(page).to_have_url(re.compile(r"/bao-cao/[^/]+/$"))
    page.get_by_label("Kỳ báo cáo", exact=True).select_option(label="Năm")
    page.get_by_label("Năm", exact=True).fill(str(year))
    page.get_by_role("button", name="Xem").click()
    expect(page.locator(".period-title")).to_have_text(f"Năm {year}")


def figures(page: Page, table: str, columns: dict[str, int], row: str = "to_cao") -> dict:
    """The figures of one row of a report table (the number before any "(previous)")."""
    cells = page.locator(f'table[data-table="{table}"] tr[data-row="{row}"] td')
    out = {}
    for key, index in columns.items():
        text = cells.nth(index).inner_text()
        out[key] = int(re.match(r"\s*([\d.]+)", text).group(1).replace(".", ""))
    return out


def pick_member(page: Page, field: str, name: str, code: str) -> None:
    """Type the name without diacritics into a several-records picker and choose, with the
    keyboard, the suggestion ending in (code): it becomes a ticked entry."""
    box = page.locator(f"#id_{field}")
    box.fill("")
    box.press_sequentially(fold(name), delay=15)
    page.wait_for_timeout(400)  # past the picker's 250 ms pause
    expect(page.locator(f"#id_{field}_goi_y [data-value$='({code})']")).to_have_count(1)
    options = page.locator(f"#id_{field}_goi_y [role=option]")
    values = [o.get_attribute("data-value") for o in options.all()]
    index = next(i for i, v in enumerate(values) if v.endswith(f"({code})"))
    for _ in range(index + 1):
        box.press("ArrowDown")
    box.press("Enter")
    expect(page.locator(f"input[name='{field}'][type=checkbox][value$='({code})']")).to_be_checked()


def choose_first(page: Page, field: str, *, group: str | None = None) -> str:
    """Select the first real option of a <select> (in its optgroup `group`); its label."""
    scope = page.locator(f"#id_{field}")
    if group:
        scope = scope.locator(f"optgroup[label='{group}']")
    option = scope.locator("option:not([value=''])").first
    label = option.inner_text().strip()
    page.locator(f"#id_{field}").select_option(option.get_attribute("value"))
    return label


def register(page: Page, *, received: date, anonymous: bool, summary: str) -> None:
    """Open the register form and fill what both letters share (not submitted): one of the
    user's own bodies, received date, by post, a denunciation, the summary."""
    page.goto("/don-thu/them/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Vào sổ đơn thư")
    own = page.locator("input[name='body'][data-picker-own]:not([data-picker-other])")
    own.first.check()
    page.locator("#id_received_on").fill(vn(received))
    page.locator("#id_channel").select_option("post")
    page.locator("#id_kind").select_option("denunciation")
    if anonymous:
        page.get_by_label("Đơn nặc danh, mạo danh hoặc không rõ người gửi").check()
    page.locator("#id_summary").fill(summary)


def test_letter_from_register_to_figures_and_filer_identity(
    page: Page, live_app: str, demo_password: str, shot
):
    now = today()
    received = max(now - timedelta(days=6), date(now.year, 1, 1))

    def day(n: int) -> date:  # n days after receipt, never after today
        return min(received + timedelta(days=n), now)

    sign_in(page, HANDLER, demo_password)
    open_year_report(page, now.year)
    before = figures(page, "don_thu", DON_THU)
    before_items = figures(page, "don_thu_noi_dung", NOI_DUNG)
    before_all = figures(page, "don_thu", {"tn": 0}, row="tong")

    # An accused member, picked from the members' list the handler sees.
    page.goto("/dang-vien/")
    link = page.locator("main table tbody tr td:first-child a").last
    member_name = link.inner_text().strip()
    member_code = link.get_attribute("href").rstrip("/").rsplit("/", 1)[-1]

    # 1. A signed denunciation, two content items, the accused member by name.
    register(page, received=received, anonymous=False, summary="Tố cáo đảng viên vi phạm")
    page.locator("#id_filer_name").fill(FILER)
    page.locator("#id_filer_address").fill("Số 5 đường Lê Lợi, phường Hòa An")
    page.locator("#id_filer_phone").fill(FILER_PHONE)
    page.locator("#id_filer_citizen_id").fill(FILER_ID)
    page.locator("#id_items").fill("\n".join(ITEMS))
    pick_member(page, "accused_members", member_name, member_code)
    shot("register-signed")
    page.get_by_role("button", name="Vào sổ").click()
    expect(page).to_have_url(re.compile(r"/don-thu/\d+/$"))
    letter_url = page.url
    main = page.locator("main")
    expect(page.locator(".messages")).to_contain_text("Đã vào sổ đơn số")
    expect(main).to_contain_text(f"{member_name} ({member_code})")
    expect(page.locator("ol.letter-items li")).to_have_count(2)
    expect(main).not_to_contain_text(FILER)  # registered, never shown back
    expect(main).to_contain_text("Đơn chưa được thụ lý giải quyết")
    shot("registered")

    # 2. Accepted for resolution, the inspector as handler: the countdown.
    page.get_by_role("link", name="Quyết định giải quyết (thụ lý)").click()
    expect(page).to_have_url(re.compile(r"/thu-ly/$"))
    page.locator("#id_accepted_on").fill(vn(day(1)))
    page.locator("#id_number").fill("15-QĐ/UBKT")
    me = page.locator(".user-name").inner_text().strip()  # the signed-in user, as named
    page.locator("#id_handler").select_option(label=me)
    page.get_by_role("button", name="Ghi quyết định").click()
    expect(page).to_have_url(letter_url)
    expect(main).to_contain_text("Đang giải quyết")
    expect(main).to_contain_text(me)  # the handler
    expect(page.locator("section.letter-deadline")).to_contain_text(
        re.compile(r"còn \d+ ngày", re.IGNORECASE)
    )
    shot("accepted-countdown")

    # 3. Two steps, each with its date.
    for n, (label, note) in enumerate(
        (
            ("Làm việc với người, tổ chức bị tố cáo", "Đảng viên bị tố cáo giải trình"),
            ("Xác minh, thu thập tài liệu", "Xác minh tại nơi ở"),
        ),
        start=2,
    ):
        page.get_by_role("link", name="Ghi bước giải quyết").click()
        expect(page).to_have_url(re.compile(r"/buoc-giai-quyet/$"))
        page.locator("#id_kind").select_option(label=label)
        page.locator("#id_on").fill(vn(day(n)))
        page.locator("#id_note").fill(note)
        page.get_by_role("button", name="Ghi bước").click()
        expect(page).to_have_url(letter_url)
        expect(page.locator("table.letter-steps")).to_contain_text(label)
    # with the acceptance, recorded as a step of its own
    expect(page.locator("table.letter-steps tbody tr")).to_have_count(3)
    expect(page.locator("table.letter-steps")).to_contain_text("Quyết định giải quyết (thụ lý)")
    shot("steps")

    # 4. The two items concluded differently: the letter is partly true.
    page.get_by_role("link", name="Kết luận các nội dung").click()
    expect(page).to_have_url(re.compile(r"/ket-luan/$"))
    verdicts = page.locator("select[name^='verdict_']")
    expect(verdicts).to_have_count(2)
    verdicts.nth(0).select_option(label="Tố cáo đúng, có vi phạm")
    verdicts.nth(1).select_option(label="Tố cáo sai")
    page.locator("textarea[name^='note_']").nth(0).fill("Có sử dụng xe công 12 lần")
    page.locator("#id_concluded_on").fill(vn(now))
    page.locator("#id_number").fill("20-TB/UBKT")
    page.locator("#id_conclusion").fill("Tố cáo đúng một phần; xem xét kỷ luật đảng viên.")
    shot("conclude-form")
    page.get_by_role("button", name="Ghi kết luận").click()
    expect(page).to_have_url(letter_url)
    expect(main).to_contain_text("Đã kết luận")
    expect(page.locator("table.letter-verdicts")).to_contain_text("Tố cáo đúng, có vi phạm")
    expect(page.locator("table.letter-verdicts")).to_contain_text("Tố cáo sai")
    expect(page.locator("#giai-quyet-don")).to_contain_text("Tố cáo đúng một phần")
    shot("concluded")

    # 5. The discipline case it leads to, opened from the letter; the letter links to it.
    page.get_by_role("link", name="Mở vụ việc kỷ luật từ đơn").click()
    expect(page).to_have_url(re.compile(r"/mo-vu-viec-ky-luat/$"))
    choose_first(page, "body")
    page.locator("#id_subject").select_option(label=f"{member_name} ({member_code})")
    page.locator("#id_opened_on").fill(vn(now))
    page.get_by_role("button", name="Mở vụ việc").click()
    expect(page).to_have_url(re.compile(r"/ky-luat/vu-viec/\d+/$"))
    case_url = page.url
    page.goto(letter_url)
    related = page.locator("#giai-quyet-don li", has_text="Dẫn đến")
    expect(related).to_have_count(1)
    related.get_by_role("link").click()
    expect(page).to_have_url(case_url)
    expect(page.locator("main")).to_contain_text("Từ giải quyết đơn thư")
    expect(page.locator("main")).to_contain_text(member_name)
    shot("case-from-letter")

    # 6. An anonymous denunciation with a clear accused and specific content: routed «lưu làm
    # thông tin» by the rule cited, then linked as information to an existing inspection.
    register(page, received=received, anonymous=True, summary="Phản ánh sai phạm trong đấu thầu")
    pick_member(page, "accused_members", member_name, member_code)
    page.get_by_role("button", name="Vào sổ").click()
    expect(page).to_have_url(re.compile(r"/don-thu/\d+/$"))
    anonymous_url = page.url
    expect(main).to_contain_text("Nặc danh, mạo danh")
    shot("anonymous-registered")
    page.get_by_role("link", name="Phân loại, xử lý đơn").click()
    expect(page).to_have_url(re.compile(r"/phan-loai/$"))
    expect(page.locator("main")).to_contain_text("Đơn nặc danh, mạo danh có nội dung cụ thể")
    page.get_by_label("Đơn tố cáo nặc danh, mạo danh có nội dung cụ thể: lưu làm thông tin").check()
    page.locator("#id_on").fill(vn(day(1)))
    page.get_by_label("Đơn ghi rõ người, tổ chức bị tố cáo và nội dung tố cáo cụ thể").check()
    shot("anonymous-routing")
    page.get_by_role("button", name="Ghi kết quả phân loại").click()
    expect(page).to_have_url(anonymous_url)
    expect(main).to_contain_text("Lưu làm thông tin")
    page.get_by_role("link", name="Liên kết cuộc kiểm tra, vụ việc").click()
    expect(page).to_have_url(re.compile(r"/lien-ket-vu-viec/$"))
    expect(page.locator("#id_target optgroup").first.locator("option")).not_to_have_count(0)
    inspection = choose_first(page, "target", group="Cuộc kiểm tra, giám sát")
    page.locator("#id_relation").select_option(label="Làm thông tin cho")
    shot("link-form")
    page.get_by_role("button", name="Liên kết", exact=True).click()
    expect(page).to_have_url(anonymous_url)
    info = page.locator("#giai-quyet-don li", has_text="Làm thông tin cho")
    expect(info).to_contain_text(inspection.split(" — ")[0])
    shot("anonymous-linked")

    # 7. The figures: both letters received, one anonymous, both accepted, one resolved
    # partly true; its items one "sai", one "đúng, có vi phạm"; the review says it.
    open_year_report(page, now.year)
    after = figures(page, "don_thu", DON_THU)
    assert after == {
        "tn": before["tn"] + 2,
        "nd": before["nd"] + 1,
        "tl": before["tl"] + 1,
        "tt": before["tt"] + 1,
        "gq": before["gq"] + 1,
        "dmp": before["dmp"] + 1,
    }
    after_items = figures(page, "don_thu_noi_dung", NOI_DUNG)
    assert after_items == {
        "sai": before_items["sai"] + 1,
        "vp": before_items["vp"] + 1,
        "tong": before_items["tong"] + 2,
    }
    received_all = figures(page, "don_thu", {"tn": 0}, row="tong")["tn"]
    assert received_all == before_all["tn"] + 2
    page.locator("#bieu-don_thu").scroll_into_view_if_needed()
    shot("report-letters")
    page.get_by_role("button", name="Soạn báo cáo").click()
    expect(page).to_have_url(re.compile(r"/bao-cao/[^/]+/du-thao/\d+/$"))
    generated = page.locator('[data-kind="generated"] textarea')
    expect(generated.first).to_be_visible()
    # numbers as the review writes them: at least two digits ("02")
    values = [g.input_value() for g in generated.all()]
    letters = [t for t in values if re.search(r"tiếp nhận \d+ đơn", t)]
    assert len(letters) == 1, letters
    assert re.search(rf"tiếp nhận 0*{received_all} đơn", letters[0]), letters[0]
    assert re.search(r"\bđúng một phần\b", letters[0]), letters[0]
    shot("review")

    # 8. The filer's identity: the handler sees it through the button.
    page.goto(letter_url)
    expect(main).not_to_contain_text(FILER)
    page.get_by_role("button", name="Xem thông tin người gửi").click()
    expect(page.locator("#thong-tin-nguoi-gui")).to_contain_text(FILER)
    expect(page.locator("#thong-tin-nguoi-gui")).to_contain_text(FILER_ID)
    shot("identity-handler")

    # ... the committee leader reads the letter but has no button; the name is nowhere.
    sign_in(page, COMMITTEE_LEADER, demo_password)
    page.goto(letter_url)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Đơn số")
    expect(page.locator("#nguoi-gui ~ *").first).to_contain_text("giữ bí mật")
    expect(page.get_by_role("button", name="Xem thông tin người gửi")).to_have_count(0)
    html = page.content()
    assert FILER not in html and FILER_PHONE not in html and FILER_ID not in html
    assert fold(FILER) not in fold(html)
    shot("identity-committee-leader")
