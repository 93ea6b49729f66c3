"""Who may add or void files (and change sub-records): the owning record's own rule
(`change_unit_paths()`), not every unit the record concerns. A subject unit sees the inspection
its superior performs on it, but does not write it (issue 10, finding 2)."""

from datetime import date

import pytest
from django.urls import reverse

from ktgs.accounts.access import RECORDS_DECIDE, visible_to
from ktgs.discipline.models import Appeal, Decision, DisciplineCase
from ktgs.documents.models import Attachment
from ktgs.documents.services import attachment_add
from ktgs.documents.tests import files
from ktgs.inspections import services as inspection_services
from ktgs.inspections.services import SubjectInput
from ktgs.orgs.models import Body, OrgUnit
from ktgs.rules.choices import Step

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"
    return settings.MEDIA_ROOT


@pytest.fixture
def superior_step():
    """A step of an inspection by the bloc's UBKT (HA.DBK) of the đảng bộ cơ sở HA.DBK.001,
    where the grassroots officer of the cast holds edit rights."""
    inspection = inspection_services.inspection_create(
        body=Body.objects.get(unit__code="HA.DBK", kind="inspection"),
        kind="supervision_thematic",
        decided_on=date(2026, 2, 2),
        decision_number="71-QĐ/UBKTĐUK",
        topic="Giám sát chuyên đề cấp trên",
        subjects=[SubjectInput(unit=OrgUnit.objects.get(code="HA.DBK.001"))],
    )
    return inspection.steps.get(step=Step.ANNOUNCEMENT)


def add_url(step) -> str:
    return reverse("documents:attachment_add", args=["inspections.inspectionstep", step.pk])


def test_the_subject_unit_sees_but_may_not_add_files_to_its_superiors_inspection(
    media, superior_step, client_as
):
    client = client_as("grassroots_officer")  # edit rights in HA.DBK.001, the subject
    page = client.get(reverse("inspections:detail", args=[superior_step.inspection_id]))
    assert page.status_code == 200  # it sees the inspection …
    assert add_url(superior_step) not in page.content.decode()  # … without an upload link
    upload = files.upload("Biên bản.pdf", files.pdf())
    assert client.get(add_url(superior_step)).status_code == 403
    assert client.post(add_url(superior_step), {"file": upload}).status_code == 403
    assert not Attachment.objects.exists()


def test_the_subject_unit_may_not_void_files_of_its_superiors_inspection(
    media, superior_step, client_as
):
    added = attachment_add(superior_step, files.upload("Biên bản.pdf", files.pdf()))
    url = reverse("documents:attachment_void", args=[added.pk])
    client = client_as("grassroots_officer")
    assert client.post(url, {"reason": "Không muốn lưu"}).status_code == 403
    added.refresh_from_db()
    assert not added.is_voided


def test_the_performing_unit_adds_and_voids_files(media, superior_step, client_as):
    client = client_as("inspector")  # edit rights at HA.DBK, the performing unit
    upload = files.upload("Biên bản.pdf", files.pdf())
    assert client.post(add_url(superior_step), {"file": upload}).status_code == 302
    added = Attachment.objects.get()
    url = reverse("documents:attachment_void", args=[added.pk])
    assert client.post(url, {"reason": "Nhầm hồ sơ"}).status_code == 302
    added.refresh_from_db()
    assert added.is_voided


def test_one_rule_per_record_type_for_sub_records(cast):
    """A discipline case, a decision and an appeal of a superior body concerning HA.DBK.001:
    its grassroots officer (edit) and a leader there would see them, and change none."""
    bloc, base = OrgUnit.objects.get(code="HA.DBK"), OrgUnit.objects.get(code="HA.DBK.001")
    ubkt = Body.objects.get(unit=bloc, kind="inspection")
    committee = Body.objects.get(unit=bloc, kind="committee")
    case = DisciplineCase(body=ubkt, unit=bloc, subject_unit=base)
    decision = Decision(body=ubkt, subject_unit=base)
    appeal = Appeal(decision=decision, resolver=committee)
    officer, inspector = visible_to(cast["grassroots_officer"]), visible_to(cast["inspector"])
    for record in (case, decision):
        assert base.path in record.access_unit_paths()
        assert not officer.may_change(record)
        assert inspector.may_change(record)
    assert not officer.may_change(appeal, RECORDS_DECIDE)
    assert visible_to(cast["ubkt_leader"]).may_change(appeal, RECORDS_DECIDE)
