"""The inspection services on the demo bloc: create, steps in order, conclude, switch, follow up."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from ktgs.audit.models import AuditEvent
from ktgs.core.choices import InspectionKind
from ktgs.inspections import services
from ktgs.inspections.choices import ConclusionResult, FollowUpStatus
from ktgs.inspections.models import DisciplineProposal, FollowUp, Inspection
from ktgs.inspections.services import Recommendation, SubjectInput
from ktgs.orgs.models import Body, CommitteeSeat, Member, OrgUnit
from ktgs.rules.choices import Step

pytestmark = pytest.mark.django_db
DAY = date(2026, 3, 2)


def body(code: str, kind: str) -> Body:
    return Body.objects.select_related("unit__kind").get(unit__code=code, kind=kind)


def unit(code: str) -> OrgUnit:
    return OrgUnit.objects.get(code=code)


def secretary_of(code: str) -> Member:
    """The secretary of a grassroots committee on DAY (a committee member of that level)."""
    seat = CommitteeSeat.objects.filter(
        CommitteeSeat.q_on(DAY), body__unit__code=code, body__kind="committee", role="secretary"
    ).select_related("member")
    return seat.get().member


def thematic(**kw) -> Inspection:
    args = dict(
        body=body("HA.DBK", "inspection"),
        kind=InspectionKind.SUPERVISION_THEMATIC,
        decided_on=DAY,
        decision_number="15-QĐ/UBKTĐUK",
        topic="Giám sát việc thực hiện quy chế làm việc",
        subjects=[
            SubjectInput(unit=unit("HA.DBK.001")),
            SubjectInput(member=secretary_of("HA.DBK.001")),
        ],
    )
    args.update(kw)
    return services.inspection_create(**args)


def test_create_takes_steps_and_snapshot_from_the_decision_date():
    insp = thematic()
    steps = list(insp.steps.values_list("step", flat=True))
    assert steps[0] == Step.DECISION and steps[-1] == Step.CONCLUSION_NOTICE
    assert insp.steps.get(step=Step.DECISION).done_on == DAY
    member_row = insp.subjects.get(member__isnull=False)
    assert member_row.committee_unit.code == "HA.DBK.001"
    assert member_row.committee_level == "base"
    assert member_row.unit.code.startswith("HA.DBK.001.")
    assert AuditEvent.objects.filter(
        action="inspections.inspection.created", target_id=str(insp.pk)
    ).exists()


def test_a_topic_with_an_invisible_character_is_refused():
    with pytest.raises(ValidationError) as exc:
        thematic(topic="Giám sát việc\u200b thực hiện quy chế")
    assert "Nội dung có ký tự ẩn (khoảng trắng không độ rộng, U+200B)" in " ".join(
        exc.value.messages
    )
    assert not Inspection.objects.filter(topic__startswith="Giám sát việc").exists()


def test_subject_outside_reach_is_refused_with_rule_and_source():
    with pytest.raises(ValidationError) as exc:
        thematic(
            body=body("HA.DBK.001", "inspection"),
            decision_number="03-QĐ/UBKTĐU",
            subjects=[SubjectInput(unit=unit("HA.DBK.002"))],
        )
    text = " ".join(exc.value.messages)
    assert "không thuộc phạm vi" in text and "Điều lệ Đảng, Điều 30" in text
    assert not Inspection.objects.filter(decision_number="03-QĐ/UBKTĐU").exists()


def test_advisory_body_may_not_inspect_on_signs_of_violation():
    advisory = Body.objects.filter(unit__code="HA.DBK", kind="advisory").first()
    with pytest.raises(ValidationError) as exc:
        thematic(body=advisory, kind=InspectionKind.SIGNS_OF_VIOLATION, decision_number="16-QĐ/ĐUK")
    text = " ".join(exc.value.messages)
    assert "Cơ quan tham mưu" in text and "296-QĐ/TW" in text


def test_cell_without_conditions_may_not_do_thematic_supervision():
    cell = body("HA.DBK.001.01", "cell_meeting")
    member = Member.objects.filter(current_unit__code="HA.DBK.001.01").first()
    with pytest.raises(ValidationError) as exc:
        thematic(body=cell, decision_number="01-QĐ/CB", subjects=[SubjectInput(member=member)])
    assert "Chi bộ không được giám sát chuyên đề" in " ".join(exc.value.messages)


def test_steps_in_order_and_not_before_the_decision():
    insp = thematic()
    announcement = insp.steps.get(step=Step.ANNOUNCEMENT)
    with pytest.raises(ValidationError, match="trước ngày quyết định"):
        services.step_record(announcement, done_on=date(2026, 3, 1))
    report = insp.steps.get(step=Step.SUBJECT_REPORT)
    with pytest.raises(ValidationError, match="Công bố quyết định"):
        services.step_record(report, done_on=date(2026, 3, 5))


def test_conclusion_needs_announcement():
    insp = thematic()
    subject = insp.subjects.first()
    with pytest.raises(ValidationError, match="chưa công bố"):
        services.subject_conclude(
            subject, result=ConclusionResult.SHORTCOMINGS, concluded_on=date(2026, 4, 1)
        )


def test_journey_supervision_signs_inspection_discipline_follow_up():
    sup = thematic()
    services.step_record(sup.steps.get(step=Step.ANNOUNCEMENT), done_on=date(2026, 3, 4))
    services.step_record(sup.steps.get(step=Step.SUBJECT_REPORT), done_on=date(2026, 3, 16))
    member_row = sup.subjects.get(member__isnull=False)
    unit_row = sup.subjects.get(member__isnull=True)
    with pytest.raises(ValidationError, match="chỉ có thể là"):
        services.subject_conclude(
            member_row, result=ConclusionResult.VIOLATION, concluded_on=date(2026, 4, 1)
        )
    services.subject_conclude(
        member_row, result=ConclusionResult.SIGNS_OF_VIOLATION, concluded_on=date(2026, 4, 1)
    )
    services.subject_conclude(
        unit_row,
        result=ConclusionResult.SHORTCOMINGS,
        concluded_on=date(2026, 4, 1),
        recommendations=[Recommendation("Sửa đổi quy chế làm việc", date(2026, 6, 30))],
    )
    fu = FollowUp.objects.get(subject=unit_row)
    assert fu.owner_unit.code == "HA.DBK.001" and fu.status == FollowUpStatus.OPEN
    insp = services.signs_inspection_open(
        sup, decided_on=date(2026, 4, 10), decision_number="20-QĐ/UBKTĐUK"
    )
    assert insp.origin == sup and insp.kind == InspectionKind.SIGNS_OF_VIOLATION
    assert list(insp.subjects.values_list("member", flat=True)) == [member_row.member_id]
    services.step_record(insp.steps.get(step=Step.ANNOUNCEMENT), done_on=date(2026, 4, 12))
    concluded = services.subject_conclude(
        insp.subjects.get(),
        result=ConclusionResult.VIOLATION_DISCIPLINE,
        concluded_on=date(2026, 5, 20),
        shortcomings="Vi phạm quy chế làm việc",
    )
    assert DisciplineProposal.objects.get(subject=concluded).proposed_on == date(2026, 5, 20)
    services.follow_up_close(fu, status=FollowUpStatus.DONE, done_on=date(2026, 6, 1))
    fu.refresh_from_db()
    assert fu.status == FollowUpStatus.DONE


def test_steps_follow_the_office_override_of_the_performing_bodys_unit_only():
    """A leader of HA.DBK.001 adds verification to thematic supervision: the UBKT of HA.DBK.001
    takes the corrected steps, the UBKT of its sibling HA.DBK.002 keeps the pack's."""
    from ktgs.accounts import services as account_services
    from ktgs.accounts.access import visible_to
    from ktgs.rules.lookup import rule_in_force
    from ktgs.rules.tests.helpers import override

    row = rule_in_force("steps", InspectionKind.SUPERVISION_THEMATIC, DAY, fallback="*")
    leader = account_services.user_create(username="lanhdao.ubkt.001", password="x" * 12)
    account_services.role_assign(
        user=leader, unit=unit("HA.DBK.001"), role="ubkt_leader", starts_on=date(2020, 1, 1)
    )
    steps = ["decision", "announcement", "subject_report", "verification", "draft_report"]
    override(
        row,
        unit="HA.DBK.001",
        scope=visible_to(leader),
        value={"steps": [*steps, "meeting", "conclusion_notice"], "optional": []},
        starts_on=date(2026, 1, 1),
        source="12-HD/ĐU",
    )

    def steps_of(code: str, number: str) -> list[str]:
        insp = thematic(
            body=body(code, "inspection"),
            decision_number=number,
            subjects=[SubjectInput(unit=unit(f"{code}.01"))],
        )
        return list(insp.steps.order_by("position").values_list("step", flat=True))

    assert Step.VERIFICATION in steps_of("HA.DBK.001", "03-QĐ/UBKTĐU")
    assert Step.VERIFICATION not in steps_of("HA.DBK.002", "04-QĐ/UBKTĐU")
