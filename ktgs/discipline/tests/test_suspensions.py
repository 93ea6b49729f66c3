"""Suspensions (đình chỉ sinh hoạt đảng) under the regime in force at their start, the pages, and
striking off an unfit probationary member (xóa tên: its own action, not a sanction)."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ktgs.audit.models import AuditEvent
from ktgs.core.models import Dated
from ktgs.discipline import suspensions
from ktgs.discipline.models import Decision, Suspension
from ktgs.discipline.strike_off import strike_off
from ktgs.discipline.tests.test_decisions import CELL, body, plain_member
from ktgs.orgs.choices import MembershipEnd
from ktgs.orgs.models import CommitteeSeat, Member, Membership, OrgUnit
from ktgs.orgs.picking import body_label, body_token, member_label, unit_label

pytestmark = pytest.mark.django_db
REASON = "Đang bị cơ quan điều tra khởi tố"


def start(member, starts_on, by=("HA.DBK", "inspection")):
    return suspensions.suspension_start(member, body=body(*by), starts_on=starts_on, reason=REASON)


@pytest.mark.parametrize(
    ("starts_on", "ends_on", "extended_to", "source"),
    [
        # QĐ 22 (carried forward under QĐ 296): 90 days, extension to at most 180 in all
        (date(2025, 6, 2), date(2025, 8, 31), date(2025, 11, 29), "22-QĐ/TW"),
        # QĐ 21 (11/4/2026): 90 days, one extension of at most 30, 120 in all
        (date(2026, 5, 4), date(2026, 8, 2), date(2026, 9, 1), "21-QĐ/TW"),
    ],
)
def test_start_and_extend_once_up_to_the_cap_of_the_regime_at_the_start(
    starts_on, ends_on, extended_to, source
):
    member = plain_member()
    s = start(member, starts_on)
    assert (s.ends_on, s.extended_to) == (ends_on, None)
    assert (s.ends_on - s.starts_on).days == 90
    assert suspensions.suspension_extension(s)[0] == extended_to
    suspensions.suspension_extend(s)
    s.refresh_from_db()
    assert s.extended_to == extended_to
    assert (s.extended_to - s.starts_on).days == (180 if starts_on.year == 2025 else 120)
    assert AuditEvent.objects.filter(action="discipline.suspension.extended").exists()
    with pytest.raises(ValidationError, match="một lần"):
        suspensions.suspension_extend(s)


@pytest.mark.parametrize(
    ("start", "extended_to"),
    [
        (
            date(2025, 10, 1),
            date(2026, 3, 30),
        ),  # QĐ 296 era (carried from QĐ 22): 90 + 90 ≤ 180 days
        (date(2026, 5, 4), date(2026, 9, 1)),  # QĐ 21: 90 + one extension of 30 ≤ 120 days
    ],
)
def test_suspension_cap_depends_on_the_regime_at_its_start(start, extended_to):
    member = plain_member()
    s = suspensions.suspension_start(
        member, body=body("HA.DBK", "inspection"), starts_on=start, reason="Đang bị khởi tố"
    )
    suspensions.suspension_extend(s)
    assert s.extended_to == extended_to
    with pytest.raises(ValidationError, match="một lần"):
        suspensions.suspension_extend(s)


def test_overlapping_suspension_and_wrong_body_are_refused():
    member = plain_member()
    first = start(member, date(2026, 5, 4))
    suspensions.suspension_extend(first)  # to 1/9/2026
    with pytest.raises(ValidationError, match="Trùng thời gian"):
        start(member, date(2026, 8, 20))  # after the first end, inside the extension
    with pytest.raises(ValidationError, match="Trùng thời gian"):
        start(member, date(2026, 4, 20))  # would run into the first one
    with pytest.raises(ValidationError, match="không được đình chỉ"):
        start(member, date(2026, 10, 1), by=(CELL, "cell_meeting"))
    with pytest.raises(ValidationError, match="không được đình chỉ"):
        start(member, date(2026, 10, 1), by=("HA.DBK.002", "inspection"))
    assert Suspension.objects.filter(member=member).count() == 1
    later = start(member, date(2026, 10, 1), by=("HA.DBK.001", "committee"))
    assert later.ends_on == date(2026, 12, 30)


def test_extension_that_would_run_into_a_later_suspension_or_after_the_end_is_refused():
    member = plain_member()
    first = start(member, date(2026, 5, 4))
    start(member, date(2026, 8, 10))
    with pytest.raises(ValidationError, match="trùng"):
        suspensions.suspension_extend(first)
    with pytest.raises(ValidationError, match="còn hiệu lực"):
        suspensions.suspension_extend(first, on=date(2026, 8, 5))
    first.refresh_from_db()
    assert first.extended_to is None


def _probationary(admitted=date(2026, 1, 10)) -> Member:
    member = plain_member()
    Member.objects.filter(pk=member.pk).update(admitted_on=admitted, official_on=None)
    member.refresh_from_db()
    return member


def test_strike_off_ends_the_membership_of_a_probationary_member_and_is_no_decision():
    member = _probationary()
    decisions_before = Decision.objects.count()
    strike_off(
        member,
        body=body("HA.DBK.001", "committee"),
        on=date(2026, 6, 1),
        reason="Không đủ điều kiện công nhận đảng viên chính thức",
        number="15-QĐ/ĐU",
    )
    member.refresh_from_db()
    assert member.current_unit_id is None
    row = Membership.objects.filter(member=member).order_by("-starts_on").first()
    assert (row.ends_on, row.end_reason) == (date(2026, 6, 1), MembershipEnd.STRUCK_OFF)
    assert AuditEvent.objects.filter(action="discipline.struck_off").exists()
    assert Decision.objects.count() == decisions_before


def test_strike_off_refuses_a_full_member_and_a_body_outside_the_cell():
    full = plain_member()
    with pytest.raises(ValidationError, match="Điều lệ Đảng, Điều 5") as err:
        strike_off(full, body=body(CELL, "cell_meeting"), on=date(2026, 6, 1), reason="Không đủ")
    assert "không phải đảng viên dự bị" in str(err.value)
    member = _probationary()
    with pytest.raises(ValidationError, match="không được xóa tên"):
        strike_off(
            member, body=body("HA.DBK.002", "committee"), on=date(2026, 6, 1), reason="Không đủ"
        )
    with pytest.raises(ValidationError, match="không được xóa tên"):
        strike_off(member, body=body("HA.DBK.001", "inspection"), on=date(2026, 6, 1), reason="X")
    member.refresh_from_db()
    assert member.current_unit is not None


# --- pages ---------------------------------------------------------------------------------------


def test_start_page_then_detail_with_committee_seats_and_extension(client_as):
    client = client_as("ubkt_leader")
    today = timezone.localdate()
    seat = (
        CommitteeSeat.objects.filter(
            Dated.q_on(today), body__unit__code="HA.DBK.001", member__current_unit__code=CELL
        )
        .select_related("member", "body")
        .first()
    )
    member = seat.member
    committee = body("HA.DBK.001", "inspection")
    bad = client.post(
        reverse("suspensions:create"),
        {"member": "KHONGCO9", "body": body_label(committee), "starts_on": "", "reason": REASON},
    )
    assert "Không có đảng viên mã KHONGCO9" in bad.content.decode()
    starts_on = today - timedelta(days=85)
    ok = client.post(
        reverse("suspensions:create"),
        {
            "member": member.code,
            "body": body_label(committee),
            "starts_on": starts_on.strftime("%d/%m/%Y"),
            "reason": REASON,
        },
    )
    assert ok.status_code == 302, ok.content.decode()
    s = Suspension.objects.get(member=member)
    page = client.get(reverse("suspensions:detail", args=[s.pk])).content.decode()
    assert seat.body.name in page and "sinh hoạt cấp ủy đương nhiên bị đình chỉ" in page
    assert "21-QĐ/TW" in page and f"{suspensions.suspension_extension(s)[0]:%d/%m/%Y}" in page
    listing = client.get(reverse("suspensions:list")).content.decode()
    assert member.full_name in listing and "due-soon" in listing  # ends in 5 days
    confirm = client.get(reverse("suspensions:extend", args=[s.pk])).content.decode()
    assert "chỉ một lần" in confirm
    assert client.post(reverse("suspensions:extend", args=[s.pk])).status_code == 302
    s.refresh_from_db()
    assert s.extended_to == s.starts_on + timedelta(days=120)
    again = client.post(reverse("suspensions:extend", args=[s.pk])).content.decode()
    assert "Đã gia hạn một lần" in again


def test_list_page_has_a_fixed_number_of_queries(client_as):
    client = client_as("ubkt_leader")
    today = timezone.localdate()
    members = Member.objects.live().filter(current_unit__code__startswith="HA.DBK.001.0")
    start(members[0], today - timedelta(days=10))
    client.get(reverse("suspensions:list"))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("suspensions:list"))
    for m in members[1:4]:
        start(m, today - timedelta(days=20))
    with CaptureQueriesContext(connection) as four:
        page = client.get(reverse("suspensions:list")).content.decode()
    assert len(four) == len(one)
    assert page.count('href="/ky-luat/dinh-chi/') >= 4


def test_strike_off_page_refuses_a_full_member_then_strikes_off(client_as):
    client = client_as("ubkt_leader")
    full = plain_member()
    committee = body("HA.DBK.001", "committee")
    refused = client.post(
        reverse("suspensions:strike_off"),
        {"member": full.code, "body": body_label(committee), "on": "01/06/2026", "reason": "X"},
    ).content.decode()
    assert "Điều lệ Đảng, Điều 5" in refused
    member = _probationary()
    done = client.post(
        reverse("suspensions:strike_off"),
        {
            "member": member_label(member),
            "body": body_token(committee),
            "on": "01/06/2026",
            "reason": "X",
        },
    )
    assert done.status_code == 302
    member.refresh_from_db()
    assert member.current_unit_id is None


# --- an organisation's activity (đình chỉ hoạt động của tổ chức đảng) ---------------------------


def start_org(unit_code, starts_on, by=("HA.DBK.001", "committee"), **kwargs):
    return suspensions.suspension_start(
        unit=OrgUnit.objects.get(code=unit_code),
        body=body(*by),
        starts_on=starts_on,
        reason="Tổ chức đảng gây trở ngại cho việc kiểm tra",
        **kwargs,
    )


@pytest.mark.parametrize(
    ("starts_on", "ends_on", "extended_to", "source"),
    [
        # QĐ 21 (QUIZ): đình chỉ hoạt động tổ chức đảng 90 ngày, gia hạn 1 lần ≤ 30 ngày
        (date(2026, 5, 4), date(2026, 8, 2), date(2026, 9, 1), "21-QĐ/TW"),
        # QĐ 296 (not found, carried from QĐ 22 Đ.31): tổ chức đảng không quá 90 ngày
        (date(2025, 9, 1), date(2025, 11, 30), None, "22-QĐ/TW"),
    ],
)
def test_a_superior_committee_suspends_an_organisation_up_to_the_cap(
    starts_on, ends_on, extended_to, source
):
    s = start_org(CELL, starts_on)
    assert (s.subject_kind, s.member, s.subject_unit.code) == ("organisation", None, CELL)
    assert s.ends_on == ends_on and "Đình chỉ" in str(s) and s.subject_unit.name in str(s)
    assert AuditEvent.objects.filter(action="discipline.suspension.started").exists()
    assert list(suspensions.suspended_seats(s)) == []
    if extended_to is None:
        with pytest.raises(ValidationError, match="không cho gia hạn"):
            suspensions.suspension_extend(s)
        return
    with pytest.raises(ValidationError, match="Gia hạn quá mức cho phép.*01/09/2026"):
        suspensions.suspension_extend(s, to=extended_to + timedelta(days=1))
    suspensions.suspension_extend(s)
    assert s.extended_to == extended_to


def test_refusals_for_an_organisation_say_why_in_vietnamese():
    day = date(2026, 5, 4)
    with pytest.raises(ValidationError, match="không được đình chỉ hoạt động của") as err:
        start_org(CELL, day, by=("HA.DBK.001", "inspection"))  # a UBKT: not in the rows
    assert "cấp ủy, ban thường vụ cấp ủy cấp trên" in str(err.value)
    assert "QĐ 21-QĐ/TW" in str(err.value)
    with pytest.raises(ValidationError, match="không tự đình chỉ hoạt động"):
        start_org("HA.DBK.001", day)  # its own committee
    with pytest.raises(ValidationError, match="không ở dưới"):
        start_org(CELL, day, by=("HA.DBK.002", "committee"))  # another đảng bộ
    with pytest.raises(ValidationError, match="Thời hạn quá mức cho phép: không quá 90 ngày"):
        start_org(CELL, day, ends_on=day + timedelta(days=91))
    with pytest.raises(ValidationError, match="Chọn tổ chức đảng"):
        suspensions.suspension_start(body=body("HA.DBK", "committee"), starts_on=day, reason="X")
    assert not Suspension.objects.filter(subject_kind="organisation").exists()


def test_an_organisation_suspended_for_less_than_the_cap_then_overlap_is_refused():
    day = date(2026, 5, 4)
    s = start_org(CELL, day, by=("HA.DBK", "standing"), ends_on=day + timedelta(days=30))
    assert s.ends_on == date(2026, 6, 3)
    with pytest.raises(ValidationError, match="Trùng thời gian"):
        start_org(CELL, date(2026, 6, 1))
    # a member of that cell is another subject: suspended on their own
    assert start(plain_member(), date(2026, 6, 1)).member is not None


def test_organisation_suspension_pages(client_as):
    client = client_as("ubkt_leader")
    cell = OrgUnit.objects.get(code=CELL)
    committee = body("HA.DBK.001", "committee")
    starts_on = timezone.localdate() - timedelta(days=10)
    form = {
        "subject_kind": "organisation",
        "subject_unit": cell.code,
        "body": body_label(committee),
        "starts_on": starts_on.strftime("%d/%m/%Y"),
        "reason": REASON,
    }
    own = client.post(
        reverse("suspensions:create"), form | {"subject_unit": unit_label(committee.unit)}
    ).content.decode()
    assert "không tự đình chỉ hoạt động" in own
    too_long = (starts_on + timedelta(days=91)).strftime("%d/%m/%Y")
    assert (
        "quá mức cho phép"
        in client.post(reverse("suspensions:create"), form | {"ends_on": too_long}).content.decode()
    )
    ok = client.post(reverse("suspensions:create"), form)
    assert ok.status_code == 302, ok.content.decode()
    s = Suspension.objects.get(subject_unit=cell, subject_kind="organisation")
    page = client.get(reverse("suspensions:detail", args=[s.pk])).content.decode()
    assert "Tổ chức đảng bị đình chỉ hoạt động" in page and cell.name in page
    assert "Sinh hoạt cấp ủy" not in page
    listing = client.get(reverse("suspensions:list")).content.decode()
    assert "đình chỉ hoạt động" in listing and cell.name in listing
    extend = reverse("suspensions:extend", args=[s.pk])
    beyond = (s.starts_on + timedelta(days=121)).strftime("%d/%m/%Y")
    refused = client.post(extend, {"extended_to": beyond}).content.decode()
    assert "Gia hạn quá mức cho phép" in refused and "21-QĐ/TW" in refused
    shorter = s.starts_on + timedelta(days=100)
    done = client.post(extend, {"extended_to": shorter.strftime("%d/%m/%Y")})
    assert done.status_code == 302
    s.refresh_from_db()
    assert s.extended_to == shorter  # within QĐ 21's 90 + 30
