"""The pages of «Nộp báo cáo»: a unit submits, the bloc follows, reminds, closes, sees the flags,
reopens (docs/submissions.md)."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from ktgs.core import dates
from ktgs.core.models import OfficeSetting
from ktgs.inspections.models import Inspection
from ktgs.orgs.models import OrgUnit
from ktgs.reports.periods import DEADLINE_KEY
from ktgs.submissions.models import PeriodClosure, Reminder, ReportRequest, Submission

pytestmark = pytest.mark.django_db
YEAR = {"ky": "nam", "nam": "2022"}


def test_the_journey_through_the_pages(client_as):
    OfficeSetting.objects.update_or_create(key=DEADLINE_KEY, defaults={"value": {"nam": 10}})
    officer, bloc_user = client_as("grassroots_officer"), client_as("inspector")
    own = OrgUnit.objects.get(code="HA.DBK.001")
    # the report page links here; the unit's page lists last year as due, late
    last = dates.today().year - 1
    report = officer.get(reverse("reports:unit", args=[own.code])).content.decode()
    assert reverse("submissions:unit", args=[own.code]) in report
    page = officer.get(reverse("submissions:unit", args=[own.code])).content.decode()
    assert f'data-slot="nam:{last}-01-01:{last}-12-31"' in page and "quá hạn" in page
    # it submits 2022 (any period that has ended; the demo's records are of 2022)
    response = officer.post(reverse("submissions:submit", args=[own.code]), YEAR)
    assert response.status_code == 302
    assert Submission.objects.get(unit=own).version == 1
    # the bloc: statuses, a reminder to a unit that has not submitted
    period = reverse("submissions:period", args=["HA.DBK"])
    html = bloc_user.get(period, YEAR).content.decode()
    assert 'data-unit="HA.DBK.001"' in html and "đã nộp v1 (nộp muộn)" in html
    assert "Nhắc nộp" in html
    bloc_user.post(reverse("submissions:remind", args=["HA.DBK"]), {**YEAR, "don-vi": "HA.DBK.002"})
    assert Reminder.objects.get().unit.code == "HA.DBK.002"
    # closing without a reason is refused (the message on the page), then with one
    bloc_user.post(reverse("submissions:close", args=["HA.DBK"]), YEAR)
    assert not PeriodClosure.objects.exists()
    html = bloc_user.get(period, YEAR).content.decode()
    assert "chưa nộp báo cáo năm 2022" in html
    bloc_user.post(reverse("submissions:close", args=["HA.DBK"]), {**YEAR, "ly-do": "Quá hạn"})
    closure = PeriodClosure.objects.get()
    assert closure.override_reason == "Quá hạn"
    # a record behind the bloc's own figure is voided: the flag shows
    inspection = Inspection.objects.filter(
        voided_at__isnull=True, decided_on__year=2022, unit__code="HA.DBK"
    ).first()
    Inspection.objects.filter(pk=inspection.pk).update(voided_at=timezone.now())
    html = bloc_user.get(period, YEAR).content.decode()
    assert "data-flag" in html and " → " in html
    # a closed period refuses a submission; the bloc reopens it with a reason
    officer.post(reverse("submissions:submit", args=[own.code]), YEAR)
    assert Submission.objects.filter(unit=own).count() == 1
    bloc_user.post(
        reverse("submissions:reopen", args=["HA.DBK"]), {"chot": closure.pk, "ly-do": "Bổ sung"}
    )
    closure.refresh_from_db()
    assert closure.reopen_reason == "Bổ sung"
    officer.post(reverse("submissions:submit", args=[own.code]), YEAR)
    assert Submission.objects.filter(unit=own, superseded_at__isnull=True).get().version == 2


def test_a_request_from_the_form(client_as):
    client = client_as("inspector")
    url = reverse("submissions:request_create", args=["HA.DBK"])
    assert "HA.DBK.001" in client.get(url).content.decode()
    bad = {
        "title": "Chuyên đề",
        "tu": "01/01/2023",
        "den": "30/06/2023",
        "han": "01/06/2023",
        "don-vi": ["HA.DBK.001"],
    }
    html = client.post(url, bad).content.decode()
    assert "Hạn nộp (01/06/2023) trước ngày cuối kỳ" in html and not ReportRequest.objects.exists()
    response = client.post(url, {**bad, "han": "10/07/2023"})
    req = ReportRequest.objects.get()
    assert response.status_code == 302 and req.deadline == date(2023, 7, 10)
    officer = client_as("grassroots_officer")
    page = officer.get(reverse("submissions:unit", args=["HA.DBK.001"])).content.decode()
    assert f'data-slot="yeu-cau:{req.pk}"' in page
