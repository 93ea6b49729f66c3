"""The audit search page and the "Lịch sử" panel, as the demo cast sees them."""

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ktgs.accounts.access import visible_to
from ktgs.audit.labels import ACTION_LABELS
from ktgs.audit.models import AuditEvent
from ktgs.audit.services import record
from ktgs.core.tests.pages import walk
from ktgs.orgs import services
from ktgs.orgs.models import Member, OrgUnit

pytestmark = pytest.mark.django_db

URL = reverse("audit:search")


def member_in(code: str) -> Member:
    unit = OrgUnit.objects.get(code=code)
    return Member.objects.filter(current_unit__path__startswith=unit.path).order_by("code").first()


def admitted(member: Member, days_earlier: int) -> date:
    """A corrected admission date, still after birth and before becoming a full member."""
    return member.admitted_on - timedelta(days=days_earlier)


@pytest.fixture
def edited():
    """A member of the bloc whose admission date and old ID number were corrected."""
    member = member_in("HA.DBK.001")
    new = admitted(member, 3)
    services.member_update(member=member, admitted_on=new, old_id_number="123456789")
    member.shown = new.strftime("%d/%m/%Y")
    return member


@pytest.fixture
def province_renamed():
    """An event in the province, outside the bloc where the commission leader works."""
    unit = OrgUnit.objects.get(code="HA")
    services.unit_update(unit=unit, name="Đảng bộ tỉnh Hòa An (mới)")
    return unit


def table(response) -> str:
    """The results table of the page ("" when there is none): not the filter's options."""
    html = response.content.decode()
    start = html.find('<table class="table">')
    return html[start : html.index("</table>", start)] if start >= 0 else ""


def listed(response) -> int:
    """How many events the page's table shows."""
    return max(table(response).count("<tr>") - 1, 0)


# --- who may open the page -------------------------------------------------------------------


@pytest.mark.parametrize("role", ["inspector", "grassroots_officer", "committee_leader"])
def test_other_roles_are_refused(client_as, role):
    assert client_as(role).get(URL).status_code == 403


def test_anonymous_visitor_is_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


# --- what each role sees ---------------------------------------------------------------------


def test_leader_sees_who_when_what_and_the_values(client_as, cast, edited):
    response = client_as("ubkt_leader").get(URL, {"hanh_dong": "orgs.member.updated"})
    html = table(response)
    assert response.status_code == 200
    assert "Sửa hồ sơ đảng viên" in html and edited.full_name in html
    assert f"→ {edited.shown}" in html
    assert "số CMND cũ: *** → ***" in html and "123456789" not in html
    assert timezone.localtime().strftime("%d/%m/%Y") in html
    assert "no-store" in response["Cache-Control"]


def test_administrator_sees_who_when_what_but_never_the_values(client_as, edited):
    response = client_as("sysadmin").get(URL, {"hanh_dong": "orgs.member.updated"})
    html = response.content.decode()
    assert "Sửa hồ sơ đảng viên" in table(response)
    assert response.status_code == 200
    assert "Sửa hồ sơ đảng viên" in html and "ngày vào Đảng" in html
    assert f"Đảng viên #{edited.pk}" in html
    assert edited.shown not in html and edited.full_name not in html
    assert "Không hiển thị giá trị" in html


def test_events_outside_the_leaders_subtrees_are_not_listed(client_as, province_renamed, edited):
    leader = table(client_as("ubkt_leader").get(URL))
    assert "Sửa tên tổ chức đảng" not in leader and "Sửa hồ sơ đảng viên" in leader
    assert "Nạp dữ liệu mẫu" not in leader  # an event of no unit: administrators only
    admin = table(client_as("sysadmin").get(URL))
    assert "Sửa tên tổ chức đảng" in admin and "Nạp dữ liệu mẫu" in admin
    assert "→" not in admin  # no before/after anywhere


def test_a_record_above_the_leaders_clearance_shows_no_label_or_values(client_as, cast, edited):
    Member.objects.filter(pk=edited.pk).update(secrecy="secret")
    type(cast["ubkt_leader"]).objects.filter(pk=cast["ubkt_leader"].pk).update(
        clearance="confidential"
    )
    html = table(client_as("ubkt_leader").get(URL, {"hanh_dong": "orgs.member.updated"}))
    assert "mức mật cao hơn mức được tiếp cận" in html
    assert edited.full_name not in html and edited.shown not in html


# --- filters ---------------------------------------------------------------------------------


def test_filters_by_action_user_target_unit_and_dates(client_as, edited, cast):
    other = member_in("HA.DBK.002")
    services.member_update(member=other, admitted_on=admitted(other, 1))
    client = client_as("ubkt_leader")
    today = timezone.localdate()
    tomorrow = (today + timedelta(days=1)).strftime("%d/%m/%Y")

    def count(**params) -> int:
        match = re.search(
            r"<strong>([\d.]+)</strong> thao tác", client.get(URL, params).content.decode()
        )
        return int(match.group(1).replace(".", ""))

    assert count(hanh_dong="orgs.member.updated") == 2
    assert count(loai="orgs.member", ma=str(edited.pk)) == 1
    assert count(don_vi="HA.DBK.002") == 1
    # the unit picked by name without diacritics, or as a chosen suggestion: the same filter
    assert count(don_vi="dang bo so tai chinh") == 1
    assert count(don_vi="Đảng bộ Sở Tài chính (HA.DBK.002)") == 1
    assert count(tu_ngay=today.strftime("%d/%m/%Y"), den_ngay=today.strftime("%d/%m/%Y")) == 2
    assert count(tu_ngay=tomorrow) == 0
    assert count(nguoi_dung="hệ thống") == 2  # the services ran outside a request
    assert count(nguoi_dung="lanhdao") == 0


@pytest.mark.parametrize("text", ["' OR 1=1 --", "%", "_", '"; DROP TABLE audit_auditevent; --'])
def test_sql_metacharacters_in_filters_give_no_error_and_no_extra_rows(client_as, edited, text):
    response = client_as("ubkt_leader").get(URL, {"nguoi_dung": text, "ma": text})
    assert response.status_code == 200
    assert "<strong>0</strong> thao tác" in response.content.decode()


def test_bad_dates_and_units_outside_the_scope_are_explained(client_as):
    client = client_as("ubkt_leader")
    html = client.get(URL, {"tu_ngay": "31/02/2024"}).content.decode()
    assert "không hợp lệ" in html and "result-line" not in html
    html = client.get(URL, {"tu_ngay": "02/01/2024", "den_ngay": "01/01/2024"}).content.decode()
    assert "phải từ «Từ ngày» trở về sau" in html
    html = client.get(URL, {"don_vi": "HA.CQD"}).content.decode()
    assert "Không có tổ chức đảng mã HA.CQD trong phạm vi của đồng chí" in html
    assert "result-line" not in html
    # "HA" (the province, above the leader's scope) reads as the start of the codes of the
    # leader's own units: several match, listed next to the field; the province is not offered
    province = OrgUnit.objects.get(code="HA")
    html = client.get(URL, {"don_vi": "HA"}).content.decode()
    alert = re.search(r'<p class="field-error" id="id_don_vi_error" role="alert">([^<]*)', html)
    assert "«HA» khớp nhiều tổ chức đảng" in alert.group(1) and "(HA.DBK)" in alert.group(1)
    assert "(HA)" not in alert.group(1) and f"{province.name} (HA)" not in html
    assert 'role="combobox"' in html  # the field is the picker


def test_page_queries_do_not_grow_with_rows(client_as, edited, province_renamed):
    for member in Member.objects.filter(current_unit__path__startswith=edited.current_unit.path)[
        :8
    ]:
        services.member_update(member=member, admitted_on=admitted(member, 1))
    client = client_as("ubkt_leader")
    client.get(URL)
    with CaptureQueriesContext(connection) as one:
        client.get(URL, {"loai": "orgs.member", "ma": str(edited.pk)})
    with CaptureQueriesContext(connection) as many:
        assert listed(client.get(URL)) >= 8
    assert len(one.captured_queries) == len(many.captured_queries)


def _renamed(unit: OrgUnit, n: int) -> None:
    """`n` events of `unit` (its name recorded as changed), each in its own transaction."""
    for i in range(n):
        with transaction.atomic():
            record("orgs.unit.updated", target=unit, unit_id=unit.pk, changes={"name": [i, i + 1]})


def test_pages_of_fifty_newest_first_neither_skip_nor_repeat_while_events_are_added(client_as):
    """Keyset pages on the sequence number (no page numbers, no offset): walking to the last
    page while events are written, every event there at the start is listed once, in order;
    the new ones only on the first page. The last page and a page back are one link each."""
    unit = OrgUnit.objects.get(code="HA.DBK.001")
    _renamed(unit, 120)
    client = client_as("ubkt_leader")
    query = {"don_vi": unit.code}
    first = client.get(URL, query)
    before = [e.seq for e in first.context["page"]]
    assert len(before) == 50 and first.context["page"].has_next
    subtree = OrgUnit.objects.filter(path__startswith=unit.path).values("pk")
    events = AuditEvent.objects.filter(unit_id__in=subtree).order_by("-seq")
    there = list(events.values_list("seq", flat=True))
    ids = walk(client, URL, query, between=lambda: _renamed(unit, 3))  # never on the next pages
    seqs = AuditEvent.objects.in_bulk(ids)
    walked = [seqs[pk].seq for pk in ids]
    assert walked == there  # none skipped, none repeated, newest first
    last = client.get(f"{URL}?{first.context['pager']['last']}")
    assert [e.seq for e in last.context["page"]] == there[-len(last.context["page"]) :]
    back = client.get(f"{URL}?{last.context['pager']['previous']}")
    assert [e.seq for e in back.context["page"]] == there[
        -len(last.context["page"]) - 50 : -len(last.context["page"])
    ]
    assert before == there[:50]


def test_the_count_of_events_is_capped_and_a_stale_cursor_said(client_as, settings):
    unit = OrgUnit.objects.get(code="HA.DBK.001")
    _renamed(unit, 60)
    settings.KTGS_COUNT_CAP = 40
    client = client_as("ubkt_leader")
    html = client.get(URL, {"don_vi": unit.code}).content.decode()
    assert re.search(r"<strong>hơn 40</strong> thao tác", html), html[:3000]
    # a cursor outside the filtered list (an event of another unit): the list starts again
    other = AuditEvent.objects.filter(unit_id__isnull=True).order_by("seq").first()
    again = client.get(URL, {"don_vi": unit.code, "sau": other.pk})
    assert "danh sách hiện lại từ thao tác mới nhất" in again.content.decode()
    assert (
        again.context["page"].object_list
        == client.get(URL, {"don_vi": unit.code}).context["page"].object_list
    )


def test_html_in_recorded_values_comes_back_escaped(client_as):
    unit = OrgUnit.objects.get(code="HA.DBK.001")
    services.unit_update(unit=unit, name="<script>alert(1)</script>")
    response = client_as("ubkt_leader").get(URL, {"hanh_dong": "orgs.unit.updated"})
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in table(response)
    assert "<script>alert" not in response.content.decode()


# --- the "Lịch sử" panel ---------------------------------------------------------------------


def panel(user, target) -> str:
    request = RequestFactory().get("/")
    request.user, request.scope = user, visible_to(user)
    template = Template("{% load audit_tags %}{% history_panel target %}")
    return template.render(Context({"request": request, "target": target}))


def test_panel_lists_the_records_events_newest_first_with_values(cast, edited):
    newer = admitted(edited, 5)
    services.member_update(member=edited, admitted_on=newer)
    html = panel(cast["ubkt_leader"], edited)
    assert "Lịch sử" in html
    assert html.index(f"{edited.shown} → {newer:%d/%m/%Y}") < html.index(f"→ {edited.shown}")
    assert f"?loai=orgs.member&amp;ma={edited.pk}" in html  # "see all" for a leader


def test_panel_for_an_inspector_shows_values_but_no_search_link(cast, edited):
    html = panel(cast["inspector"], edited)
    assert f"→ {edited.shown}" in html and "Xem tất cả" not in html


def test_panel_for_an_administrator_hides_the_values(cast):
    unit = OrgUnit.objects.get(code="HA.DBK.001")
    services.unit_update(unit=unit, name="Đảng bộ Sở Y tế (đổi tên)")
    html = panel(cast["sysadmin"], unit)
    assert "Sửa tên tổ chức đảng" in html and "tên tổ chức" in html
    assert "(đổi tên)" not in html and "Không hiển thị giá trị" in html


def test_panel_shows_the_newest_twenty(cast, edited):
    for days in range(4, 26):
        services.member_update(member=edited, admitted_on=admitted(edited, days))
    html = panel(cast["ubkt_leader"], edited)
    assert html.count("<tr>") == 1 + 20  # header + 20 rows
    assert f"→ {admitted(edited, 25):%d/%m/%Y}" in html and "Chỉ hiện 20 thao tác gần nhất" in html


def test_panel_of_a_record_without_events(cast):
    assert "Chưa ghi nhận thao tác nào" in panel(cast["ubkt_leader"], member_in("HA.DBK.003"))


# --- labels ----------------------------------------------------------------------------------


def test_every_recorded_action_has_a_vietnamese_label():
    """Each code written by `record("…")` in the application shows as Vietnamese, not a code."""
    root = Path(__file__).resolve().parents[2]
    codes = set()
    for path in root.rglob("*.py"):
        if "tests" not in path.parts and "migrations" not in path.parts:
            codes |= set(re.findall(r"record\(\s*\"([a-z_]+(?:\.[a-z_]+)+)\"", path.read_text()))
    assert codes, "found the record() calls"
    assert sorted(codes - set(ACTION_LABELS)) == []


def test_an_event_recorded_outside_any_request_is_shown_with_its_code_when_unlabelled(client_as):
    unit = OrgUnit.objects.get(code="HA.DBK.001")
    record("test.thing.done", target=unit, unit_id=unit.pk)
    assert "test.thing.done" in table(client_as("ubkt_leader").get(URL))
