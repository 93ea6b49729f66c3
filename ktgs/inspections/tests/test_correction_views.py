"""The correction pages of an inspection: «Sửa» links for who may record it, the form opened with
the saved values, the reason required, the correction shown in «Lịch sử sửa», a stale form
re-shown naming what the other user changed."""

import pytest
from django.urls import reverse

from ktgs.inspections import corrections
from ktgs.inspections.models import Inspection
from ktgs.inspections.tests.test_corrections import concluded, header

pytestmark = pytest.mark.django_db


def post_header(client, insp: Inspection, **kw):
    data = {
        "body": insp.body.name,
        "decision_number": insp.decision_number,
        "decided_on": insp.decided_on.strftime("%d/%m/%Y"),
        "topic": insp.topic,
        "legal_basis": "",
        "plan_ends_on": "",
        "reason": "Nhập nhầm nội dung",
        "version": insp.version,
        **kw,
    }
    return client.post(reverse("inspections:correct", args=[insp.pk]), data)


def test_links_and_form_for_who_may_record(client_as):
    insp = concluded()
    detail = reverse("inspections:detail", args=[insp.pk])
    page = client_as("inspector").get(detail).content.decode()
    assert reverse("inspections:correct", args=[insp.pk]) in page
    subject = insp.subjects.get(member__isnull=True)
    assert reverse("inspections:correct_conclusion", args=[insp.pk, subject.pk]) in page
    assert "Lịch sử sửa" in page
    viewer = client_as("committee_leader").get(detail).content.decode()
    assert reverse("inspections:correct", args=[insp.pk]) not in viewer
    form = client_as("inspector").get(reverse("inspections:correct", args=[insp.pk]))
    assert insp.topic in form.content.decode()


def test_topic_corrected_and_listed_with_its_reason(client_as):
    insp = concluded()
    client = client_as("inspector")
    response = post_header(client, insp, topic="Giám sát quy chế làm việc (đã sửa)")
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Giám sát quy chế làm việc (đã sửa)" in page
    history = page.split('id="lich-su-sua"')[1].split("</section>")[0]
    assert "Nhập nhầm nội dung" in history and "Thông tin chung" in history


def test_reason_required_and_nothing_saved(client_as):
    insp = concluded()
    response = post_header(client_as("inspector"), insp, topic="Khác", reason="")
    assert response.status_code == 200
    assert Inspection.objects.get(pk=insp.pk).topic == insp.topic


def test_a_stale_form_names_the_other_change(client_as):
    insp = concluded()
    corrections.inspection_correct(insp, **header(insp, topic="Người khác sửa"))
    response = post_header(client_as("inspector"), insp, topic="Tôi sửa", version=1)
    assert response.status_code == 200
    assert "Người khác sửa" in response.content.decode()
    assert Inspection.objects.get(pk=insp.pk).topic == "Người khác sửa"


def test_conclusion_page_corrects_the_text(client_as):
    insp = concluded()
    subject = insp.subjects.get(member__isnull=True)
    url = reverse("inspections:correct_conclusion", args=[insp.pk, subject.pk])
    data = {
        "result": subject.result,
        "concluded_on": subject.concluded_on.strftime("%d/%m/%Y"),
        "shortcomings": "Chưa ban hành quy chế làm việc",
        "reason": "Lỗi chính tả",
        "version": insp.version,
    }
    assert client_as("inspector").post(url, data).status_code == 302
    subject.refresh_from_db()
    assert subject.shortcomings == "Chưa ban hành quy chế làm việc"


def test_a_mistaken_subject_removed_from_the_page_and_listed(client_as):
    insp = concluded()  # the unit is concluded, the member is not
    member_row = insp.subjects.get(member__isnull=False)
    unit_row = insp.subjects.get(member__isnull=True)
    client = client_as("inspector")
    page = client.get(reverse("inspections:detail", args=[insp.pk])).content.decode()
    url = reverse("inspections:correct_subject_remove", args=[insp.pk, member_row.pk])
    assert url in page
    assert reverse("inspections:correct_subject_remove", args=[insp.pk, unit_row.pk]) not in page
    response = client.post(url, {"reason": "Ghi nhầm đối tượng", "version": insp.version})
    assert response.status_code == 302
    assert list(insp.subjects.values_list("pk", flat=True)) == [unit_row.pk]
    page = client.get(response["Location"]).content.decode()
    history = page.split('id="lich-su-sua"')[1].split("</section>")[0]
    assert "Ghi nhầm đối tượng" in history


def test_a_follow_up_corrected_from_the_page(client_as):
    from ktgs.inspections.services import Recommendation, subject_conclude
    from ktgs.rules.choices import Step

    insp = concluded()
    member_row = insp.subjects.get(member__isnull=False)
    subject_conclude(
        member_row,
        result="shortcomings",
        concluded_on=insp.steps.get(step=Step.ANNOUNCEMENT).done_on,
        recommendations=[
            Recommendation("Kiểm điểm trước chi bộ", insp.decided_on.replace(month=6))
        ],
    )
    insp = Inspection.objects.get(pk=insp.pk)
    fu = insp.follow_ups.get()
    url = reverse("inspections:correct_follow_up", args=[insp.pk, fu.pk])
    client = client_as("inspector")
    assert url in client.get(reverse("inspections:detail", args=[insp.pk])).content.decode()
    data = {
        "text": "Kiểm điểm trước chi bộ (bổ sung)",
        "due_on": fu.due_on.strftime("%d/%m/%Y"),
        "status": "open",
        "done_on": "",
        "note": "",
        "reason": "Thiếu chữ",
        "version": insp.version,
    }
    refused = client.post(url, data | {"done_on": "01/07/2026"})
    assert refused.status_code == 200 and "để trống ô này" in refused.content.decode()
    assert client.post(url, data).status_code == 302
    fu.refresh_from_db()
    assert fu.text == "Kiểm điểm trước chi bộ (bổ sung)"
    assert client_as("committee_leader").get(url).status_code == 403
