"""Corrections of a saved inspection (inspections/corrections.py): each part corrected with the
rules re-run, a reason required, the before/after in the audit trail; each refusal writes
nothing; a stale form is refused."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from ktgs.audit.models import AuditEvent
from ktgs.core.concurrency import StaleEdit
from ktgs.discipline.services import case_from_proposal
from ktgs.inspections import corrections, services
from ktgs.inspections.choices import ConclusionResult
from ktgs.inspections.models import DisciplineProposal, Inspection
from ktgs.inspections.services import TeamInput
from ktgs.inspections.tests.test_services import DAY, body, thematic
from ktgs.rules.choices import Step

pytestmark = pytest.mark.django_db
ACTION = "inspections.inspection.corrected"


def concluded() -> Inspection:
    insp = thematic()
    services.step_record(insp.steps.get(step=Step.ANNOUNCEMENT), done_on=date(2026, 3, 4))
    row = insp.subjects.get(member__isnull=True)
    services.subject_conclude(
        row,
        result=ConclusionResult.SHORTCOMINGS,
        concluded_on=date(2026, 4, 1),
        shortcomings="Chưa ban hành qui chế",
    )
    return Inspection.objects.get(pk=insp.pk)


def header(insp: Inspection, **kw) -> dict:
    args = {
        "topic": insp.topic,
        "decided_on": insp.decided_on,
        "decision_number": insp.decision_number,
        "legal_basis": insp.legal_basis,
        "plan_ends_on": insp.plan_ends_on,
        "reason": "Nhập nhầm",
        "version": insp.version,
    }
    return {**args, **kw}


def corrections_of(insp: Inspection):
    return AuditEvent.objects.filter(action=ACTION, target_id=str(insp.pk))


def test_topic_and_number_corrected_with_before_after_and_reason():
    insp = concluded()
    corrections.inspection_correct(
        insp,
        **header(insp, topic="Giám sát quy chế làm việc năm 2026", decision_number="16-QĐ/UBKTĐUK"),
    )
    insp.refresh_from_db()
    assert insp.topic == "Giám sát quy chế làm việc năm 2026"
    assert insp.decision_number == "16-QĐ/UBKTĐUK" and insp.version == 2
    event = corrections_of(insp).get()
    assert event.changes["topic"][1] == "Giám sát quy chế làm việc năm 2026"
    assert event.changes["decision_number"] == ["15-QĐ/UBKTĐUK", "16-QĐ/UBKTĐUK"]
    assert event.details["reason"] == "Nhập nhầm" and event.details["part"] == "Thông tin chung"


def test_refusals_write_nothing():
    insp = concluded()
    other = thematic(decision_number="17-QĐ/UBKTĐUK", topic="Khác")
    cases = [
        ({"reason": "  "}, "lý do sửa"),
        ({"decision_number": "17-QĐ/UBKTĐUK"}, "đã có cuộc kiểm tra"),
        ({"decided_on": date(2026, 3, 5)}, "Công bố quyết định"),
        ({"plan_ends_on": date(2026, 3, 1)}, "từ ngày quyết định"),
        ({}, "Không ô nào khác"),
    ]
    for change, message in cases:
        with pytest.raises(ValidationError, match=message):
            corrections.inspection_correct(
                insp, **header(insp, topic="Sửa", **change) if change else header(insp)
            )
    assert other.decision_number == "17-QĐ/UBKTĐUK"
    insp.refresh_from_db()
    assert insp.version == 1 and not corrections_of(insp).exists()


def test_a_body_the_rules_do_not_allow_is_refused():
    insp = concluded()
    cell = body("HA.DBK.001.01", "cell_meeting")
    with pytest.raises(ValidationError):
        corrections.inspection_correct(insp, **header(insp, body=cell))
    assert Inspection.objects.get(pk=insp.pk).body_id == insp.body_id


def test_a_stale_form_is_refused():
    insp = concluded()
    corrections.inspection_correct(insp, **header(insp, topic="Lần một"))
    with pytest.raises(StaleEdit):
        corrections.inspection_correct(insp, **header(insp, topic="Lần hai", version=1))
    assert Inspection.objects.get(pk=insp.pk).topic == "Lần một"


def test_decision_date_moves_the_opening_steps():
    insp = concluded()
    corrections.inspection_correct(insp, **header(insp, decided_on=date(2026, 3, 3)))
    assert insp.steps.get(step=Step.DECISION).done_on == date(2026, 3, 3)


def test_step_date_corrected_in_order_only():
    insp = concluded()
    step = insp.steps.get(step=Step.ANNOUNCEMENT)
    with pytest.raises(ValidationError, match="trước ngày quyết định"):
        corrections.step_correct(step, done_on=date(2026, 3, 1), reason="Sai ngày", version=1)
    with pytest.raises(ValidationError, match="chưa đến"):
        corrections.step_correct(step, done_on=date(2099, 1, 1), reason="Sai ngày", version=1)
    corrections.step_correct(step, done_on=date(2026, 3, 6), reason="Sai ngày", version=1)
    step.refresh_from_db()
    assert step.done_on == date(2026, 3, 6)
    assert corrections_of(insp).get().changes["done_on"] == ["2026-03-04", "2026-03-06"]


def test_team_corrected():
    insp = concluded()
    corrections.team_correct(
        insp, team=[TeamInput(name="Nguyễn Văn Bình", role="leader")], reason="Thiếu trưởng đoàn"
    )
    assert list(insp.team.values_list("name", flat=True)) == ["Nguyễn Văn Bình"]
    before, after = corrections_of(insp).get().changes["team"]
    assert before == [] and after[0].startswith("Nguyễn Văn Bình")


def conclusion_args(subject, **kw):
    args = {
        "result": subject.result,
        "concluded_on": subject.concluded_on,
        "shortcomings": subject.shortcomings,
        "reason": "Lỗi chính tả",
    }
    return {**args, **kw}


def test_conclusion_text_corrected_and_result_rules_rerun():
    insp = concluded()
    subject = insp.subjects.get(member__isnull=True)
    with pytest.raises(ValidationError, match="chỉ có thể là"):
        corrections.conclusion_correct(subject, **conclusion_args(subject, result="violation"))
    with pytest.raises(ValidationError, match="trước ngày công bố"):
        corrections.conclusion_correct(
            subject, **conclusion_args(subject, concluded_on=date(2026, 3, 3))
        )
    corrections.conclusion_correct(
        subject, **conclusion_args(subject, shortcomings="Chưa ban hành quy chế")
    )
    subject.refresh_from_db()
    assert subject.shortcomings == "Chưa ban hành quy chế"
    event = corrections_of(insp).get()
    assert event.changes == {"shortcomings": ["Chưa ban hành qui chế", "Chưa ban hành quy chế"]}


def test_a_conclusion_that_led_to_a_case_keeps_its_result():
    insp = thematic(kind="signs_of_violation", decision_number="18-QĐ/UBKTĐUK")
    services.step_record(insp.steps.get(step=Step.ANNOUNCEMENT), done_on=date(2026, 3, 4))
    subject = insp.subjects.get(member__isnull=False)
    services.subject_conclude(
        subject, result=ConclusionResult.VIOLATION_DISCIPLINE, concluded_on=date(2026, 4, 1)
    )
    subject.refresh_from_db()
    proposal = DisciplineProposal.objects.get(subject=subject)
    case_from_proposal(proposal, body=insp.body, opened_on=date(2026, 4, 2))
    with pytest.raises(ValidationError, match="vụ việc kỷ luật"):
        corrections.conclusion_correct(
            subject, **conclusion_args(subject, result=ConclusionResult.VIOLATION)
        )
    corrections.conclusion_correct(subject, **conclusion_args(subject, shortcomings="Vi phạm"))
    event = corrections_of(insp).get()
    assert "vụ việc kỷ luật" in event.details["dependents"]


def test_voided_inspection_is_not_corrected():
    insp = concluded()
    services.inspection_void(insp, reason="Trùng")
    with pytest.raises(ValidationError, match="đã bị hủy"):
        corrections.inspection_correct(insp, **header(insp, topic="X"))
    assert Inspection.objects.get(pk=insp.pk).decided_on == DAY


# --- the subjects list and the follow-ups ---------------------------------------------------


def _unchanged(call, match: str, insp: Inspection) -> None:
    before = (
        AuditEvent.objects.count(),
        insp.subjects.count(),
        Inspection.objects.get(pk=insp.pk).version,
    )
    with pytest.raises(ValidationError, match=match):
        call()
    after = (
        AuditEvent.objects.count(),
        insp.subjects.count(),
        Inspection.objects.get(pk=insp.pk).version,
    )
    assert after == before, "a refusal wrote something"


def test_a_subject_added_by_mistake_is_removed_unless_something_was_built_on_it():
    from ktgs.inspections.services import Recommendation

    insp = thematic()
    services.step_record(insp.steps.get(step=Step.ANNOUNCEMENT), done_on=date(2026, 3, 4))
    unit_row = insp.subjects.get(member__isnull=True)
    member_row = insp.subjects.get(member__isnull=False)
    services.subject_conclude(
        unit_row,
        result=ConclusionResult.SHORTCOMINGS,
        concluded_on=date(2026, 4, 1),
        recommendations=[Recommendation("Sửa quy chế", date(2026, 6, 30))],
    )
    insp.refresh_from_db()
    _unchanged(
        lambda: corrections.subject_remove(unit_row, reason="Nhầm", version=insp.version),
        "Đã có kết luận",
        insp,
    )
    _unchanged(
        lambda: corrections.subject_remove(member_row, reason=" ", version=insp.version),
        "lý do sửa",
        insp,
    )
    corrections.subject_remove(member_row, reason="Ghi nhầm đối tượng", version=insp.version)
    assert list(insp.subjects.values_list("pk", flat=True)) == [unit_row.pk]
    event = corrections_of(insp).get()
    assert event.changes["subjects"] == [[unit_row.name, member_row.name], [unit_row.name]]
    assert event.details["reason"] == "Ghi nhầm đối tượng"


def test_the_last_subject_is_not_removed():
    insp = thematic(subjects=[services.SubjectInput(unit=body("HA.DBK.001", "committee").unit)])
    only = insp.subjects.get()
    _unchanged(
        lambda: corrections.subject_remove(only, reason="Nhầm", version=insp.version),
        "đối tượng duy nhất",
        insp,
    )


def test_a_follow_up_corrected_with_the_closing_checks_re_run():
    from ktgs.inspections.choices import FollowUpStatus
    from ktgs.inspections.models import FollowUp
    from ktgs.inspections.services import Recommendation

    insp = thematic()
    services.step_record(insp.steps.get(step=Step.ANNOUNCEMENT), done_on=date(2026, 3, 4))
    services.subject_conclude(
        insp.subjects.get(member__isnull=True),
        result=ConclusionResult.SHORTCOMINGS,
        concluded_on=date(2026, 4, 1),
        recommendations=[Recommendation("Sửa quy chế", date(2026, 6, 30))],
    )
    fu = FollowUp.objects.get(inspection=insp)
    version = Inspection.objects.get(pk=insp.pk).version
    base = {
        "text": fu.text,
        "due_on": fu.due_on,
        "status": FollowUpStatus.OPEN,
        "done_on": None,
        "reason": "Nhập nhầm hạn",
        "version": version,
    }
    refusals = [
        ({"due_on": date(2026, 3, 30)}, "trước ngày kết luận"),
        ({"status": FollowUpStatus.DONE}, "Ghi ngày hoàn thành"),
        ({"done_on": date(2026, 7, 1)}, "để trống ô này"),
        ({"status": FollowUpStatus.DONE, "done_on": date(2026, 3, 1)}, "trước ngày kết luận"),
        ({}, "Không ô nào khác"),
    ]
    for change, message in refusals:
        with pytest.raises(ValidationError, match=message):
            corrections.follow_up_correct(fu, **(base | change))
    assert not corrections_of(insp).exists()
    corrections.follow_up_correct(
        fu,
        **(
            base
            | {
                "due_on": date(2026, 7, 31),
                "status": FollowUpStatus.DONE,
                "done_on": date(2026, 7, 15),
            }
        ),
    )
    fu.refresh_from_db()
    assert (fu.due_on, fu.status, fu.done_on) == (
        date(2026, 7, 31),
        FollowUpStatus.DONE,
        date(2026, 7, 15),
    )
    event = corrections_of(insp).get()
    assert event.changes["due_on"] == ["2026-06-30", "2026-07-31"]
    assert event.changes["status"] == ["Đang thực hiện", "Đã thực hiện"]
    with pytest.raises(StaleEdit):
        corrections.follow_up_correct(fu, **(base | {"text": "Khác"}))
