"""Issue 13 in a real browser: an inspection of three units and two members, all picked by name
typed without diacritics, with the keyboard (ArrowDown, Enter) and the mouse; the body chosen
among the inspector's own bodies. Screenshots: test-artifacts/test_picker_journey-*.png."""

import re
import unicodedata

import pytest
from playwright.sync_api import Page, expect

from tests.browser.axe import axe

pytestmark = pytest.mark.browser

SERIOUS = ("serious", "critical")
USER = "kiemtravien"
# three grassroots organisations of the demo bloc and a cell whose name is shared by many
UNITS = ("so y te", "so tai chinh", "so xay dung")


def bare(text: str) -> str:
    """The name as typed on a keyboard without Vietnamese input: no diacritics, đ → d."""
    decomposed = unicodedata.normalize("NFD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return plain.replace("đ", "d").replace("Đ", "D").lower()


def assert_accessible(page: Page) -> None:
    """axe-core (bundled in axe-playwright-python, no network) finds no serious or critical
    violation on the page as it stands."""
    results = axe().run(page)
    serious = [v for v in results.response["violations"] if v["impact"] in SERIOUS]
    assert not serious, results.generate_report()


def sign_in(page: Page, password: str) -> None:
    page.goto("/dang-nhap/")
    page.locator("input[name='username']").fill(USER)
    page.locator("input[name='password']").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).not_to_have_url(re.compile(r"/dang-nhap/"))


def suggestions(page: Page, field: str):
    return page.locator(f"#id_{field}_goi_y [role=option]")


def type_and_wait(page: Page, field: str, text: str) -> None:
    box = page.locator(f"#id_{field}")
    box.fill("")
    box.press_sequentially(text, delay=20)
    expect(page.locator(f"#id_{field}_goi_y")).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")


def test_an_inspection_of_units_and_members_picked_by_name(
    page: Page, live_app: str, demo_password: str, shot
):
    sign_in(page, demo_password)

    # two members of one cell, read from the member list (the app has its own database)
    page.goto("/dang-vien/?don_vi=HA.DBK.003.01&ca_cay=0")
    links = page.locator("main table tbody tr td:first-child a")
    people = []
    for i in range(2):
        link = links.nth(i)
        people.append(
            (link.inner_text().strip(), link.get_attribute("href").rstrip("/").rsplit("/", 1)[-1])
        )

    page.goto("/kiem-tra/them/")
    page.get_by_role("radio", name=re.compile(r"^UBKT ")).check()
    page.locator("#id_kind").select_option("supervision_thematic")
    page.locator("#id_decision_number").fill("88-QĐ/UBKTĐUK")
    page.locator("#id_decided_on").fill("02/03/2026")
    page.locator("#id_topic").fill("Giám sát việc thực hiện quy chế làm việc")

    # units: the first by keyboard (ArrowDown, Enter), the others by mouse
    chosen_units = []
    for n, name in enumerate(UNITS):
        type_and_wait(page, "unit_subjects", f"dang bo {name}")
        option = suggestions(page, "unit_subjects").first
        chosen_units.append(option.get_attribute("data-value"))
        if n == 0:
            page.locator("#id_unit_subjects").press("ArrowDown")
            expect(option).to_have_attribute("aria-selected", "true")
            expect(page.locator("#id_unit_subjects")).to_have_attribute(
                "aria-activedescendant", option.get_attribute("id")
            )
            page.locator("#id_unit_subjects").press("Enter")  # chooses; does not submit
        else:
            option.click()
        expect(page.locator("#id_unit_subjects")).to_have_value("")
    chips = page.locator(".picker-chosen input[name=unit_subjects]:checked")
    expect(chips).to_have_count(3)
    shot("units")

    # Escape closes the list without choosing
    type_and_wait(page, "unit_subjects", "chi bo van phong")
    page.locator("#id_unit_subjects").press("Escape")
    expect(page.locator("#id_unit_subjects_goi_y")).to_be_hidden()
    page.locator("#id_unit_subjects").fill("")

    # members: typed without diacritics; each suggestion shows the birth year and the cell
    for n, (full_name, code) in enumerate(people):
        type_and_wait(page, "member_codes", bare(full_name))
        options = suggestions(page, "member_codes")
        expect(options.first).to_contain_text("sinh năm")
        if n == 0:
            shot("member-suggestions")
            assert_accessible(page)  # the form with the suggestion list open
        target = options.filter(has_text=code)
        expect(target).to_have_count(1)
        index = [options.nth(i).get_attribute("data-value") for i in range(options.count())].index(
            target.get_attribute("data-value")
        )
        for _ in range(index + 1):
            page.locator("#id_member_codes").press("ArrowDown")
        page.locator("#id_member_codes").press("Enter")
    expect(page.locator(".picker-chosen input[name=member_codes]:checked")).to_have_count(2)
    shot("members")

    page.get_by_role("button", name="Tạo", exact=True).click()
    expect(page).to_have_url(re.compile(r"/kiem-tra/\d+/$"))
    main = page.locator("main")
    for text in chosen_units:
        expect(main).to_contain_text(text.rsplit(" (", 1)[0])
    for full_name, _code in people:
        expect(main).to_contain_text(full_name)
    shot("created")
