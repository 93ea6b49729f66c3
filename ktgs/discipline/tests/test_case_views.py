"""The case pages: open by form, record a vote, the decision form offers only the forms the
body may decide (the rest are named as "only propose")."""

from datetime import date

import pytest
from django.urls import reverse

from ktgs.core.tests.formpage import FormFields, errors_above, opened
from ktgs.discipline import decisions, services
from ktgs.discipline.models import DisciplineCase
from ktgs.discipline.tests.test_decisions import CELL, DAY, body, case_for, plain_member
from ktgs.orgs.picking import body_label, body_token, member_label

pytestmark = pytest.mark.django_db


def test_open_a_case_by_form_and_refusal_for_an_unknown_member(client_as):
    client = client_as("ubkt_leader")
    member = plain_member()
    cell = body(CELL, "cell_meeting")
    bad = client.post(
        reverse("cases:create"),
        {
            "body": body_label(cell),
            "member": "KHONGCO9",
            "origin": "own",
            "opened_on": "01/06/2026",
            "secrecy": "normal",
        },
    )
    assert "Không có đảng viên mã KHONGCO9" in bad.content.decode()
    ok = client.post(
        reverse("cases:create"),
        {
            "body": body_label(cell),
            "member": member_label(member),
            "origin": "own",
            "opened_on": "01/06/2026",
            "secrecy": "normal",
        },
    )
    assert ok.status_code == 302
    case = DisciplineCase.objects.get(member=member, body=cell)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert member.full_name in page


def test_decision_form_offers_only_what_the_cell_may_decide(client_as):
    cell = body(CELL, "cell_meeting")
    case = case_for(plain_member(), cell)
    n = decisions.denominator_of(cell, DAY)
    decisions.vote_record(case, body=cell, role="decide", voted_on=DAY, counts={"warning": n})
    html = client_as("ubkt_leader").get(reverse("cases:decide", args=[case.pk])).content.decode()
    options = html[html.index('id="id_form"') : html.index("</select>", html.index('id="id_form"'))]
    assert 'value="warning"' in options and 'value="reprimand"' in options
    assert 'value="expulsion"' not in options and 'value="removal"' not in options
    assert "chỉ được đề nghị: cách chức, khai trừ" in html


def test_vote_page_records_counts(client_as):
    cell = body(CELL, "cell_meeting")
    case = case_for(plain_member(), cell)
    response = client_as("inspector").post(
        reverse("cases:vote", args=[case.pk]),
        {
            "body": body_token(cell),
            "role": "propose",
            "voted_on": "01/06/2026",
            "denominator": "9",
            "n_expulsion": "7",
        },
    )
    assert response.status_code == 302
    vote = case.votes.get()
    assert vote.proposed_form == "expulsion" and vote.counts == {"expulsion": 7}
    page = client_as("inspector").get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Khai trừ: 7" in page and date(2026, 6, 1).strftime("%d/%m/%Y") in page


def test_the_case_list_logs_the_confidential_cases_it_names_in_one_insert(client_as, cast):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ktgs.audit.models import ReadEvent
    from ktgs.core.models import Secrecy
    from ktgs.discipline import services
    from ktgs.orgs.models import Member

    members = list(Member.objects.live().filter(current_unit__code=CELL).order_by("code")[:3])
    opened = [
        services.case_open(body=body("HA.DBK", "inspection"), member=m, opened_on=DAY, secrecy=s)
        for m, s in zip(
            members, (Secrecy.NORMAL, Secrecy.CONFIDENTIAL, Secrecy.SECRET), strict=True
        )
    ]
    with CaptureQueriesContext(connection) as ctx:
        html = client_as("ubkt_leader").get(reverse("cases:list")).content.decode()
    assert all(m.full_name in html for m in members)
    inserts = [q["sql"] for q in ctx.captured_queries if "INSERT INTO" in q["sql"]]
    assert len([q for q in inserts if "readevent" in q]) == 1
    logged = ReadEvent.objects.filter(target_type="discipline.disciplinecase")
    ids = set(logged.values_list("target_id", flat=True))
    assert {str(c.pk) for c in opened[1:]} <= ids and str(opened[0].pk) not in ids
    marked = DisciplineCase.objects.filter(pk__in=ids).values_list("secrecy", flat=True)
    assert set(marked) <= {Secrecy.CONFIDENTIAL, Secrecy.SECRET}  # the demo's own, too
    assert logged.get(target_id=str(opened[2].pk)).unit_id == opened[2].unit_id


def test_violation_form_offers_the_categories_and_the_page_shows_no_limitation(client_as):
    client = client_as("ubkt_leader")
    case = services.case_open(
        body=body(CELL, "cell_meeting"), member=plain_member(), opened_on=date(2026, 2, 2)
    )
    url = reverse("cases:violation", args=[case.pk])
    form = client.get(url).content.decode()
    assert 'value="internal_politics"' in form and "Vi phạm về chính trị nội bộ" in form
    data = {
        "description": "Tiết lộ thông tin nội bộ",
        "kind": "conduct",
        "category": "khong-co",
        "started_on": "01/01/2010",
        "ended_on": "01/06/2010",
    }
    assert client.post(url, data).status_code == 200  # the form again, with the error
    assert not case.violations.exists()
    assert client.post(url, {**data, "category": "internal_politics"}).status_code == 302
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "vi phạm về chính trị nội bộ" in page
    assert "không áp dụng thời hiệu với nhóm vi phạm này" in page


def test_statements_saved_from_a_stale_form_are_refused_and_can_be_reapplied(client_as):
    case = case_for(plain_member(), body(CELL, "cell_meeting"))
    url = reverse("cases:statements", args=[case.pk])
    first, second = client_as("ubkt_leader"), client_as("inspector")
    form_a, form_b = opened(first, url), opened(second, url)
    assert first.post(url, {**form_a, "mitigating": "Thành khẩn"}).status_code == 302
    refused = second.post(url, {**form_b, "self_criticism": "Đã nhận khuyết điểm"})
    case.refresh_from_db()
    assert (case.mitigating, case.self_criticism) == ("Thành khẩn", "")
    message = errors_above(refused)
    assert "Tình tiết giảm nhẹ: «(trống)» khi đồng chí mở trang, nay là «Thành khẩn»" in message
    shown = FormFields()
    shown.feed(refused.content.decode())
    assert second.post(url, shown.data).status_code == 302
    case.refresh_from_db()
    assert (case.mitigating, case.self_criticism) == ("Thành khẩn", "Đã nhận khuyết điểm")


def test_the_case_list_pages_by_its_links_neither_skipping_nor_repeating(client_as, cast):
    """Pages of 50, the latest opened first: «Trang sau» opens the next page (it used to show the
    first page again), and a case opened meanwhile moves none of the pages after."""
    from ktgs.accounts.access import visible_to
    from ktgs.core.tests.pages import walk
    from ktgs.orgs.models import Member

    bloc = body("HA.DBK", "inspection")
    members = iter(
        Member.objects.live()
        .filter(current_unit__path__startswith=bloc.unit.path)
        .order_by("code")[:60]
    )
    for _ in range(30):
        services.case_open(body=bloc, member=next(members), opened_on=DAY)
    scope = visible_to(cast["ubkt_leader"])
    there = list(
        scope.visible(DisciplineCase.objects.live())
        .order_by("-opened_on", "-pk")
        .values_list("pk", flat=True)
    )

    def opened_later():  # after every case listed: on the first page
        services.case_open(body=bloc, member=next(members), opened_on=date(2026, 6, 1))

    ids = walk(client_as("ubkt_leader"), reverse("cases:list"), {}, between=opened_later)
    assert ids == there and len(there) > 50
