"""Per-unit counters (orgs.counters, decision 0013): every service keeps them equal to a
recomputation; a drift planted by SQL is found by `ktgs counters check` and fixed by `--fix`;
the pages read them with a number of queries that does not grow with the subtree."""

from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ktgs.accounts.access import visible_to
from ktgs.accounts.models import User
from ktgs.audit.models import AuditEvent
from ktgs.exchange.importer import run_import
from ktgs.exchange.tests.helpers import headers, workbook
from ktgs.exchange.tests.test_import import two_new_members
from ktgs.orgs import areas, asof, counters, restructure, selectors, services
from ktgs.orgs.choices import MembershipEnd
from ktgs.orgs.models import Member, OrgUnit, UnitCount
from ktgs.orgs.tests.factories import bloc, new_member, new_unit
from ktgs.orgs.views import glance_sentence

pytestmark = pytest.mark.django_db

ON = date(2024, 3, 1)


def unit(code: str) -> OrgUnit:
    return OrgUnit.objects.get(code=code)


def no_drift(step: str) -> None:
    drifts = counters.check()
    assert drifts == [], f"{step}: {drifts[:5]}"
    assert areas.drifted() == 0, f"{step}: members' areas"


def old_glance(u: OrgUnit) -> selectors.Glance:
    """The glance as it was computed before the counters: a scan of the subtree."""
    members = Member.objects.live().filter(current_unit__path__startswith=u.path)
    figures = {
        "total": members.count(),
        "full": members.filter(official_on__lte=timezone.localdate()).count(),
    }
    return selectors.glance_of(u, selectors.live_units().filter(path__startswith=u.path), figures)


def test_every_service_path_keeps_the_counters(tmp_path):
    no_drift("the demo")
    base = new_unit("base_committee", bloc(), name="Đảng bộ Sở Đếm")
    a, b, c = (new_unit("cell", base, name=f"Chi bộ {k}") for k in "ABC")
    no_drift("units created")
    people = [new_member(cell) for cell in (a, a, b, b, c)]
    waiting = new_member(a, official_on=None)  # probationary
    no_drift("members created")
    services.member_transfer(member=people[0], to_unit=b, on=ON)
    no_drift("transfer")
    services.member_update(member=waiting, official_on=date(2006, 6, 1))
    no_drift("made official")
    services.membership_end(member=people[1], on=ON, reason=MembershipEnd.EXPELLED)
    no_drift("membership ended")
    services.member_void(member=people[2], reason="Nhập trùng")
    no_drift("voided")
    other = new_unit("base_committee", bloc(), name="Đảng bộ Sở Khác")
    services.unit_move(unit=c, new_parent=other, on=ON)
    no_drift("unit moved")
    far = new_unit("base_committee", unit("HA"), name="Đảng bộ Vùng Khác")  # another area
    services.unit_move(unit=c, new_parent=far, on=ON + timedelta(days=1))
    assert Member.objects.get(pk=people[4].pk).area == unit(far.code).path
    no_drift("unit moved to another area")
    services.member_transfer(member=people[3], to_unit=unit(c.code), on=ON + timedelta(days=1))
    no_drift("transfer to another area")
    services.unit_move(unit=unit(c.code), new_parent=other, on=ON + timedelta(days=2))
    no_drift("unit moved back")
    restructure.unit_merge(units=[a], into=b, on=ON + timedelta(days=1))
    no_drift("cells merged")
    d = new_unit("cell", other, name="Chi bộ D")
    moving = list(Member.objects.filter(current_unit=unit(b.code)))[:1]
    restructure.unit_split(
        unit=unit(b.code), on=ON + timedelta(days=2), parts=[(d, moving)], close_original=False
    )
    no_drift("cell split")
    empty = new_unit("cell", other, name="Chi bộ trống")
    restructure.unit_close(unit=empty, on=ON + timedelta(days=3))
    no_drift("unit closed")
    restructure.unit_merge(units=[unit(base.code)], into=unit(other.code), on=ON + timedelta(4))
    no_drift("committees merged")
    path = two_new_members(tmp_path)
    assert run_import(path, file_name=path.name).ok
    no_drift("import of members")
    moved_and_new = workbook(
        tmp_path / "cay.xlsx",
        {
            "Tổ chức": [headers("Tổ chức"), ["T.NEW", "Chi bộ Nhập", "", "cell", "01/01/2015"]],
            "Trực thuộc": [
                headers("Trực thuộc"),
                ["T.NEW", "HA.DBK.002", "01/01/2015", "", ""],
                [d.code, other.code, "01/01/2000", "01/06/2024", ""],
                [d.code, far.code, "01/06/2024", "", ""],  # into another area
            ],
            "Đảng viên": [
                headers("Đảng viên"),
                ["NV0009", "Lê", "Thị", "Chín", "05/09/1990", "Nữ", "", "", "02/09/2015", ""],
            ],
            "Sinh hoạt": [headers("Sinh hoạt"), ["NV0009", "T.NEW", "02/09/2015", "", ""]],
        },
    )
    result = run_import(moved_and_new, file_name=moved_and_new.name)
    assert result.ok, result.problems
    assert unit(d.code).path.startswith(unit(far.code).path)
    assert Member.objects.filter(current_unit=unit(d.code), area=unit(far.code).path).exists()
    no_drift("import of a unit, a link and a member")
    for code in ("HA", "HA.DBK", other.code, far.code, d.code):
        assert selectors.unit_glance(unit(code)) == old_glance(unit(code)), code


def test_the_pages_read_what_the_old_queries_counted(demo):
    user = User.objects.get(username="lanhdao.ubkt")
    scope = visible_to(user)
    for code in ("HA", "HA.DBK", "HA.DBK.001", "HA.DBK.001.01"):
        assert selectors.unit_glance(unit(code)) == old_glance(unit(code)), code
    today = timezone.localdate()
    for parent in (None, unit("HA.DBK")):
        new = selectors.unit_children(scope=scope, parent=parent)
        old = asof.unit_children_on(scope=scope, parent=parent, day=today)
        assert {n.unit.code: (n.members, n.grassroots, n.cells, n.has_children) for n in new} == {
            n.unit.code: (n.members, n.grassroots, n.cells, n.has_children) for n in old
        }  # the as-of tree orders ties its own way
    cell = unit("HA.DBK.001.01")
    assert (
        selectors.direct_member_count(cell)
        == Member.objects.live().filter(current_unit=cell).count()
        > 0
    )


def test_an_official_date_that_passes_needs_no_write():
    """Probationary today is the members whose official date is after today: tomorrow's
    glance counts them full with no counter written in between."""
    cell = new_unit("cell", new_unit("base_committee", bloc()))
    member = new_member(cell)
    tomorrow = timezone.localdate() + timedelta(days=1)
    Member.objects.filter(pk=member.pk).update(official_on=tomorrow)  # as a bulk load may
    counters.refresh([cell.path])
    today = selectors.unit_glance(cell)
    assert (today.members_total, today.members_probationary) == (1, 1)
    later = selectors.unit_glance(cell, tomorrow + timedelta(days=1))
    assert (later.members_total, later.members_probationary) == (1, 0)


def test_a_drift_planted_by_sql_is_found_and_fixed():
    bloc_unit, base, cell = unit("HA.DBK"), unit("HA.DBK.001"), unit("HA.DBK.001.01")
    no_drift("before")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE orgs_unitcount SET sub_members = sub_members + 7 WHERE unit_id = %s",
            [bloc_unit.pk],
        )
        cursor.execute("DELETE FROM orgs_unitcount WHERE unit_id = %s", [cell.pk])
        cursor.execute(  # five probationary members with no official date, none in fact
            "UPDATE orgs_unitcount SET sub_pending = '{\"\": 5}' WHERE unit_id = %s", [base.pk]
        )
    found = {(d.code, d.counter): (d.stored, d.recomputed) for d in counters.check()}
    right = Member.objects.live().filter(current_unit__path__startswith=bloc_unit.path).count()
    assert found == {
        ("HA.DBK", "sub_members"): (right + 7, right),
        ("HA.DBK.001.01", "row"): (None, "thiếu dòng số liệu"),
        ("HA.DBK.001", "sub_pending[chưa có ngày]"): (5, 0),
    }
    with connection.cursor() as cursor:  # a member's area that is not their cell's
        cursor.execute(
            "UPDATE orgs_member SET area = 'x' WHERE id = (SELECT min(id) FROM orgs_member "
            "WHERE current_unit_id IS NOT NULL)"
        )
    assert areas.drifted() == 1
    with pytest.raises(CommandError, match="3 chỗ lệch ở 3 tổ chức, 1 đảng viên sai vùng"):
        call_command("counters", "check")
    call_command("counters", "check", "--fix")
    fixed = AuditEvent.objects.filter(action="orgs.counters.fixed").latest("seq")
    assert fixed.details["units"] == 3 and fixed.details["areas"] == 1
    assert {d["unit"] for d in fixed.details["drifts"]} == {
        "HA.DBK",
        "HA.DBK.001",
        "HA.DBK.001.01",
    }
    no_drift("after --fix")
    call_command("counters", "check")  # exit code 0: nothing raised


def test_home_queries_do_not_grow_with_the_units_under_the_province(client_as):
    """A user whose unit is a province sees on the home page a glance of each unit under it,
    read from the counters loaded with the units: as many queries for three more units."""
    client = client_as("sysadmin")

    def queries() -> tuple[int, str]:
        with CaptureQueriesContext(connection) as ctx:
            page = client.get(reverse("home"))
        assert page.status_code == 200
        return len(ctx.captured_queries), page.content.decode()

    before, _ = queries()
    added = [new_unit("superior", unit("HA"), name=f"Đảng bộ thêm số {n}") for n in (1, 2, 3)]
    new_member(new_unit("base_cell", added[0]))
    after, html = queries()
    assert after == before
    assert all(u.name in html for u in added)
    glance = selectors.unit_glance(OrgUnit.objects.get(pk=added[0].pk))
    assert (glance.grassroots_total, glance.members_total) == (1, 1)
    assert glance_sentence(glance) in html  # the page's glance: the same figures


def test_tree_and_unit_page_queries_do_not_grow_with_the_subtree(client_as):
    client = client_as("ubkt_leader")

    def queries(url, **headers) -> int:
        client.get(url, **headers)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url, **headers).status_code == 200
        return len(ctx.captured_queries)

    pages = [reverse("orgs:unit_detail", args=[code]) for code in ("HA.DBK", "HA.DBK.001")]
    before = [queries(url) for url in pages]
    grown = new_unit("cell", unit("HA.DBK.001"))
    for _ in range(30):
        new_member(grown)
    assert [queries(url) for url in pages] == before
    children = {
        code: queries(reverse("orgs:tree_children", args=[unit(code).pk]), HTTP_HX_REQUEST="true")
        for code in ("HA.DBK.001", "HA.DBK")
    }
    assert children["HA.DBK.001"] == children["HA.DBK"]
    counted = UnitCount.objects.count()
    assert counted == OrgUnit.objects.count()  # a row per unit, the demo's included
