"""Restructuring with history (rename, merge, split, close) and the tree "as of" a past date."""

import re
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ktgs.accounts import services as account_services
from ktgs.accounts.access import visible_to
from ktgs.audit.models import AuditEvent
from ktgs.orgs import asof, restructure, selectors, services
from ktgs.orgs.choices import BodyKind, MembershipEnd, SeatRole
from ktgs.orgs.models import (
    CommitteeSeat,
    Member,
    Membership,
    OrgUnit,
    UnitLink,
    UnitSuccession,
)
from ktgs.orgs.tests.factories import bloc, kind, new_member, new_unit

pytestmark = pytest.mark.django_db

BEFORE, ON, AFTER = date(2024, 2, 29), date(2024, 3, 1), date(2024, 3, 2)


def unit(code: str) -> OrgUnit:
    return OrgUnit.objects.get(code=code)


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def field_error(response, field: str) -> str:
    match = re.search(rf'id="id_{field}_error">([^<]+)<', response.content.decode())
    return match.group(1) if match else ""


def errors_of(exc: pytest.ExceptionInfo) -> dict:
    return exc.value.message_dict


@pytest.fixture
def committee():
    """A đảng bộ cơ sở with three chi bộ: A (2 members), B (3 members), C (1 member)."""
    base = new_unit("base_committee", bloc(), name="Đảng bộ Sở Thử nghiệm")
    cells = {key: new_unit("cell", base, name=f"Chi bộ {key}") for key in ("A", "B", "C")}
    for key, n in (("A", 2), ("B", 3), ("C", 1)):
        for i in range(n):
            new_member(cells[key], given=f"{key}{i}")
    return base, cells


# --- merge: the "done when" ----------------------------------------------------------


def test_merge_two_cells_counts_before_and_after_the_date(committee):
    base, cells = committee
    succ = restructure.unit_merge(
        units=[cells["A"], cells["B"]], into=cells["C"], on=ON, decision="22-QĐ/ĐUK"
    )
    assert succ == cells["C"]

    before = asof.glance_on(base, BEFORE)
    after = asof.glance_on(base, AFTER)
    assert (before.subordinate_cells, before.members_total) == (3, 6)
    assert (after.subordinate_cells, after.members_total) == (1, 6)
    # today (the fast path) agrees with "after"
    today = selectors.unit_glance(unit(base.code))
    assert (today.subordinate_cells, today.members_total) == (1, 6)

    scope = visible_to(_user_at(base, "inspector"))
    nodes = {
        n.unit.code: n.members for n in asof.unit_children_on(scope=scope, parent=base, day=BEFORE)
    }
    assert nodes == {cells["A"].code: 2, cells["B"].code: 3, cells["C"].code: 1}
    nodes = {
        n.unit.code: n.members for n in asof.unit_children_on(scope=scope, parent=base, day=AFTER)
    }
    assert nodes == {cells["C"].code: 6}

    # the members' history: ended in A/B on D ("sáp nhập"), continued in C from D
    a_member = Membership.objects.filter(unit=cells["A"]).first().member
    history = list(
        a_member.memberships.order_by("starts_on").values_list(
            "unit__code", "ends_on", "end_reason"
        )
    )
    assert history == [
        (cells["A"].code, ON, MembershipEnd.REORGANISED),
        (cells["C"].code, None, ""),
    ]
    assert Member.objects.get(pk=a_member.pk).current_unit == cells["C"]
    # the merged units are closed, with a successor record, and their path lies under C
    for key in ("A", "B"):
        old = OrgUnit.objects.get(pk=cells[key].pk)
        assert old.closed_on == ON and old.closed_decision == "22-QĐ/ĐUK"
        assert old.path.startswith(cells["C"].path)
        assert UnitSuccession.objects.get(predecessor=old).successor == cells["C"]
        assert restructure.successor_today(old) == cells["C"]
    event = AuditEvent.objects.filter(action="orgs.unit.merged").latest("pk")
    assert event.details["units"] == [cells["A"].code, cells["B"].code]


def test_merging_two_demo_base_committees_into_a_new_one(demo):
    """Đảng bộ merge: their chi bộ move under the new đảng bộ; the bloc's figures before and after."""
    one, two = unit("HA.DBK.001"), unit("HA.DBK.002")
    day = date(2026, 1, 15)
    cells_before = (
        OrgUnit.objects.filter(path__startswith=one.path, kind__is_cell=True).count()
        + OrgUnit.objects.filter(path__startswith=two.path, kind__is_cell=True).count()
    )
    seats_open = CommitteeSeat.objects.filter(body__unit=one, ends_on__isnull=True).count()
    new = restructure.unit_merge(
        units=[one, two],
        on=day,
        new_unit={
            "code": "HA.DBK.901",
            "name": "Đảng bộ Sở Y tế và Giáo dục",
            "kind": kind("base_committee"),
            "parent": unit("HA.DBK"),
        },
        decision="15-QĐ/ĐUK",
    )
    the_bloc = unit("HA.DBK")
    before = asof.glance_on(the_bloc, date(2026, 1, 14))
    after = asof.glance_on(the_bloc, day)
    assert before.grassroots_total == after.grassroots_total + 1  # two became one
    assert before.subordinate_cells == after.subordinate_cells
    assert before.members_total == after.members_total
    assert asof.glance_on(new, day).subordinate_cells == cells_before
    assert asof.glance_on(new, date(2026, 1, 14)) is None  # not yet established
    today = selectors.unit_glance(the_bloc)
    assert today.grassroots_total == after.grassroots_total
    assert today.subordinate_cells == after.subordinate_cells
    if seats_open:
        assert not CommitteeSeat.objects.filter(body__unit=one, ends_on__isnull=True).exists()
    cell = OrgUnit.objects.get(code="HA.DBK.001.01")
    assert selectors.parent_on(cell, day) == new
    assert selectors.parent_on(cell, date(2026, 1, 14)) == one


# --- access follows the successor ------------------------------------------------------------


def _user_at(at: OrgUnit, role: str):
    n = OrgUnit.objects.count() + UnitLink.objects.count()
    user = account_services.user_create(
        username=f"rs.{role}.{at.pk}.{n}", password="x-Khong-doan-duoc-9"
    )
    account_services.role_assign(user=user, unit=at, role=role, starts_on=date(2015, 1, 5))
    return user


def test_a_record_of_a_merged_cell_is_seen_from_the_successor_only():
    first, second = unit("HA.DBK.001"), unit("HA.DBK.002")
    old_cell = new_unit("cell", second, name="Chi bộ sẽ sáp nhập")
    stays = new_member(old_cell, given="Còn")
    gone = new_member(old_cell, given="Đã mất")
    services.membership_end(member=gone, on=date(2020, 5, 1), reason=MembershipEnd.DECEASED)
    successor = new_unit("cell", first, name="Chi bộ nhận sáp nhập")
    insider = visible_to(_user_at(first, "inspector"))
    outsider = visible_to(_user_at(unit("HA.CQD.001"), "inspector"))
    assert not insider.sees(Member.objects.get(pk=gone.pk))  # before: another branch

    restructure.unit_merge(units=[old_cell], into=successor, on=ON)
    gone = Member.objects.get(pk=gone.pk)
    assert gone.registered_unit().pk == old_cell.pk  # its only unit is the closed cell
    assert insider.sees(gone)
    assert not outsider.sees(gone)
    assert selectors.member_get(scope=insider, code=gone.code) is not None
    assert selectors.member_get(scope=outsider, code=gone.code) is None
    assert Member.objects.get(pk=stays.pk).current_unit == successor


# --- rename, split, close --------------------------------------------------------------------


def test_rename_keeps_the_old_name_for_earlier_dates(committee, client_as):
    base, _cells = committee
    restructure.unit_rename(unit=base, name="Đảng bộ Sở Đổi mới", on=ON, decision="3-QĐ/ĐUK")
    assert unit(base.code).name == "Đảng bộ Sở Đổi mới"
    assert asof.unit_on(base, BEFORE).name == "Đảng bộ Sở Thử nghiệm"
    assert asof.unit_on(base, ON).name == "Đảng bộ Sở Đổi mới"
    client = client_as("ubkt_leader")
    html = text(
        client.get(
            reverse("orgs:tree_children", args=[bloc().pk]),
            {"ngay": "29/02/2024"},
            headers={"HX-Request": "true"},
        )
    )
    assert "Đảng bộ Sở Thử nghiệm" in html and "Đảng bộ Sở Đổi mới" not in html
    html = text(
        client.get(reverse("orgs:tree_children", args=[bloc().pk]), headers={"HX-Request": "true"})
    )
    assert "Đảng bộ Sở Đổi mới" in html
    with pytest.raises(ValidationError) as exc:  # dated before the rename already recorded
        restructure.unit_rename(unit=unit(base.code), name="Tên khác", on=BEFORE)
    assert (
        "sau ngày hiệu lực" in errors_of(exc)["on"][0] or "không trước" in errors_of(exc)["on"][0]
    )


def test_split_a_cell_and_close_it(committee):
    base, cells = committee
    b = cells["B"]
    x = new_unit("cell", base, name="Chi bộ X")
    y = new_unit("cell", base, name="Chi bộ Y")
    members = list(Member.objects.filter(current_unit=b).order_by("code"))
    restructure.unit_split(unit=b, on=ON, parts=[(x, members[:2]), (y, members[2:])])
    assert Member.objects.filter(current_unit=x).count() == 2
    assert Member.objects.filter(current_unit=y).count() == 1
    assert unit(b.code).closed_on == ON
    assert set(
        UnitSuccession.objects.filter(predecessor=b).values_list("successor__code", flat=True)
    ) == {x.code, y.code}
    assert asof.glance_on(base, BEFORE).subordinate_cells == 5  # A B C X Y
    assert asof.glance_on(base, AFTER).subordinate_cells == 4
    assert asof.glance_on(base, AFTER).members_total == 6


def test_split_that_leaves_members_behind_is_refused(committee):
    base, cells = committee
    x = new_unit("cell", base, name="Chi bộ X")
    members = list(Member.objects.filter(current_unit=cells["B"]))
    with pytest.raises(ValidationError) as exc:
        restructure.unit_split(unit=cells["B"], on=ON, parts=[(x, members[:1])])
    assert "chưa được chia" in errors_of(exc)["parts"][0]
    assert Member.objects.filter(current_unit=cells["B"]).count() == 3


def test_close_is_refused_while_members_remain_then_done(committee):
    base, cells = committee
    c = cells["C"]
    with pytest.raises(ValidationError) as exc:
        restructure.unit_close(unit=c, on=ON)
    assert "còn 1 đảng viên" in errors_of(exc)["unit"][0]
    assert unit(c.code).closed_on is None
    member = Member.objects.get(current_unit=c)
    services.member_transfer(member=member, to_unit=cells["A"], on=BEFORE)
    restructure.unit_close(unit=c, on=ON, decision="9-QĐ/ĐUK")
    assert unit(c.code).closed_on == ON
    assert asof.glance_on(base, BEFORE).subordinate_cells == 3
    assert asof.glance_on(base, ON).subordinate_cells == 2
    with pytest.raises(ValidationError) as exc:
        restructure.unit_close(unit=base, on=ON)
    assert "tổ chức trực thuộc" in errors_of(exc)["unit"][0]


# --- bad input: a message naming the field, nothing written ----------------------------------


def test_merge_into_a_closed_unit_is_refused(committee):
    _base, cells = committee
    services.member_transfer(
        member=Member.objects.get(current_unit=cells["C"]), to_unit=cells["A"], on=BEFORE
    )
    restructure.unit_close(unit=cells["C"], on=ON)
    with pytest.raises(ValidationError) as exc:
        restructure.unit_merge(units=[cells["B"]], into=unit(cells["C"].code), on=AFTER)
    assert "giải thể" in errors_of(exc)["into"][0]
    assert Member.objects.filter(current_unit=cells["B"]).count() == 3
    assert unit(cells["B"].code).closed_on is None


def test_merge_into_itself_and_wrong_dates_are_refused(committee):
    base, cells = committee
    a = cells["A"]
    with pytest.raises(ValidationError) as exc:
        restructure.unit_merge(units=[a], into=a, on=ON)
    assert "chính nó" in errors_of(exc)["units"][0]
    with pytest.raises(ValidationError) as exc:
        restructure.unit_merge(units=[a], into=cells["B"], on=date(1999, 1, 1))
    assert "thành lập ngày 01/01/2000" in errors_of(exc)["on"][0]
    with pytest.raises(ValidationError) as exc:
        restructure.unit_merge(units=[a], into=cells["B"], on=date(2099, 1, 1))
    assert "chưa đến" in errors_of(exc)["on"][0]
    member = Member.objects.filter(current_unit=a).first()
    services.member_transfer(member=member, to_unit=cells["C"], on=AFTER)
    with pytest.raises(ValidationError) as exc:  # a later change is already recorded
        restructure.unit_merge(units=[a], into=cells["B"], on=ON)
    assert "sau ngày hiệu lực" in errors_of(exc)["on"][0]
    with pytest.raises(ValidationError) as exc:
        restructure.unit_merge(units=[a], into=base, on=date(2025, 1, 1))
    assert "Hãy chọn một chi bộ" in errors_of(exc)["into"][0]
    assert unit(a.code).closed_on is None
    assert not UnitSuccession.objects.filter(predecessor=a).exists()


def test_a_seat_on_a_committee_that_does_not_exist_that_day_is_refused(committee):
    base, _cells = committee
    member = Member.objects.filter(current_unit__path__startswith=base.path).first()
    body = base.bodies.get(kind=BodyKind.COMMITTEE)
    with pytest.raises(ValidationError) as exc:
        services.seat_add(
            member=member, body=body, role=SeatRole.COMMITTEE_MEMBER, starts_on=date(1998, 1, 1)
        )
    assert "thành lập ngày 01/01/2000" in errors_of(exc)["starts_on"][0]


def test_a_move_that_makes_a_cycle_is_refused(committee):
    base, cells = committee
    with pytest.raises(ValidationError) as exc:
        services.unit_move(unit=base, new_parent=cells["A"], on=ON)
    assert "vòng" in errors_of(exc)["parent"][0]


# --- as of: the demo's reference date, the pages, the query counts ---------------------------


def test_home_figures_as_of_the_reference_date(demo, client_as):
    g = asof.glance_on(demo.bloc, demo.reference_date)
    assert g.grassroots_total == 72
    assert dict(g.grassroots_by_kind) == {"Đảng bộ cơ sở": 44, "Chi bộ cơ sở": 28}
    assert g.subordinate_cells == 288
    assert g.members_total == 4759
    html = text(client_as("ubkt_leader").get(reverse("home"), {"ngay": "30/06/2023"}))
    assert (
        "ngày 30/06/2023 có 72 TCCSĐ, trong đó 44 đảng bộ cơ sở với 288 chi bộ trực thuộc và "
        "28 chi bộ cơ sở, với 4.759 đảng viên (" in html
    )


def test_units_not_yet_established_are_absent_as_of_an_earlier_date(committee, client_as):
    base, _cells = committee  # established 01/01/2000
    html = text(
        client_as("ubkt_leader").get(
            reverse("orgs:tree_children", args=[bloc().pk]),
            {"ngay": "31/12/1999"},
            headers={"HX-Request": "true"},
        )
    )
    assert "Đảng bộ Sở Thử nghiệm" not in html
    html = text(
        client_as("ubkt_leader").get(
            reverse("orgs:tree_children", args=[bloc().pk]),
            {"ngay": "02/01/2000"},
            headers={"HX-Request": "true"},
        )
    )
    assert "Đảng bộ Sở Thử nghiệm" in html


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("31/02/2023", "tháng 2/2023 không có ngày 31"),
        ("hôm qua", "không hợp lệ"),
        ("30/06/23", "năm phải viết đủ 4 chữ số"),
        ("01/01/2999", "chưa đến"),
        ("01/01/1900", "Chưa có dữ liệu tổ chức đảng vào ngày 01/01/1900"),
    ],
)
@pytest.mark.parametrize("page", ["home", "orgs:tree"])
def test_a_bad_as_of_date_is_explained(client_as, page, typed, message):
    response = client_as("ubkt_leader").get(reverse(page), {"ngay": typed})
    assert response.status_code == 200
    html = text(response)
    assert message in html
    assert "Đang xem cây tổ chức và số liệu" not in html  # today's figures are shown


def test_tree_page_as_of_a_date_shows_that_days_figures(demo, client_as):
    html = text(client_as("ubkt_leader").get(reverse("orgs:tree"), {"ngay": "30/06/2023"}))
    assert "tại ngày 30/06/2023" in html
    assert "4.759 đảng viên" in html
    assert "?ngay=30/06/2023" in html or "?ngay=30%2F06%2F2023" in html  # lower levels too


def _queries(client, url, params, **headers) -> int:
    client.get(url, params, **headers)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params, **headers).status_code == 200
    return len(ctx.captured_queries)


def test_as_of_query_counts_do_not_grow_with_rows(client_as):
    params = {"ngay": "30/06/2023"}
    leader = client_as("ubkt_leader")
    assert _queries(leader, reverse("orgs:tree"), params) == _queries(
        client_as("grassroots_officer"), reverse("orgs:tree"), params
    )
    small = _queries(
        leader,
        reverse("orgs:tree_children", args=[unit("HA.DBK.001").pk]),
        params,
        HTTP_HX_REQUEST="true",
    )
    big = _queries(
        leader,
        reverse("orgs:tree_children", args=[unit("HA.DBK").pk]),
        params,
        HTTP_HX_REQUEST="true",
    )
    assert small == big


# --- the pages -------------------------------------------------------------------------------


def test_merge_page_merges_and_reports_errors_by_field(committee, client_as):
    base, cells = committee
    client = client_as("ubkt_leader")
    url = reverse("orgs:unit_merge", args=[cells["C"].code])
    page = client.get(url)
    assert page.status_code == 200 and 'hx-get="/chon/to-chuc-sua/' in page.content.decode()
    offered = client.get(reverse("orgs:pick", args=["to-chuc-sua"]), {"q": cells["A"].code})
    assert f"({cells['A'].code})" in offered.content.decode()
    bad = client.post(url, {"units": [cells["A"].code], "on": "31/02/2024"})
    assert "không có ngày 31" in field_error(bad, "on")
    none = client.post(url, {"on": "01/03/2024"})
    assert "Chưa chọn" in field_error(none, "units")
    itself = client.post(url, {"units": [cells["C"].code], "on": "01/03/2024"})
    assert "chính nó" in field_error(itself, "units")
    done = client.post(
        url,
        {"units": [cells["A"].code, cells["B"].code], "on": "01/03/2024", "decision": "22-QĐ/ĐUK"},
    )
    assert done.status_code == 302
    assert unit(cells["A"].code).closed_on == ON
    assert Member.objects.filter(current_unit=cells["C"]).count() == 6


def test_close_page_refuses_a_unit_with_members(committee, client_as):
    _base, cells = committee
    client = client_as("ubkt_leader")
    url = reverse("orgs:unit_close", args=[cells["C"].code])
    response = client.post(url, {"on": "01/03/2024"})
    assert response.status_code == 200
    assert "còn 1 đảng viên" in text(response)
    assert unit(cells["C"].code).closed_on is None


def test_rename_page(committee, client_as):
    base, _cells = committee
    response = client_as("ubkt_leader").post(
        reverse("orgs:unit_rename", args=[base.code]),
        {"name": "Đảng bộ Sở Mới", "on": "01/03/2024", "decision": "3-QĐ/ĐUK"},
    )
    assert response.status_code == 302
    assert unit(base.code).name == "Đảng bộ Sở Mới"
    html = text(client_as("ubkt_leader").get(reverse("home"), {"ngay": "29/02/2024"}))
    assert "tại ngày 29/02/2024" in html


def test_a_base_committee_merged_since_still_opens_in_the_tree_as_of_before(committee, client_as):
    base, cells = committee
    other = new_unit("base_committee", bloc(), name="Đảng bộ Sở Nhận")
    restructure.unit_merge(units=[base], into=other, on=ON)
    client = client_as("ubkt_leader")
    url = reverse("orgs:tree_children", args=[base.pk])
    before = client.get(url, {"ngay": "29/02/2024"}, headers={"HX-Request": "true"})
    assert before.status_code == 200 and "Chi bộ A" in text(before)
    assert client.get(url, headers={"HX-Request": "true"}).status_code == 404  # closed today
    moved = client.get(
        reverse("orgs:tree_children", args=[other.pk]), headers={"HX-Request": "true"}
    )
    assert all(f"Chi bộ {k}" in text(moved) for k in "ABC")


def test_a_correction_after_a_rename_shows_from_the_rename_on(committee):
    base, _cells = committee
    restructure.unit_rename(unit=base, name="Đảng bộ Sở Đổi mơi", on=ON)
    services.unit_update(unit=unit(base.code), name="Đảng bộ Sở Đổi mới")  # a typo corrected
    assert asof.unit_on(base, AFTER).name == "Đảng bộ Sở Đổi mới"
    assert asof.unit_on(base, BEFORE).name == "Đảng bộ Sở Thử nghiệm"
