"""Discipline cases on the demo bloc: open (from an inspection's proposal, as a takeover),
violations and pauses, with refusals in Vietnamese and nothing half-written."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from ktgs.core.choices import DisciplineSubject
from ktgs.discipline import services
from ktgs.discipline.choices import CaseOrigin
from ktgs.discipline.models import DisciplineCase
from ktgs.inspections import services as inspections
from ktgs.inspections.choices import ProposalStatus
from ktgs.orgs.models import Body, Member, OrgUnit
from ktgs.rules.choices import Step

pytestmark = pytest.mark.django_db
DAY = date(2026, 5, 4)


def body(code: str, kind: str) -> Body:
    return Body.objects.select_related("unit").get(unit__code=code, kind=kind)


def member_of(cell: str) -> Member:
    return Member.objects.live().filter(current_unit__code=cell).order_by("code").first()


def test_open_for_a_member_records_cell_and_status():
    m = member_of("HA.DBK.001.01")
    case = services.case_open(body=body("HA.DBK.001", "inspection"), member=m, opened_on=DAY)
    assert case.subject_unit.code == "HA.DBK.001.01"
    assert case.subject_kind in (DisciplineSubject.FULL_MEMBER, DisciplineSubject.PROBATIONARY)
    assert case.unit.code == "HA.DBK.001"


def test_subject_outside_the_body_is_refused_with_the_rule():
    m = member_of("HA.DBK.002.01")
    with pytest.raises(ValidationError) as exc:
        services.case_open(body=body("HA.DBK.001", "inspection"), member=m, opened_on=DAY)
    assert "không thuộc phạm vi" in " ".join(exc.value.messages)
    assert "Điều lệ Đảng" in " ".join(exc.value.messages)
    assert not DisciplineCase.objects.filter(member=m).exists()


def test_case_from_an_inspection_proposal_takes_it_up():
    m = member_of("HA.DBK.003.01")
    insp = inspections.inspection_create(
        body=body("HA.DBK", "inspection"),
        kind="signs_of_violation",
        decided_on=date(2026, 3, 2),
        decision_number="77-QĐ/UBKTĐUK",
        topic="Kiểm tra khi có dấu hiệu vi phạm",
        subjects=[inspections.SubjectInput(member=m)],
    )
    inspections.step_record(insp.steps.get(step=Step.ANNOUNCEMENT), done_on=date(2026, 3, 4))
    subject = insp.subjects.get()
    inspections.subject_conclude(
        subject, result="violation_discipline", concluded_on=date(2026, 4, 20)
    )
    proposal = subject.discipline_proposal
    case = services.case_from_proposal(proposal, body=body("HA.DBK", "inspection"), opened_on=DAY)
    proposal.refresh_from_db()
    assert case.origin == CaseOrigin.INSPECTION and proposal.status == ProposalStatus.TAKEN_UP
    with pytest.raises(ValidationError, match="đã được chuyển"):
        services.case_from_proposal(proposal, body=body("HA.DBK", "inspection"), opened_on=DAY)


def test_takeover_only_by_a_higher_body():
    m = member_of("HA.DBK.001.01")
    lower = services.case_open(body=body("HA.DBK.001", "committee"), member=m, opened_on=DAY)
    with pytest.raises(ValidationError, match="cấp trên"):
        services.case_open(
            body=body("HA.DBK.001", "inspection"),
            member=m,
            opened_on=DAY,
            origin=CaseOrigin.TAKEOVER,
            taken_over_from=lower,
        )
    higher = services.case_open(
        body=body("HA.DBK", "inspection"),
        member=m,
        opened_on=DAY,
        origin=CaseOrigin.TAKEOVER,
        taken_over_from=lower,
    )
    assert higher.taken_over_from == lower


def test_violation_dates_checked():
    case = services.case_open(
        body=body("HA.DBK", "inspection"),
        unit=OrgUnit.objects.get(code="HA.DBK.004"),
        opened_on=DAY,
    )
    assert case.subject_kind == DisciplineSubject.ORGANISATION
    args = dict(
        description="Vi phạm nguyên tắc tập trung dân chủ",
        kind="conduct",
        category="democratic_centralism",
    )
    with pytest.raises(ValidationError, match="chưa đến"):
        services.violation_add(case, started_on=date(2030, 1, 1), continuing=True, **args)
    with pytest.raises(ValidationError, match="còn tiếp diễn"):
        services.violation_add(case, started_on=date(2024, 1, 1), **args)
    with pytest.raises(ValidationError, match="trước ngày bắt đầu"):
        services.violation_add(case, started_on=date(2024, 1, 1), ended_on=date(2023, 1, 1), **args)
    services.violation_add(case, started_on=date(2024, 1, 1), ended_on=date(2024, 6, 1), **args)
    services.pause_add(
        case, starts_on=date(2024, 7, 1), ends_on=date(2024, 9, 1), reason="Chưa xem xét"
    )
    with pytest.raises(ValidationError, match="Trùng"):
        services.pause_add(
            case, starts_on=date(2024, 8, 1), ends_on=date(2024, 10, 1), reason="Tố tụng"
        )
    assert case.violations.count() == 1 and case.pauses.count() == 1
