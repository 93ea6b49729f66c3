"""The correction pages of a case: «Sửa» links, the decision's page for who may decide, the
form change refused pointing to the appeal, the correction listed in «Lịch sử sửa»."""

import pytest
from django.urls import reverse

from ktgs.discipline.models import Decision
from ktgs.discipline.tests.test_corrections import decided  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def data(d: Decision, **kw) -> dict:
    return {
        "form": d.form,
        "number": d.number,
        "signed_on": d.signed_on.strftime("%d/%m/%Y"),
        "announced_on": d.announced_on.strftime("%d/%m/%Y"),
        "received_on": d.received_on.strftime("%d/%m/%Y"),
        "reason": "Nhập nhầm số quyết định",
        "version": d.version,
        **kw,
    }


def test_decision_number_corrected_and_listed(client_as, decided):  # noqa: F811
    case, d, _n = decided
    client = client_as("ubkt_leader")
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    url = reverse("cases:correct_decision", args=[d.pk])
    assert url in page and reverse("cases:correct", args=[case.pk]) in page
    response = client.post(url, data(d, number="08-QĐ/CB"))
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    history = page.split('id="lich-su-sua"')[1].split("</section>")[0]
    assert "08-QĐ/CB" in history and "Nhập nhầm số quyết định" in history


def test_form_change_refused_with_the_appeal_named(client_as, decided):  # noqa: F811
    _case, d, _n = decided
    response = client_as("ubkt_leader").post(
        reverse("cases:correct_decision", args=[d.pk]), data(d, form="reprimand")
    )
    assert response.status_code == 200
    assert "khiếu nại" in response.content.decode()
    assert Decision.objects.get(pk=d.pk).form == "warning"


def test_an_inspector_sees_no_decision_link_and_is_refused(client_as, decided):  # noqa: F811
    case, d, _n = decided
    client = client_as("inspector")
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert reverse("cases:correct_decision", args=[d.pk]) not in page
    assert client.get(reverse("cases:correct_decision", args=[d.pk])).status_code == 403


def test_an_imported_decision_is_corrected_from_the_decision_list(client_as, decided):  # noqa: F811
    """A decision with no case (imported) has no case page: the list offers its correction to
    whoever may decide at the deciding body's unit, and to no one else."""
    _case, d, _n = decided
    Decision.objects.filter(pk=d.pk).update(case=None)
    url = reverse("cases:correct_decision", args=[d.pk])
    listing = reverse("discipline:list") + f"?dang-vien={d.member.code}"
    leader = client_as("ubkt_leader")
    assert url in leader.get(listing).content.decode()
    response = leader.post(url, data(Decision.objects.get(pk=d.pk), number="09-QĐ/CB"))
    assert response.status_code == 302 and response["Location"] == reverse("discipline:list")
    assert Decision.objects.get(pk=d.pk).number == "09-QĐ/CB"
    assert url not in client_as("inspector").get(listing).content.decode()


def test_a_violation_and_a_pause_corrected_from_the_case_page(client_as, decided):  # noqa: F811
    from datetime import date

    from ktgs.discipline.models import LimitationPause

    case, _d, _n = decided
    v = case.violations.get()
    pause = LimitationPause.objects.create(
        case=case, starts_on=date(2025, 12, 1), ends_on=date(2025, 12, 20), reason="Chưa xem xét"
    )
    client = client_as("inspector")
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    pause_url = reverse("cases:correct_pause", args=[case.pk, pause.pk])
    assert pause_url in page
    assert reverse("cases:correct_pause_remove", args=[case.pk, pause.pk]) in page
    form = client.get(reverse("cases:correct_violation", args=[case.pk, v.pk])).content.decode()
    assert "01/03/2025" in form, "the violation's dates are offered for correction"
    response = client.post(
        pause_url,
        {
            "starts_on": "02/12/2025",
            "ends_on": "20/12/2025",
            "pause_reason": "Chưa xem xét",
            "reason": "Nhập nhầm ngày",
            "version": case.version,
        },
    )
    assert response.status_code == 302
    assert LimitationPause.objects.get(pk=pause.pk).starts_on == date(2025, 12, 2)
    assert client_as("committee_leader").get(pause_url).status_code == 403
