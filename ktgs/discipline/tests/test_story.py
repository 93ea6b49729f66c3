"""The section «Kiểm tra, giám sát và kỷ luật» of member and unit pages (discipline/story.py) and
the inspection and decision lists filtered by subject (issue 18, item 2)."""

import re
from datetime import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ktgs.accounts.access import Scope, visible_to
from ktgs.core.models import Secrecy
from ktgs.discipline.counting import live_decisions
from ktgs.discipline.models import Decision, DisciplineCase, Suspension
from ktgs.discipline.story import member_story, unit_story
from ktgs.inspections import selectors as inspection_selectors
from ktgs.inspections.models import Inspection, InspectionSubject
from ktgs.letters.choices import Channel, LetterKind
from ktgs.letters.models import Letter
from ktgs.orgs.models import Member, OrgUnit

pytestmark = pytest.mark.django_db

ROW = re.compile(
    r'<tr data-(inspection|conclusion|case|decision|appeal|suspension)="(\d+)"[^>]*>\s*'
    r"<td>(\d\d/\d\d/\d{4})</td>"
)
SECTION = "Kiểm tra, giám sát và kỷ luật"


def _rows(html: str) -> list[tuple[str, int, datetime]]:
    return [
        (kind, int(pk), datetime.strptime(day, "%d/%m/%Y")) for kind, pk, day in ROW.findall(html)
    ]


def _member_with_both() -> tuple[Member, InspectionSubject, Decision]:
    """A member who was the concluded subject of an inspection and received a decision, both
    thường (every reading role sees them)."""
    subject = (
        InspectionSubject.objects.filter(
            member__discipline_decisions__voided_at__isnull=True,
            member__discipline_decisions__secrecy=Secrecy.NORMAL,
            inspection__voided_at__isnull=True,
            inspection__secrecy=Secrecy.NORMAL,
        )
        .exclude(result="")
        .select_related("member", "inspection")
        .order_by("pk")
        .first()
    )
    assert subject is not None, "the demo has a member inspected and disciplined"
    decision = Decision.objects.live().filter(member=subject.member).order_by("pk").first()
    return subject.member, subject, decision


def test_member_page_tells_the_inspection_and_the_decision_in_date_order(client_as):
    member, subject, decision = _member_with_both()
    html = client_as("inspector").get(reverse("orgs:member_detail", args=[member.code]))
    html = html.content.decode()
    assert SECTION in html
    rows = _rows(html)
    kinds = {(kind, pk) for kind, pk, _day in rows}
    assert ("inspection", subject.inspection_id) in kinds
    assert ("conclusion", subject.pk) in kinds
    assert ("decision", decision.pk) in kinds
    days = [day for _kind, _pk, day in rows]
    assert days == sorted(days)
    # each a link to its page, with the performing / deciding body
    assert reverse("inspections:detail", args=[subject.inspection_id]) in html
    assert subject.inspection.body.name in html and decision.body.name in html
    if decision.case_id:
        assert reverse("cases:detail", args=[decision.case_id]) + "#quyet-dinh" in html


def test_a_record_the_reader_may_not_see_is_counted_never_shown(client_as):
    member, subject, _decision = _member_with_both()
    Inspection.objects.filter(pk=subject.inspection_id).update(secrecy=Secrecy.SECRET)
    url = reverse("orgs:member_detail", args=[member.code])
    inspector = client_as("inspector").get(url).content.decode()  # cleared up to mật
    assert ("inspection", subject.inspection_id) not in {(k, pk) for k, pk, _d in _rows(inspector)}
    assert subject.inspection.topic[:40] not in inspector
    assert "Còn 1 hồ sơ kiểm tra, giám sát, kỷ luật" in inspector
    leader = client_as("ubkt_leader").get(url).content.decode()  # cleared up to tối mật
    assert ("inspection", subject.inspection_id) in {(k, pk) for k, pk, _d in _rows(leader)}


def test_a_role_that_reads_no_records_gets_no_section(client_as):
    _member, subject, _decision = _member_with_both()
    page = client_as("sysadmin").get(reverse("orgs:unit_detail", args=[subject.unit.code]))
    assert page.status_code == 200
    assert 'id="kiem-tra-ky-luat"' not in page.content.decode()


def test_the_unit_page_tells_what_the_organisation_and_its_members_were_subjects_of(client_as):
    subject = (
        InspectionSubject.objects.filter(
            member__isnull=True,
            inspection__secrecy=Secrecy.NORMAL,
            inspection__voided_at__isnull=True,
        )
        .exclude(result="")
        .order_by("pk")
        .first()
    )
    html = client_as("inspector").get(reverse("orgs:unit_detail", args=[subject.unit.code]))
    html = html.content.decode()
    assert f"{SECTION} (tổ chức đảng và đảng viên sinh hoạt tại đây)" in html
    kinds = {(kind, pk) for kind, pk, _day in _rows(html)}
    assert ("inspection", subject.inspection_id) in kinds
    assert ("conclusion", subject.pk) in kinds


def test_letters_never_appear_in_an_accused_members_story(cast, client_as):
    member, subject, _decision = _member_with_both()
    body = subject.inspection.body  # a body the reader's scope covers, receiving the letter
    letter = Letter.objects.create(
        body=body,
        unit=body.unit,
        year=2026,
        number=9876,
        received_on=subject.inspection.decided_on,
        channel=Channel.values[0],
        kind=LetterKind.values[0],
        summary="Tố cáo đảng viên, nội dung riêng của đơn",
    )
    letter.accused_members.add(member)
    html = client_as("ubkt_leader").get(reverse("orgs:member_detail", args=[member.code]))
    assert html.status_code == 200
    html = html.content.decode()
    assert SECTION in html
    section = html[html.index('id="kiem-tra-ky-luat"') :]
    assert "/don-thu/" not in section and "Đơn số" not in section and "đơn thư" not in section
    assert letter.summary not in html
    # the story does not even read the letters' tables
    scope = visible_to(cast["ubkt_leader"])
    with CaptureQueriesContext(connection) as queries:
        member_story(scope, member)
        unit_story(scope, member.current_unit)
    assert not [q["sql"] for q in queries if "letters_" in q["sql"]]


def test_the_story_takes_the_same_queries_whatever_its_length(cast):
    scope = visible_to(cast["ubkt_leader"])
    unit = (
        OrgUnit.objects.filter(inspection_subjects__isnull=False).order_by("-pk").distinct().first()
    )
    member, _subject, _decision = _member_with_both()
    with CaptureQueriesContext(connection) as many:
        story = unit_story(scope, unit)
    with CaptureQueriesContext(connection) as few:
        short = member_story(scope, member)
    assert len(story.entries) > len(short.entries) >= 3
    assert len(many) == len(few) <= 10


def test_a_story_counts_its_parts_in_one_query(cast):
    """One query counts the subject's records of every part: a part with none (most members and
    units have no discipline record) is read no further; when the reader sees every inspection
    of the unit, those not seen are not counted."""
    scope = visible_to(cast["ubkt_leader"])
    subject = (
        InspectionSubject.objects.filter(
            unit__isnull=False,
            inspection__voided_at__isnull=True,
            inspection__secrecy=Secrecy.NORMAL,
        )
        .exclude(unit__in=DisciplineCase.objects.values("subject_unit"))
        .exclude(unit__in=Decision.objects.values("subject_unit"))
        .exclude(unit__in=Suspension.objects.values("subject_unit"))
        .exclude(
            unit__in=InspectionSubject.objects.exclude(inspection__secrecy=Secrecy.NORMAL).values(
                "unit"
            )
        )
        .select_related("unit")
        .order_by("pk")
        .first()
    )
    assert subject is not None, "the demo has a unit inspected and never disciplined"
    with CaptureQueriesContext(connection) as queries:
        story = unit_story(scope, subject.unit)
    assert ("inspection", subject.inspection_id) in {
        (e.kind, e.record.inspection_id) for e in story.entries
    }
    assert story.hidden == 0
    sqls = [q["sql"] for q in queries]
    assert len([sql for sql in sqls if "discipline_" in sql]) == 1, sqls
    # the parts counted, the unit's inspection rows listed, their follow-ups: nothing more
    assert len(sqls) == 3, sqls


def test_a_units_inspections_are_read_through_its_subject_rows_as_through_every_path(
    cast, monkeypatch
):
    """On a unit's page the inspections with a subject there are checked by clearance alone
    when the reader reads at the unit: the same rows, and the same count of those not seen,
    as the whole rule (`visible_inspections`) gives, for every role."""
    live = InspectionSubject.objects.filter(inspection__voided_at__isnull=True)
    units = list(OrgUnit.objects.filter(pk__in=live.values("unit")).order_by("path")[:6])
    secret = InspectionSubject.objects.filter(unit=units[0]).first().inspection
    Inspection.objects.filter(pk=secret.pk).update(secrecy=Secrecy.SECRET)
    checked = {"through the subject": 0, "hidden": 0}
    for user in cast.values():
        scope = visible_to(user)
        for unit in units:
            fast = inspection_selectors.subject_rows(scope=scope, unit=unit, limit=100)
            with monkeypatch.context() as m:
                m.setattr(Scope, "reads_through", lambda *args: False)
                full = inspection_selectors.subject_rows(scope=scope, unit=unit, limit=100)
            assert ([r.pk for r in fast[0]], fast[1]) == ([r.pk for r in full[0]], full[1])
            checked["through the subject"] += scope.reads_through(
                Inspection, inspection_selectors.SUBJECT_UNIT_PATH, unit.path
            )
            checked["hidden"] += fast[1] > 0
    assert checked["through the subject"] and checked["hidden"], checked


# --- the lists filtered by subject --------------------------------------------------------------


def _inspection_pks(html: str) -> set[int]:
    return {int(pk) for pk in re.findall(r'href="/kiem-tra/(\d+)/"', html)}


def test_inspection_list_filters_by_a_member_picked_by_name(client_as):
    member, subject, _decision = _member_with_both()
    expected = set(
        Inspection.objects.live()
        .filter(subjects__member=member, secrecy__in=[Secrecy.NORMAL, Secrecy.CONFIDENTIAL])
        .values_list("pk", flat=True)
    )
    client = client_as("inspector")
    by_code = client.get(reverse("inspections:list"), {"dang_vien": member.code})
    html = by_code.content.decode()
    assert _inspection_pks(html) == expected and subject.inspection_id in expected
    assert f"có đối tượng là đảng viên {member.full_name} ({member.code})" in html
    same_name = Member.objects.live().filter(search_key=member.search_key).count()
    if same_name == 1:  # the whole name typed picks the one member bearing it
        by_name = client.get(reverse("inspections:list"), {"dang_vien": member.full_name})
        assert _inspection_pks(by_name.content.decode()) == expected


def test_inspection_list_filters_by_a_subject_unit_and_its_subtree(client_as):
    subject = (
        InspectionSubject.objects.filter(member__isnull=True, inspection__secrecy=Secrecy.NORMAL)
        .select_related("unit")
        .order_by("pk")
        .first()
    )
    unit = subject.unit
    expected = set(
        Inspection.objects.live()
        .filter(
            subjects__unit__path__startswith=unit.path,
            secrecy__in=[Secrecy.NORMAL, Secrecy.CONFIDENTIAL],
        )
        .values_list("pk", flat=True)
    )
    html = client_as("inspector").get(reverse("inspections:list"), {"doi_tuong": unit.code})
    html = html.content.decode()
    assert _inspection_pks(html) == expected
    assert f"có đối tượng là {unit.name}" in html


def test_a_member_not_found_is_said_next_to_the_field_and_the_list_is_not_filtered(client_as):
    client = client_as("inspector")
    everything = client.get(reverse("inspections:list")).content.decode()
    page = client.get(reverse("inspections:list"), {"dang_vien": "Không Ai Có Tên Này"})
    html = page.content.decode()
    assert page.status_code == 200 and 'id="id_dang_vien_error"' in html
    assert _inspection_pks(html) == _inspection_pks(everything)


def test_decision_list_filters_by_a_member(client_as):
    member, _subject, _decision = _member_with_both()
    expected = set(
        live_decisions()
        .filter(member=member, secrecy__in=[Secrecy.NORMAL, Secrecy.CONFIDENTIAL])
        .values_list("pk", flat=True)
    )
    page = client_as("inspector").get(reverse("discipline:list"), {"dang-vien": member.code})
    html = page.content.decode()
    assert expected and {int(pk) for pk in re.findall(r'data-decision="(\d+)"', html)} == expected
    assert f"đối với đảng viên {member.full_name} ({member.code})" in html


def test_an_open_follow_up_past_its_due_date_reads_overdue_in_the_story(client_as):
    from datetime import timedelta

    from django.utils import timezone

    from ktgs.inspections.models import FollowUp

    follow_up = (
        FollowUp.objects.filter(
            status="open",
            subject__member__isnull=False,
            inspection__secrecy=Secrecy.NORMAL,
            inspection__voided_at__isnull=True,
        )
        .select_related("subject__member")
        .order_by("pk")
        .first()
    )
    assert follow_up is not None, "the demo has an open follow-up of a member's conclusion"
    url = reverse("orgs:member_detail", args=[follow_up.subject.member.code])
    client = client_as("ubkt_leader")

    def row() -> str:
        html = client.get(url).content.decode()
        start = html.index(f'data-conclusion="{follow_up.subject_id}"')
        return html[start : html.index("</tr>", start)]

    today = timezone.localdate()
    FollowUp.objects.filter(subject=follow_up.subject).update(due_on=today)
    FollowUp.objects.filter(pk=follow_up.pk).update(due_on=today - timedelta(days=1))
    assert "quá hạn" in row()
    FollowUp.objects.filter(pk=follow_up.pk).update(due_on=today)
    assert "quá hạn" not in row(), "due today is not yet overdue"
