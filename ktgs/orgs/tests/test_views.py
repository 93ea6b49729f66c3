"""Pages of the tree and the register, driven over HTTP as the demo cast."""

import re
import unicodedata
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ktgs.core import keyset
from ktgs.core.models import Dated, Secrecy
from ktgs.core.vietnamese import fold
from ktgs.orgs import services, views
from ktgs.orgs.models import CommitteeSeat, Member, Membership, OrgUnit

pytestmark = pytest.mark.django_db

MEMBER_LINK = re.compile(r'<a href="/dang-vien/([^/"]+)/">([^<]+)</a>')


def listed(response) -> list[tuple[str, str]]:
    """(code, name) of the members shown in the page's table, in page order."""
    html = response.content.decode()
    return [(code, name) for code, name in MEMBER_LINK.findall(html) if code != "moi"]


def total(response) -> int:
    match = re.search(r"<strong>([\d.]+)</strong> đảng viên", response.content.decode())
    assert match, "the page says how many members match"
    return int(match.group(1).replace(".", ""))


def link(response, rel: str) -> str | None:
    """The query of the pager's link `rel` ("next", "prev") or label ("Trang cuối", "Trang đầu"),
    unescaped; None when the page has no such link."""
    html = response.content.decode()
    attr = f'rel="{rel}"' if rel in ("next", "prev") else f'aria-label="{rel}"'
    match = re.search(rf'<a class="btn" href="\?([^"]*)" {attr}>', html)
    return match.group(1).replace("&amp;", "&") if match else None


def walk(client, params: dict | None = None) -> list[list[str]]:
    """The codes of every page of the list, following «Trang sau» from the first page."""
    url = reverse("orgs:member_list")
    response = client.get(url, params or {})
    pages = [[code for code, _ in listed(response)]]
    while (query := link(response, "next")) is not None:
        response = client.get(f"{url}?{query}")
        pages.append([code for code, _ in listed(response)])
        assert len(pages) < 1000, "the pages end"
    return pages


def field_error(response, field: str) -> str:
    match = re.search(rf'id="id_{field}_error">([^<]+)<', response.content.decode())
    return match.group(1) if match else ""


def unit(code: str) -> OrgUnit:
    return OrgUnit.objects.get(code=code)


def first_cell(under: str) -> OrgUnit:
    parent = unit(under)
    return (
        OrgUnit.objects.filter(path__startswith=parent.path, kind__is_cell=True)
        .exclude(pk=parent.pk)
        .order_by("path")
        .first()
    )


def registered(under: str = "HA.DBK"):
    """Live members registered today in `under`'s subtree."""
    return Member.objects.live().filter(current_unit__path__startswith=unit(under).path)


def member_outside(code: str) -> Member:
    return (
        Member.objects.exclude(current_unit__path__startswith=unit(code).path)
        .filter(current_unit__isnull=False)
        .first()
    )


def member_inside(code: str) -> Member:
    return registered(code).first()


def written() -> tuple[int, int]:
    return Member.objects.count(), Membership.objects.count()


# --- member list: search, filters, order, pages ----------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "nguyen van",
        "Nguyễn Văn",
        unicodedata.normalize("NFD", "Nguyễn Văn"),
        "NGUYỄN VĂN",
        "NGUYEN VAN",
    ],
)
def test_search_ignores_diacritics_case_and_normal_form(client_as, query):
    response = client_as("ubkt_leader").get(reverse("orgs:member_list"), {"q": query})
    rows = listed(response)
    assert rows, "the demo bloc has members named Nguyễn Văn …"
    assert all("nguyen van" in fold(name) for _code, name in rows)
    names = registered().values_list("full_name", flat=True)
    assert total(response) == sum("nguyen van" in fold(name) for name in names)


def test_both_tone_mark_placements_find_the_same_members(client_as):
    cell = first_cell("HA.DBK.001")
    for n, (family, given) in enumerate([("Khổng", "Hoà"), ("Khổng", "Hòa")]):
        services.member_create(
            code=f"TEST-HOA-{n}",
            unit=cell,
            family_name=family,
            middle_name="Thị",
            given_name=given,
            birth_date=date(1985, 5, 1),
            sex="F",
            admitted_on=date(2010, 1, 1),
        )
    client = client_as("ubkt_leader")
    old_style = client.get(reverse("orgs:member_list"), {"q": "khổng thị hoà"})
    new_style = client.get(reverse("orgs:member_list"), {"q": "Khổng Thị Hòa"})
    assert listed(old_style) == listed(new_style)
    assert {code for code, _ in listed(old_style)} == {"TEST-HOA-0", "TEST-HOA-1"}


def test_search_by_member_code(client_as):
    member = member_inside("HA.DBK.001")
    response = client_as("ubkt_leader").get(reverse("orgs:member_list"), {"q": member.code})
    assert (member.code, member.full_name) in listed(response)


def test_list_is_in_vietnamese_name_order_across_pages(client_as):
    client = client_as("ubkt_leader")
    first = client.get(reverse("orgs:member_list"))
    second = client.get(reverse("orgs:member_list") + "?" + link(first, "next"))
    codes = [c for page in (first, second) for c, _ in listed(page)]
    assert len(codes) == 100 == len(set(codes))
    keys = dict(Member.objects.filter(code__in=codes).values_list("code", "sort_key"))
    ordered = [(keys[c], c) for c in codes]
    assert ordered == sorted(ordered)
    expected = list(registered().order_by("sort_key", "code").values_list("code", flat=True))
    assert codes == expected[:100]


def test_pages_of_fifty(client_as):
    client = client_as("ubkt_leader")
    first = client.get(reverse("orgs:member_list"))
    assert total(first) == 4759
    assert len(listed(first)) == 50
    assert link(first, "prev") is None and link(first, "Trang đầu") is None
    pages = walk(client)
    assert len(pages) == 96 and [len(p) for p in pages] == [50] * 95 + [4759 - 95 * 50]
    everyone = [code for page in pages for code in page]
    expected = registered().order_by("sort_key", "code").values_list("code", flat=True)
    assert everyone == list(expected)  # every member once, in name order
    # «Trang cuối» straight from the first page: the last fifty, read backwards (pages are
    # counted from the end there: keyset pages have no fixed boundaries)
    last = client.get(reverse("orgs:member_list") + "?" + link(first, "Trang cuối"))
    assert [code for code, _ in listed(last)] == everyone[-50:]
    assert link(last, "next") is None
    # and «Trang trước» from there is the fifty before them
    before = client.get(reverse("orgs:member_list") + "?" + link(last, "prev"))
    assert [code for code, _ in listed(before)] == everyone[-100:-50]
    assert link(before, "Trang đầu") == ""  # the first page: the list's own address


def test_page_links_keep_the_filters(client_as):
    response = client_as("ubkt_leader").get(
        reverse("orgs:member_list"), {"q": "van", "trang_thai": "full"}
    )
    after = listed(response)[-1][0]
    pk = Member.objects.get(code=after).pk
    assert f"?q=van&amp;trang_thai=full&amp;sau={pk}" in response.content.decode()
    assert "?q=van&amp;trang_thai=full&amp;cuoi=1" in response.content.decode()


def test_keyset_pages_neither_skip_nor_repeat_while_members_are_added(client_as):
    """Between two page requests, members are registered whose names sort before the page,
    on it and after it: the pages still list every member who was there once, in order."""
    client = client_as("ubkt_leader")
    url = reverse("orgs:member_list")
    there = list(registered().order_by("sort_key", "code").values_list("code", flat=True))
    cell = first_cell("HA.DBK.001")
    names = [("An", "Văn", "Nguyễn"), ("Ánh", "Thị", "Lê"), ("Yến", "Thị", "Trần")]
    response, seen, n = client.get(url), [], 0
    while True:
        seen += [code for code, _ in listed(response)]
        for given, middle, family in names:  # before, among and after the rows already seen
            n += 1
            services.member_create(
                code=f"TEST-KS-{n:03d}",
                unit=cell,
                family_name=family,
                middle_name=middle,
                given_name=given,
                birth_date=date(1990, 1, 1),
                sex="F",
                admitted_on=date(2015, 1, 1),
            )
        if (query := link(response, "next")) is None:
            break
        response = client.get(f"{url}?{query}")
    old = [code for code in seen if not code.startswith("TEST-KS-")]
    assert old == there  # none skipped, none repeated, in order
    assert len(seen) == len(set(seen))


def test_a_cursor_outside_the_list_and_the_scope_shows_the_first_page(client_as):
    client = client_as("grassroots_officer")
    url = reverse("orgs:member_list")
    first = client.get(url)
    outside = member_outside("HA.DBK.001")
    crafted = client.get(url, {"sau": outside.pk})
    assert listed(crafted) == listed(first)
    assert "không còn trong danh sách" in crafted.content.decode()
    assert outside.full_name not in crafted.content.decode()
    for bad in ("-1", "abc", "9" * 30, ""):
        assert listed(client.get(url, {"sau": bad, "truoc": bad})) == listed(first)


@pytest.mark.parametrize("cap", [100, 4758])
def test_the_count_is_capped_above_the_setting(client_as, settings, cap):
    settings.KTGS_COUNT_CAP = cap
    client = client_as("ubkt_leader")
    html = client.get(reverse("orgs:member_list")).content.decode()
    assert f"<strong>hơn {cap:,}</strong> đảng viên".replace(",", ".") in html
    cell = first_cell("HA.DBK.001")
    small = client.get(reverse("orgs:member_list"), {"don_vi": cell.code, "ca_cay": "0"})
    assert total(small) == registered(cell.code).filter(current_unit=cell).count() < 100


def test_the_count_is_exact_at_the_cap(client_as, settings):
    settings.KTGS_COUNT_CAP = 4759
    assert total(client_as("ubkt_leader").get(reverse("orgs:member_list"))) == 4759


def test_filter_on_one_cell_without_subtree(client_as):
    cell = first_cell("HA.DBK.001")
    response = client_as("ubkt_leader").get(
        reverse("orgs:member_list"), {"don_vi": cell.code, "ca_cay": "0"}
    )
    codes = {c for c, _ in listed(response)}
    expected = set(registered(cell.code).values_list("code", flat=True))
    assert codes == expected and codes
    assert total(response) == len(expected)


def test_filter_on_a_party_committee_includes_its_cells_unless_unticked(client_as):
    base = unit("HA.DBK.001")
    client = client_as("ubkt_leader")
    subtree = client.get(reverse("orgs:member_list"), {"don_vi": base.code})
    in_subtree = registered(base.code).count()
    assert total(subtree) == in_subtree > 0
    # the form sends a hidden "0" before the checkbox; ticked, the checkbox's "1" wins
    ticked = client.get(reverse("orgs:member_list") + f"?don_vi={base.code}&ca_cay=0&ca_cay=1")
    assert total(ticked) == in_subtree
    direct = client.get(reverse("orgs:member_list"), {"don_vi": base.code, "ca_cay": "0"})
    assert total(direct) == Member.objects.live().filter(current_unit=base).count()


def test_member_list_as_of_a_past_day_follows_transfers_and_departures(client_as):
    cell_a, cell_b = first_cell("HA.DBK.001"), first_cell("HA.DBK.002")
    mover, leaver = registered("HA.DBK.001").filter(current_unit=cell_a)[:2]
    services.member_transfer(member=mover, to_unit=cell_b, on=date(2024, 3, 5))
    services.membership_end(member=leaver, on=date(2024, 3, 5), reason="expelled")
    client = client_as("ubkt_leader")

    def codes(unit_code: str, day: str = "") -> set[str]:
        params = {"don_vi": unit_code, "ca_cay": "0", "ngay": day}
        return {code for page in walk(client, params) for code in page}

    assert {mover.code, leaver.code} <= codes(cell_a.code, "30/06/2023")
    assert mover.code not in codes(cell_b.code, "30/06/2023")
    assert not {mover.code, leaver.code} & codes(cell_a.code)
    assert mover.code in codes(cell_b.code)
    bloc = client.get(reverse("orgs:member_list"), {"ngay": "30/06/2023"})
    assert total(bloc) == 4759
    assert "sinh hoạt đảng vào ngày 30/06/2023" in bloc.content.decode()


def test_member_list_with_a_malformed_day_explains_and_lists_today(client_as):
    response = client_as("ubkt_leader").get(reverse("orgs:member_list"), {"ngay": "31/02/2023"})
    assert response.status_code == 200
    assert field_error(response, "ngay")
    assert total(response) == total(client_as("ubkt_leader").get(reverse("orgs:member_list")))


def test_filter_on_status(client_as):
    services.member_create(
        code="TEST-DUBI",
        unit=first_cell("HA.DBK.001"),
        family_name="Lò",
        given_name="Dự",
        birth_date=date(2000, 1, 1),
        sex="M",
        admitted_on=timezone.localdate(),
    )
    client = client_as("ubkt_leader")
    by_status = {}
    for status, label in (("full", "chính thức"), ("probationary", "dự bị")):
        response = client.get(reverse("orgs:member_list"), {"trang_thai": status})
        shown = re.findall(
            r'<span class="status status-(\w+)">([^<]+)</span>', response.content.decode()
        )
        assert shown and all(s == status and text == label for s, text in shown)
        by_status[status] = total(response)
    assert by_status["full"] + by_status["probationary"] == 4759 + 1
    found = {
        status: listed(
            client.get(reverse("orgs:member_list"), {"trang_thai": status, "q": "lò dự"})
        )
        for status in ("full", "probationary")
    }
    assert found == {"full": [], "probationary": [("TEST-DUBI", "Lò Dự")]}


def test_filter_on_committee_members(client_as):
    seats = CommitteeSeat.objects.filter(Dated.q_on(timezone.localdate())).values("member_id")
    seated = registered().filter(pk__in=seats).count()
    response = client_as("ubkt_leader").get(reverse("orgs:member_list"), {"cap_uy": "1"})
    assert total(response) == seated < 4759


def test_unknown_unit_code_is_explained(client_as):
    response = client_as("ubkt_leader").get(reverse("orgs:member_list"), {"don_vi": "KHONG.CO"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Không có tổ chức đảng mã KHONG.CO trong phạm vi của đồng chí" in html
    assert 'role="alert"' in html and 'aria-invalid="true"' in html
    assert listed(response) == []


def test_unit_outside_scope_is_as_unknown(client_as):
    other = unit("HA.DBK.002")
    response = client_as("grassroots_officer").get(
        reverse("orgs:member_list"), {"don_vi": other.code}
    )
    html = response.content.decode()
    assert f"Không có tổ chức đảng mã {other.code} trong phạm vi của đồng chí" in html
    assert other.name not in html
    assert listed(response) == []


def test_grassroots_officer_lists_only_their_members(client_as):
    response = client_as("grassroots_officer").get(reverse("orgs:member_list"))
    assert total(response) == registered("HA.DBK.001").count()


# --- member page -----------------------------------------------------------------------------


def test_member_page_masks_the_citizen_id(client_as):
    member = registered().filter(citizen_id__isnull=False).first()
    html = (
        client_as("inspector")
        .get(reverse("orgs:member_detail", args=[member.code]))
        .content.decode()
    )
    assert member.full_name in html
    assert "\u2022" * 8 + member.citizen_id[-4:] in html
    assert member.citizen_id not in html
    assert member.birth_date.strftime("%d/%m/%Y") in html


def test_member_page_shows_transfer_history(client_as):
    member = member_inside("HA.DBK.001")
    target = first_cell("HA.DBK.002")
    services.member_transfer(
        member=member, to_unit=target, on=date(2024, 3, 5), decision="12-QĐ/ĐUK"
    )
    html = (
        client_as("ubkt_leader")
        .get(reverse("orgs:member_detail", args=[member.code]))
        .content.decode()
    )
    assert target.name in html and "05/03/2024" in html and "12-QĐ/ĐUK" in html
    assert "Chuyển sinh hoạt (trong hệ thống)" in html


def test_member_page_has_a_history_panel_with_the_transfer(client_as):
    member = member_inside("HA.DBK.001")
    services.member_transfer(
        member=member, to_unit=first_cell("HA.DBK.002"), on=date(2024, 3, 5), decision="3-QĐ/ĐUK"
    )
    html = (
        client_as("ubkt_leader")
        .get(reverse("orgs:member_detail", args=[member.code]))
        .content.decode()
    )
    panel = html[html.index('aria-labelledby="lich-su"') :]
    assert "Chuyển sinh hoạt đảng" in panel and "3-QĐ/ĐUK" in panel
    assert reverse("audit:search") in panel  # a UBKT leader may search the whole log


def test_unit_page_history_shows_a_rename_to_the_system_administrator_without_values(client_as):
    unit = OrgUnit.objects.get(code="HA.DBK.001")
    old_name = unit.name
    services.unit_update(unit=unit, name="Đảng bộ đổi tên thử", short_name=unit.short_name)
    html = client_as("sysadmin").get(reverse("orgs:unit_detail", args=[unit.code])).content.decode()
    panel = html[html.index('aria-labelledby="lich-su"') :]
    assert "Sửa tên tổ chức đảng" in panel
    assert old_name not in panel  # the before value is not shown to an administrator


def test_member_outside_the_officers_unit_is_not_found(client_as):
    member = member_outside("HA.DBK.001")
    client = client_as("grassroots_officer")
    for name in ("member_detail", "member_edit", "member_transfer", "member_void"):
        assert client.get(reverse(f"orgs:{name}", args=[member.code])).status_code == 404, name


def test_unknown_member_is_not_found(client_as):
    response = client_as("ubkt_leader").get(reverse("orgs:member_detail", args=["KHONG-CO"]))
    assert response.status_code == 404
    assert "nằm ngoài phạm vi đồng chí được xem" in response.content.decode()


# --- access to the edit pages ----------------------------------------------------------------


# The system administrator reads no member records and may change units: see the access matrix
# (ktgs/accounts/tests/test_access_matrix.py).
@pytest.mark.parametrize("role", ["committee_leader"])
def test_read_only_roles_may_not_edit_members(client_as, role):
    member = member_inside("HA.DBK.001")
    client = client_as(role)
    assert client.get(reverse("orgs:member_detail", args=[member.code])).status_code == 200
    for name in ("member_edit", "member_transfer", "member_void"):
        url = reverse(f"orgs:{name}", args=[member.code])
        assert client.get(url).status_code == 403, name
        assert client.post(url, {"family_name": "Đổi", "reason": "x"}).status_code == 403, name
    refused = client.get(reverse("orgs:member_create"))
    assert refused.status_code == 403
    page = refused.content.decode()
    # the refusal says what the role may do, not a guess at what the user was doing
    assert "chỉ cho phép xem" not in page
    assert "Đồng chí được:" in page and "Lãnh đạo cấp ủy (chỉ xem)" in page and "xem hồ sơ." in page
    member.refresh_from_db()
    assert member.family_name != "Đổi" and not member.is_voided


def test_read_only_roles_see_no_edit_buttons(client_as):
    member = member_inside("HA.DBK.001")
    html = (
        client_as("committee_leader")
        .get(reverse("orgs:member_detail", args=[member.code]))
        .content.decode()
    )
    assert reverse("orgs:member_edit", args=[member.code]) not in html


@pytest.mark.parametrize("role", ["committee_leader"])
def test_read_only_roles_may_not_change_units(client_as, role):
    client = client_as(role)
    for name in ("unit_edit", "unit_move"):
        url = reverse(f"orgs:{name}", args=["HA.DBK.001"])
        assert client.get(url).status_code == 403
        assert client.post(url, {"name": "Đổi tên"}).status_code == 403
    assert client.get(reverse("orgs:unit_create")).status_code == 403
    assert unit("HA.DBK.001").name != "Đổi tên"


def test_inspector_may_edit(client_as):
    member = member_inside("HA.DBK.001")
    client = client_as("inspector")
    for name in ("member_edit", "member_transfer", "member_void"):
        assert client.get(reverse(f"orgs:{name}", args=[member.code])).status_code == 200


# --- create member ---------------------------------------------------------------------------


def new_member_data(cell: OrgUnit, **changes) -> dict:
    data = {
        "code": "TEST-0001",
        "family_name": "Nguyễn",
        "middle_name": "Văn",
        "given_name": "Thử",
        "birth_date": "15/08/1990",
        "sex": "M",
        "citizen_id": "001090765432",
        "old_id_number": "",
        "admitted_on": "03/02/2015",
        "official_on": "03/02/2016",
        "unit": cell.code,
        "starts_on": "",
    }
    return {**data, **changes}


def test_create_member(client_as):
    cell = first_cell("HA.DBK.001")
    before = written()
    response = client_as("grassroots_officer").post(
        reverse("orgs:member_create"), new_member_data(cell), follow=True
    )
    member = Member.objects.get(code="TEST-0001")
    assert response.redirect_chain[-1][0] == reverse("orgs:member_detail", args=[member.code])
    assert "Đã thêm đảng viên Nguyễn Văn Thử" in response.content.decode()
    assert member.current_unit == cell and member.birth_date == date(1990, 8, 15)
    assert written() == (before[0] + 1, before[1] + 1)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"citizen_id": "12345"}, "citizen_id", "phải có đúng 12 chữ số"),
        ({"citizen_id": "999090123456"}, "citizen_id", "không phải mã tỉnh"),
        ({"birth_date": "31/02/2023"}, "birth_date", "31/02/2023"),
        ({"admitted_on": "2015"}, "admitted_on", "ngày/tháng/năm"),
        ({"given_name": ""}, "given_name", "Chưa nhập tên."),
        ({"official_on": "01/01/2014"}, "official_on", "không thể trước ngày vào Đảng"),
    ],
)
def test_create_member_shows_errors_next_to_the_field(client_as, changes, field, message):
    cell = first_cell("HA.DBK.001")
    before = written()
    response = client_as("grassroots_officer").post(
        reverse("orgs:member_create"), new_member_data(cell, **changes)
    )
    assert response.status_code == 200
    assert message in field_error(response, field)
    assert written() == before


@pytest.mark.parametrize("field", ["birth_date", "admitted_on", "official_on", "starts_on"])
def test_create_member_refuses_a_date_after_today_next_to_the_field(client_as, field):
    cell = first_cell("HA.DBK.001")
    tomorrow = timezone.localdate() + timedelta(days=1)
    before = written()
    response = client_as("grassroots_officer").post(
        reverse("orgs:member_create"), new_member_data(cell, **{field: f"{tomorrow:%d/%m/%Y}"})
    )
    assert response.status_code == 200
    assert f"Ngày {tomorrow:%d/%m/%Y} chưa đến" in field_error(response, field)
    assert written() == before


def _taken_id_data(other: Member) -> dict:
    return new_member_data(
        first_cell("HA.DBK.001"),
        citizen_id=other.citizen_id,
        sex=other.sex,
        birth_date=other.birth_date.strftime("%d/%m/%Y"),
    )


def test_duplicate_citizen_id_of_a_member_in_scope_names_the_member(client_as):
    other = registered("HA.DBK.001").filter(citizen_id__isnull=False, secrecy="normal").first()
    before = written()
    response = client_as("grassroots_officer").post(
        reverse("orgs:member_create"), _taken_id_data(other)
    )
    error = field_error(response, "citizen_id")
    assert "đã thuộc đảng viên" in error and other.code in error
    assert written() == before


def test_duplicate_citizen_id_outside_scope_names_no_one(client_as):
    other = (
        Member.objects.live()
        .exclude(current_unit__path__startswith=unit("HA.DBK.001").path)
        .filter(citizen_id__isnull=False, current_unit__isnull=False)
        .first()
    )
    before = written()
    response = client_as("grassroots_officer").post(
        reverse("orgs:member_create"), _taken_id_data(other)
    )
    error = field_error(response, "citizen_id")
    assert "ngoài phạm vi của đồng chí" in error and "cấp trên" in error
    page = response.content.decode()
    assert other.full_name not in page and other.code not in page
    assert other.current_unit.code not in page
    assert written() == before


def test_member_must_join_a_cell(client_as):
    base = unit("HA.DBK.001")
    before = written()
    response = client_as("grassroots_officer").post(
        reverse("orgs:member_create"), new_member_data(base, unit=base.code)
    )
    assert "Hãy chọn một chi bộ" in field_error(response, "unit")
    assert written() == before


def test_cell_choices_are_limited_to_what_the_user_may_edit(client_as):
    client = client_as("grassroots_officer")
    html = client.get(reverse("orgs:member_create")).content.decode()
    assert 'hx-get="/chon/chi-bo-ghi/' in html  # the cell is picked by name, not from a list
    mine, other = first_cell("HA.DBK.001"), first_cell("HA.DBK.002")
    assert mine.name == other.name  # the same name in a sibling đảng bộ
    offered = client.get(reverse("orgs:pick", args=["chi-bo-ghi"]), {"q": mine.name})
    offered = offered.content.decode()
    assert f"({mine.code})" in offered
    assert "HA.DBK.002" not in offered


def test_cell_outside_the_users_scope_is_refused(client_as):
    other = first_cell("HA.DBK.002")
    before = written()
    response = client_as("grassroots_officer").post(
        reverse("orgs:member_create"), new_member_data(other)
    )
    assert field_error(response, "unit")
    assert written() == before


# --- edit, transfer, void --------------------------------------------------------------------


def test_edit_member_prefills_dates_and_saves(client_as):
    member = member_inside("HA.DBK.001")
    client = client_as("inspector")
    url = reverse("orgs:member_edit", args=[member.code])
    assert member.birth_date.strftime("%d/%m/%Y") in client.get(url).content.decode()
    data = {
        "family_name": member.family_name,
        "middle_name": member.middle_name,
        "given_name": "Tâm",
        "birth_date": member.birth_date.strftime("%d/%m/%Y"),
        "sex": member.sex,
        "citizen_id": member.citizen_id or "",
        "old_id_number": member.old_id_number,
        "admitted_on": member.admitted_on.strftime("%d/%m/%Y"),
        "official_on": member.official_on.strftime("%d/%m/%Y") if member.official_on else "",
        "version": member.version,
    }
    response = client.post(url, data)
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.given_name == "Tâm" and member.full_name.endswith(" Tâm")


def test_transfer_errors_stay_on_the_form(client_as):
    member = member_inside("HA.DBK.001")
    client = client_as("ubkt_leader")
    url = reverse("orgs:member_transfer", args=[member.code])
    before = written()
    response = client.post(url, {"to_unit": member.current_unit.code, "on": "05/03/2024"})
    assert "đã sinh hoạt tại" in field_error(response, "to_unit")
    response = client.post(url, {"to_unit": unit("HA.DBK.002").code, "on": "05/03/2024"})
    assert "Hãy chọn một chi bộ" in field_error(response, "to_unit")
    assert written() == before


def test_transfer_member(client_as):
    member = member_inside("HA.DBK.001")
    target = first_cell("HA.DBK.002")
    response = client_as("ubkt_leader").post(
        reverse("orgs:member_transfer", args=[member.code]),
        {"to_unit": target.code, "on": "05/03/2024", "decision": "12-QĐ/ĐUK"},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.current_unit == target


def test_void_needs_a_reason_and_a_post(client_as):
    member = member_inside("HA.DBK.001")
    client = client_as("grassroots_officer")
    url = reverse("orgs:member_void", args=[member.code])
    assert client.get(url).status_code == 200
    member.refresh_from_db()
    assert not member.is_voided
    response = client.post(url, {"reason": "  "})
    assert field_error(response, "reason")
    response = client.post(url, {"reason": "Nhập trùng hồ sơ"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.is_voided
    assert client.get(reverse("orgs:member_detail", args=[member.code])).status_code == 404


# --- units -----------------------------------------------------------------------------------


def test_unit_page(client_as):
    base = unit("HA.DBK.001")
    html = (
        client_as("ubkt_leader").get(reverse("orgs:unit_detail", args=[base.code])).content.decode()
    )
    assert base.name in html and base.kind.name in html and base.code in html
    assert unit("HA.DBK").name in html  # its parent
    cell = first_cell("HA.DBK.001")
    assert reverse("orgs:unit_detail", args=[cell.code]) in html  # a sub-unit


def test_cell_page_lists_its_members(client_as):
    cell = first_cell("HA.DBK.001")
    response = client_as("grassroots_officer").get(reverse("orgs:unit_detail", args=[cell.code]))
    members = set(registered(cell.code).values_list("code", flat=True)[:50])
    assert members and members <= {code for code, _ in listed(response)}


def test_a_cell_longer_than_the_page_counts_what_the_reader_sees(client_as, monkeypatch):
    cell = first_cell("HA.DBK.001")
    members = registered(cell.code).order_by("sort_key", "code")
    assert members.count() >= 3
    hidden = members.last()
    Member.objects.filter(pk=hidden.pk).update(secrecy=Secrecy.SECRET)
    seen = members.count() - 1
    url = reverse("orgs:unit_detail", args=[cell.code])
    client = client_as("inspector")  # cleared up to mật: the tối mật member is not listed
    html = client.get(url).content.decode()
    assert hidden.code not in html
    assert f"{seen} hồ sơ đồng chí được xem" in html
    assert "Xem đủ" not in html  # the whole cell is on the page
    monkeypatch.setattr(views, "UNIT_PAGE_MEMBERS", 2)
    response = client.get(url)
    assert len(response.context["direct"]) == 2
    assert f"Xem đủ {seen} đảng viên" in response.content.decode()


def test_a_unit_with_no_member_of_its_own_reads_no_member_rows(client_as):
    base = unit("HA.DBK.001")  # a grassroots committee: its members live in its cells
    assert not Member.objects.live().filter(current_unit=base).exists()
    client = client_as("ubkt_leader")
    url = reverse("orgs:unit_detail", args=[base.code])
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        html = client.get(url).content.decode()
    assert "Đảng viên sinh hoạt tại" not in html
    assert not [q for q in ctx.captured_queries if 'FROM "orgs_member"' in q["sql"]]


def test_unit_outside_scope_is_not_found(client_as):
    client = client_as("grassroots_officer")
    assert client.get(reverse("orgs:unit_detail", args=["HA.DBK.002"])).status_code == 404
    assert client.get(reverse("orgs:unit_edit", args=["HA.DBK.002"])).status_code == 404
    assert client.get(reverse("orgs:unit_detail", args=["HA.DBK"])).status_code == 404


def test_create_rename_and_move_a_cell(client_as):
    client = client_as("ubkt_leader")
    response = client.post(
        reverse("orgs:unit_create"),
        {
            "code": "HA.DBK.001.99",
            "name": "Chi bộ  Thử nghiệm",
            "short_name": "",
            "kind": first_cell("HA.DBK.001").kind_id,
            "parent": unit("HA.DBK.001").code,
            "starts_on": "01/07/2024",
            "decision": "",
        },
    )
    assert response.status_code == 302
    created = unit("HA.DBK.001.99")
    assert created.name == "Chi bộ Thử nghiệm" and created.established_on == date(2024, 7, 1)
    response = client.post(
        reverse("orgs:unit_edit", args=[created.code]),
        {"name": "Chi bộ Kiểm thử", "short_name": "CB KT", "version": created.version},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("orgs:unit_move", args=[created.code]),
        {"new_parent": unit("HA.DBK.002").code, "on": "01/09/2024"},
    )
    assert response.status_code == 302
    created.refresh_from_db()
    assert created.name == "Chi bộ Kiểm thử"
    assert created.path.startswith(unit("HA.DBK.002").path)


def test_unit_create_errors_stay_on_the_form(client_as):
    client = client_as("ubkt_leader")
    count = OrgUnit.objects.count()
    response = client.post(
        reverse("orgs:unit_create"),
        {
            "code": "HA.DBK.001",
            "name": "Trùng mã",
            "kind": unit("HA.DBK.001").kind_id,
            "parent": unit("HA.DBK").code,
            "starts_on": "01/07/2024",
        },
    )
    assert "đã được dùng" in field_error(response, "code")
    response = client.post(
        reverse("orgs:unit_create"),
        {
            "code": "HA.DBK.X",
            "name": "Sai cấp",
            "kind": unit("HA.DBK.001").kind_id,
            "parent": first_cell("HA.DBK.001").code,
            "starts_on": "01/07/2024",
        },
    )
    assert "không thể trực thuộc" in field_error(response, "parent")
    assert OrgUnit.objects.count() == count


def test_a_unit_cannot_move_under_itself(client_as):
    base = unit("HA.DBK.001")
    response = client_as("ubkt_leader").post(
        reverse("orgs:unit_move", args=[base.code]),
        {"new_parent": first_cell("HA.DBK.001").code, "on": "01/09/2024"},
    )
    assert field_error(response, "new_parent")
    assert unit("HA.DBK.001").path == base.path


# --- the tree --------------------------------------------------------------------------------


def test_tree_shows_the_roots_and_their_children(client_as):
    html = client_as("ubkt_leader").get(reverse("orgs:tree")).content.decode()
    assert unit("HA.DBK").name in html and "4.759 đảng viên" in html
    assert reverse("orgs:unit_detail", args=["HA.DBK.001"]) in html
    assert reverse("orgs:tree_children", args=[unit("HA.DBK.001").pk]) in html  # expandable


def test_tree_children_partial(client_as):
    base = unit("HA.DBK.001")
    response = client_as("ubkt_leader").get(
        reverse("orgs:tree_children", args=[base.pk]), HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert "<html" not in html
    assert reverse("orgs:unit_detail", args=[first_cell("HA.DBK.001").code]) in html


def test_tree_children_outside_scope_is_not_found(client_as):
    response = client_as("grassroots_officer").get(
        reverse("orgs:tree_children", args=[unit("HA.DBK").pk]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 404


def test_tree_children_without_htmx_goes_to_the_unit_page(client_as):
    base = unit("HA.DBK.001")
    response = client_as("ubkt_leader").get(reverse("orgs:tree_children", args=[base.pk]))
    assert response["Location"] == reverse("orgs:unit_detail", args=[base.code])


TREE_ROW = re.compile(r'<a class="tree-name" href="/to-chuc/([^/"]+)/">')
MORE = re.compile(r'<li class="tree-more"><a href="[^"]+" hx-get="([^"]+)"')


def chunks(client, unit_pk: int, day: str = "") -> list[list[str]]:
    """The codes of a node's children, chunk by chunk, following «Xem thêm» as htmx does."""
    url = reverse("orgs:tree_children", args=[unit_pk]) + (f"?ngay={day}" if day else "")
    out = []
    while url:
        html = client.get(url, HTTP_HX_REQUEST="true").content.decode()
        assert "<html" not in html
        out.append(TREE_ROW.findall(html))
        more = MORE.search(html)
        url = more.group(1).replace("&amp;", "&") if more else ""
        assert len(out) < 100
    return out


@pytest.mark.parametrize("day", ["", "30/06/2024"])
def test_a_wide_node_comes_in_chunks_with_the_same_rows_and_counts(client_as, monkeypatch, day):
    client = client_as("ubkt_leader")
    bloc = unit("HA.DBK")
    whole = chunks(client, bloc.pk, day)
    assert len(whole) == 1 and len(whole[0]) > 25  # the demo bloc: one chunk of them all
    monkeypatch.setattr("ktgs.orgs.selectors.TREE_CHUNK", 10)
    parts = chunks(client, bloc.pk, day)
    assert [len(p) for p in parts] == [10] * (len(whole[0]) // 10) + [len(whole[0]) % 10]
    assert [code for part in parts for code in part] == whole[0]  # none skipped or repeated
    # the tree page opens the roots with their first chunk
    page = client.get(reverse("orgs:tree") + (f"?ngay={day}" if day else "")).content.decode()
    assert "Xem thêm các tổ chức trực thuộc" in page


def test_chunks_carry_the_counts_the_whole_node_has(cast):
    from ktgs.accounts.access import visible_to
    from ktgs.orgs import selectors

    scope = visible_to(cast["ubkt_leader"])
    bloc = unit("HA.DBK")
    whole = selectors.unit_children(scope=scope, parent=bloc)
    parts, after = [], None
    while True:
        chunk = selectors.unit_children_chunk(scope=scope, parent=bloc, after=after, limit=7)
        parts += chunk.nodes
        if not chunk.more:
            break
        after = chunk.last.pk
    assert [(n.unit.pk, n.members, n.grassroots, n.cells, n.has_children) for n in parts] == [
        (n.unit.pk, n.members, n.grassroots, n.cells, n.has_children) for n in whole
    ]
    assert sum(n.members for n in parts) > 4000


# --- query counts do not grow with rows ------------------------------------------------------


def queries(client, url, **headers) -> int:
    client.get(url, **headers)  # warm up the session and caches
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, **headers).status_code == 200
    return len(ctx.captured_queries)


def test_member_list_queries_do_not_grow_with_rows(client_as, monkeypatch):
    client = client_as("ubkt_leader")
    base = reverse("orgs:member_list")
    monkeypatch.setattr(views, "PAGE_SIZE", 3)  # every list longer than a page: all counted
    one_cell = queries(client, f"{base}?don_vi={first_cell('HA.DBK.001').code}&ca_cay=0")
    other_cell = queries(client, f"{base}?don_vi={first_cell('HA.DBK.002').code}&ca_cay=0")
    assert one_cell == other_cell
    # a subtree: the same queries for two grassroots organisations; no more for the whole bloc
    # (an area, read by its key without weighing the subtree: one query fewer)
    one_org = queries(client, f"{base}?don_vi=HA.DBK.001")
    assert one_org == queries(client, f"{base}?don_vi=HA.DBK.002")
    assert one_org - 1 == queries(client, f"{base}?don_vi=HA.DBK")


def test_a_list_that_fits_on_its_page_is_not_counted_again(client_as):
    client = client_as("ubkt_leader")
    base = reverse("orgs:member_list")
    cell = first_cell("HA.DBK.001")
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(f"{base}?don_vi={cell.code}&ca_cay=0")
    shown = len(response.context["page"].object_list)
    assert 0 < shown < views.PAGE_SIZE
    assert response.context["page"].count == keyset.Capped(shown, False)
    assert not [q for q in ctx.captured_queries if "COUNT(" in q["sql"].upper()]


def test_member_list_queries_are_the_same_on_any_page(client_as):
    client = client_as("ubkt_leader")
    base = reverse("orgs:member_list")
    # a member deep in the list, whose name holds "van": on the list and on the search
    deep = registered().filter(search_key__contains="van").order_by("sort_key", "code")[300]
    counted = {
        name: queries(client, f"{base}?{query}")
        for name, query in (
            ("after", f"sau={deep.pk}"),
            ("before", f"truoc={deep.pk}"),
            ("search after", f"q=van&sau={deep.pk}"),
            ("search before", f"q=van&truoc={deep.pk}"),
        )
    }
    assert counted["after"] == counted["before"], counted
    assert counted["search after"] == counted["search before"], counted
    first, last = queries(client, base), queries(client, f"{base}?cuoi=1")
    assert first == last <= counted["after"]


def test_tree_children_queries_do_not_grow_with_rows(client_as):
    client = client_as("ubkt_leader")
    small = queries(
        client, reverse("orgs:tree_children", args=[unit("HA.DBK.001").pk]), HTTP_HX_REQUEST="true"
    )
    bloc = queries(
        client, reverse("orgs:tree_children", args=[unit("HA.DBK").pk]), HTTP_HX_REQUEST="true"
    )
    assert small == bloc


def test_tree_chunks_queries_do_not_grow_with_rows(client_as, monkeypatch):
    monkeypatch.setattr("ktgs.orgs.selectors.TREE_CHUNK", 10)
    client = client_as("ubkt_leader")
    bloc = unit("HA.DBK")
    url = reverse("orgs:tree_children", args=[bloc.pk])
    after = OrgUnit.objects.filter(code="HA.DBK.030").get().pk
    first = queries(client, url, HTTP_HX_REQUEST="true")
    later = queries(client, f"{url}?sau={after}", HTTP_HX_REQUEST="true")
    small = queries(
        client, reverse("orgs:tree_children", args=[unit("HA.DBK.001").pk]), HTTP_HX_REQUEST="true"
    )
    assert later == first + 1 and first == small  # the cursor's key: one query more


def test_tree_page_queries_do_not_grow_with_rows(client_as):
    bloc = queries(client_as("ubkt_leader"), reverse("orgs:tree"))
    one_committee = queries(client_as("grassroots_officer"), reverse("orgs:tree"))
    assert bloc == one_committee


def test_moving_under_the_same_parent_is_explained(client_as):
    response = client_as("ubkt_leader").post(
        reverse("orgs:unit_move", args=["HA.DBK.001"]),
        {"new_parent": unit("HA.DBK").code, "on": "01/09/2024"},
    )
    assert "đã trực thuộc" in field_error(response, "new_parent")


def test_the_unit_filter_is_the_picker_not_a_list_of_every_unit(client_as):
    html = client_as("ubkt_leader").get(reverse("orgs:member_list")).content.decode()
    assert "<datalist" not in html and '<option value="HA.DBK.001">' not in html
    field = re.search(r'<input type="text" name="don_vi"[^>]*>', html, re.S).group(0)
    assert 'role="combobox"' in field
    assert f'hx-get="{reverse("orgs:pick", args=["don-vi"])}?o=don_vi"' in field


# --- who renames or moves a unit: its superior (issue 10, finding 10f) ------------------------


def test_a_grassroots_officer_may_not_rename_or_move_its_own_unit(client_as):
    """canbo.coso holds its role in HA.DBK.001: renaming or moving HA.DBK.001 is for the body
    that manages it (HA.DBK), not for the unit itself."""
    client = client_as("grassroots_officer")
    for name in ("unit_edit", "unit_rename", "unit_move"):
        url = reverse(f"orgs:{name}", args=["HA.DBK.001"])
        refused = client.post(url, {"name": "Tự đổi tên", "on": "01/01/2026"})
        assert refused.status_code == 403, name
        assert "cấp trên quản lý tổ chức đó" in refused.content.decode(), name
    assert unit("HA.DBK.001").name != "Tự đổi tên"
    page = client.get(reverse("orgs:unit_detail", args=["HA.DBK.001"])).content.decode()
    assert reverse("orgs:unit_rename", args=["HA.DBK.001"]) not in page
    assert reverse("orgs:unit_create") in page  # it still creates cells under itself


def test_a_grassroots_officer_renames_a_cell_it_manages(client_as):
    client = client_as("grassroots_officer")
    url = reverse("orgs:unit_edit", args=["HA.DBK.001.01"])
    assert (
        client.post(
            url, {"name": "Chi bộ Phòng Hành chính", "version": unit("HA.DBK.001.01").version}
        ).status_code
        == 302
    )
    assert unit("HA.DBK.001.01").name == "Chi bộ Phòng Hành chính"


def test_a_system_administrator_renames_the_unit_it_is_assigned_to(client_as):
    client = client_as("sysadmin")  # assigned in the province, the top of the tree
    province = OrgUnit.objects.get(path__regex=r"^[0-9a-z]{6}\.$", code__startswith="HA")
    url = reverse("orgs:unit_edit", args=[province.code])
    assert (
        client.post(
            url, {"name": "Đảng bộ tỉnh (đổi tên)", "version": province.version}
        ).status_code
        == 302
    )
    assert unit(province.code).name == "Đảng bộ tỉnh (đổi tên)"
    page = client.get(reverse("orgs:unit_detail", args=[province.code])).content.decode()
    assert reverse("orgs:unit_rename", args=[province.code]) in page


def test_a_commission_leader_may_not_rename_its_own_bloc(client_as):
    client = client_as("ubkt_leader")  # held in HA.DBK
    assert client.get(reverse("orgs:unit_rename", args=["HA.DBK"])).status_code == 403
    assert client.get(reverse("orgs:unit_rename", args=["HA.DBK.001"])).status_code == 200
