"""The inspection pages on the demo bloc: create by form, refusals, steps, conclusion, due dates,
follow-ups on the home page, fixed query counts on the list."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ktgs.accounts.access import visible_to
from ktgs.core.tests.formpage import FormFields, errors_above, opened
from ktgs.core.tests.pages import walk
from ktgs.inspections import selectors, services
from ktgs.inspections.models import Inspection
from ktgs.inspections.services import Recommendation, SubjectInput
from ktgs.orgs.models import Body, OrgUnit
from ktgs.orgs.picking import body_label, unit_label
from ktgs.rules.choices import Step

pytestmark = pytest.mark.django_db


LATER = date(2026, 6, 1)


def bloc_ubkt() -> Body:
    return Body.objects.get(unit__code="HA.DBK", kind="inspection")


def make(n: int, *, subject="HA.DBK.001", day=date(2026, 2, 2), **kw) -> Inspection:
    return services.inspection_create(
        body=kw.pop("body", None) or bloc_ubkt(),
        kind=kw.pop("kind", "supervision_thematic"),
        decided_on=day,
        decision_number=f"{n:02d}-QĐ/UBKTĐUK",
        topic=f"Giám sát chuyên đề số {n}",
        subjects=[SubjectInput(unit=OrgUnit.objects.get(code=subject))],
        **kw,
    )


def test_create_by_form_then_detail(client_as):
    client = client_as("ubkt_leader")
    page = client.get(reverse("inspections:create"))
    assert page.status_code == 200
    unit = OrgUnit.objects.get(code="HA.DBK.003")
    response = client.post(
        reverse("inspections:create"),
        {
            "body": "HA.DBK/ubkt",
            "kind": "supervision_thematic",
            "decision_number": "41-QĐ/UBKTĐUK",
            "decided_on": "02/03/2026",
            "topic": "Giám sát việc lãnh đạo công tác cán bộ",
            "unit_subjects": [unit_label(unit)],
            "member_codes": "",
            "plan_ends_on": "30/04/2026",
            "team_leader": "Nguyễn Văn Trưởng",
            "team_members": "Trần Thị Hai, Ủy viên UBKT",
            "secrecy": "normal",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    inspection = Inspection.objects.get(decision_number="41-QĐ/UBKTĐUK")
    detail = client.get(response["Location"]).content.decode()
    assert "Đảng bộ" in detail and "Công bố quyết định" in detail
    assert "30/04/2026" in detail  # the conclusion notice is due on the plan's end
    assert inspection.team.count() == 2


def test_form_refusal_names_rule_and_source_and_writes_nothing(client_as):
    client = client_as("ubkt_leader")
    advisory = Body.objects.filter(unit__code="HA.DBK", kind="advisory").first()
    before = Inspection.objects.count()
    response = client.post(
        reverse("inspections:create"),
        {
            "body": body_label(advisory),
            "kind": "signs_of_violation",
            "decision_number": "42-QĐ/ĐUK",
            "decided_on": "02/03/2026",
            "topic": "Kiểm tra khi có dấu hiệu vi phạm",
            "unit_subjects": "HA.DBK.003",
            "secrecy": "normal",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Cơ quan tham mưu" in html and "296-QĐ/TW" in html
    assert Inspection.objects.count() == before


def test_bad_date_and_unknown_member_get_vietnamese_messages(client_as):
    response = client_as("inspector").post(
        reverse("inspections:create"),
        {
            "body": "HA.DBK/ubkt",
            "kind": "supervision_thematic",
            "decision_number": "43-QĐ/UBKTĐUK",
            "decided_on": "31/02/2026",
            "topic": "x",
            "member_codes": "KHONGCO1",
            "secrecy": "normal",
        },
    )
    html = response.content.decode()
    assert "Không có đảng viên mã KHONGCO1" in html
    assert "dd/mm/yyyy" in html or "ngày" in html.lower()


def test_step_page_refuses_a_date_before_the_decision(client_as):
    inspection = make(44)
    step = inspection.steps.get(step=Step.ANNOUNCEMENT)
    url = reverse("inspections:step", args=[inspection.pk, step.pk])
    response = client_as("inspector").post(url, {"done_on": "01/02/2026"})
    assert "trước ngày quyết định" in response.content.decode()
    step.refresh_from_db()
    assert step.done_on is None


def test_due_colours_and_due_view(client_as):
    today = timezone.localdate()
    late = make(45, day=today - timedelta(days=40), plan_ends_on=today - timedelta(days=3))
    soon = make(46, day=today - timedelta(days=10), plan_ends_on=today + timedelta(days=1))
    client = client_as("inspector")
    assert "due-late" in client.get(reverse("inspections:detail", args=[late.pk])).content.decode()
    assert "due-soon" in client.get(reverse("inspections:detail", args=[soon.pk])).content.decode()
    due = client.get(reverse("inspections:due")).content.decode()
    assert f'href="/kiem-tra/{late.pk}/"' in due and f'href="/kiem-tra/{soon.pk}/"' in due


def test_follow_ups_on_home_overdue_first(client_as):
    """Open follow-ups come by due date, so the overdue ones first; the demo has some too, so
    the overdue one here is dated before any of them."""
    inspection = make(47, day=date(2025, 7, 1))
    services.step_record(inspection.steps.get(step=Step.ANNOUNCEMENT), done_on=date(2025, 7, 3))
    services.subject_conclude(
        inspection.subjects.get(),
        result="shortcomings",
        concluded_on=date(2025, 8, 1),
        recommendations=[
            Recommendation("Kiện toàn chi ủy", timezone.localdate() + timedelta(days=3650)),
            Recommendation("Sửa quy chế làm việc", date(2025, 9, 1)),
        ],
    )
    html = client_as("grassroots_officer").get(reverse("home")).content.decode()
    panel = html[html.index('class="follow-ups"') :]
    body = panel.index("<tbody>")
    first_row = panel[body : panel.index("</tr>", body)]
    assert "Sửa quy chế làm việc" in first_row and "quá hạn" in first_row
    if "Kiện toàn chi ủy" in panel:
        assert panel.index("Sửa quy chế làm việc") < panel.index("Kiện toàn chi ủy")


def test_list_uses_a_fixed_number_of_queries(client_as):
    client = client_as("ubkt_leader")
    url = reverse("inspections:list") + "?q=Giám sát chuyên đề số"
    make(50)
    client.get(url)  # warm the session and caches
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for n in range(51, 66):
        make(n, subject="HA.DBK.002" if n % 2 else "HA.DBK.001")
    with CaptureQueriesContext(connection) as many:
        html = client.get(url).content.decode()
    assert "Giám sát chuyên đề số 65" in html
    assert len(many) == len(few), [q["sql"][:120] for q in many.captured_queries]


def test_the_list_pages_by_its_links_neither_skipping_nor_repeating(client_as, cast):
    """Pages of 50, the latest decision first: «Trang sau» opens the next 50 (it used to show
    the first page again), and an inspection decided meanwhile moves none of the pages after."""
    for n in range(1, 56):
        make(n, day=date(2026, 2, 2) + timedelta(days=n % 7))
    scope = visible_to(cast["ubkt_leader"])
    there = list(
        selectors.inspection_list(scope=scope, f=selectors.ListFilter()).values_list(
            "pk", flat=True
        )
    )
    later = iter(range(500, 520))  # decided after every one listed: the first page's
    client = client_as("ubkt_leader")
    ids = walk(
        client, reverse("inspections:list"), {}, between=lambda: make(next(later), day=LATER)
    )
    assert ids == there and len(there) > 100


def test_plan_page_sets_due_dates_in_order(client_as):
    inspection = make(48, day=date(2026, 3, 2))
    steps = {s.step: s for s in inspection.steps.all()}
    announce, report = steps[Step.ANNOUNCEMENT], steps[Step.SUBJECT_REPORT]
    client = client_as("inspector")
    url = reverse("inspections:plan", args=[inspection.pk])
    v = inspection.version
    bad = client.post(
        url, {f"step_{announce.pk}": "10/03/2026", f"step_{report.pk}": "05/03/2026", "version": v}
    )
    assert "phải từ 10/03/2026 trở đi" in bad.content.decode()
    announce.refresh_from_db()
    assert announce.due_on is None  # nothing written
    ok = client.post(
        url, {f"step_{announce.pk}": "04/03/2026", f"step_{report.pk}": "20/03/2026", "version": v}
    )
    assert ok.status_code == 302
    report.refresh_from_db()
    assert report.due_on == date(2026, 3, 20) and report.due_basis == "Theo kế hoạch"
    detail = client.get(reverse("inspections:detail", args=[inspection.pk])).content.decode()
    assert "20/03/2026" in detail and "Theo kế hoạch" in detail


def test_a_plan_saved_from_a_stale_page_is_refused_and_can_be_reapplied(client_as):
    inspection = make(49, day=date(2026, 3, 2))
    steps = {s.step: s for s in inspection.steps.all()}
    announce, report = steps[Step.ANNOUNCEMENT], steps[Step.SUBJECT_REPORT]
    url = reverse("inspections:plan", args=[inspection.pk])
    first, second = client_as("inspector"), client_as("ubkt_leader")
    form_a, form_b = opened(first, url), opened(second, url)
    a, r = f"step_{announce.pk}", f"step_{report.pk}"
    assert first.post(url, {**form_a, a: "04/03/2026"}).status_code == 302
    refused = second.post(url, {**form_b, r: "20/03/2026"})
    report.refresh_from_db()
    assert report.due_on is None
    assert "«(trống)» khi đồng chí mở trang, nay là «04/03/2026»" in errors_above(refused)
    shown = FormFields()
    shown.feed(refused.content.decode())
    assert (shown.data[a], shown.data[r]) == ("04/03/2026", "20/03/2026")
    assert second.post(url, shown.data).status_code == 302
    announce.refresh_from_db()
    report.refresh_from_db()
    assert (announce.due_on, report.due_on) == (date(2026, 3, 4), date(2026, 3, 20))


# --- the read log of the list (issue 10, finding 10e) ------------------------------------------


def _read_inserts(ctx) -> list[str]:
    return [
        q["sql"]
        for q in ctx.captured_queries
        if "INSERT INTO" in q["sql"] and "readevent" in q["sql"]
    ]


def test_the_list_logs_the_confidential_topics_it_shows_in_one_insert(client_as, cast):
    """Showing a mật or tối mật inspection's topic in the list is reading it: one ReadEvent per
    such row on the page, one INSERT for the page, none for thường rows or rows not shown."""
    from ktgs.audit.models import ReadEvent
    from ktgs.core.models import Secrecy

    plain = make(70)
    confidential = [make(n, secrecy=Secrecy.CONFIDENTIAL) for n in (71, 72, 73)]
    secret = make(74, secrecy=Secrecy.SECRET)
    url = reverse("inspections:list") + "?q=Giám sát chuyên đề số 7"
    client = client_as("ubkt_leader")  # clearance tối mật
    with CaptureQueriesContext(connection) as ctx:
        html = client.get(url).content.decode()
    assert "Giám sát chuyên đề số 74" in html and "Giám sát chuyên đề số 70" in html
    assert len(_read_inserts(ctx)) == 1
    logged = ReadEvent.objects.filter(target_type="inspections.inspection")
    expected = {str(i.pk) for i in (*confidential, secret)}
    assert set(logged.values_list("target_id", flat=True)) == expected
    event = logged.get(target_id=str(secret.pk))
    assert (event.user_id, event.secrecy, event.unit_id) == (
        cast["ubkt_leader"].pk,
        Secrecy.SECRET,
        secret.unit_id,
    )
    assert not logged.filter(target_id=str(plain.pk)).exists()

    ReadEvent.objects.all().delete()  # the inspector (mật) does not see the tối mật row
    client_as("inspector").get(url)
    assert set(logged.values_list("target_id", flat=True)) == {str(i.pk) for i in confidential}


def test_a_list_of_plain_topics_writes_no_read_event(client_as):
    make(75)
    with CaptureQueriesContext(connection) as ctx:
        client_as("ubkt_leader").get(reverse("inspections:list") + "?q=Giám sát chuyên đề số 75")
    assert _read_inserts(ctx) == []
