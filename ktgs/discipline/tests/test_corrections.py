"""Corrections of a case, a violation, a vote and a decision (discipline/corrections.py): the
checks re-run on the corrected values, a reason required, before/after and the reason in the
audit trail; a signed decision's form, body or subject is refused (the appeal flow changes
them); a refusal writes nothing; a stale form is refused."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from ktgs.audit.models import AuditEvent
from ktgs.core.concurrency import StaleEdit
from ktgs.discipline import appeals, corrections, decisions
from ktgs.discipline.models import Decision, DisciplineCase, Vote
from ktgs.discipline.tests.test_decisions import CELL, DAY, body, case_for, plain_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def decided():
    cell = body(CELL, "cell_meeting")
    case = case_for(plain_member(), cell)
    n = decisions.denominator_of(cell, DAY)
    decisions.vote_record(
        case, body=cell, role="decide", voted_on=DAY, counts={"warning": n // 2 + 1}
    )
    decision = decisions.decision_make(
        case,
        body=cell,
        form="warning",
        signed_on=DAY,
        announced_on=DAY,
        received_on=DAY,
        number="03-QĐ/CB",
    )
    return DisciplineCase.objects.get(pk=case.pk), decision, n


def args(d: Decision, **kw) -> dict:
    base = {
        "number": d.number,
        "signed_on": d.signed_on,
        "announced_on": d.announced_on,
        "received_on": d.received_on,
        "form": d.form,
        "reason": "Nhập nhầm số",
        "version": d.version,
    }
    return {**base, **kw}


def test_decision_number_corrected_with_reason_in_the_history(decided):
    _case, d, _n = decided
    corrections.decision_correct(d, **args(d, number="04-QĐ/CB"))
    d.refresh_from_db()
    assert d.number == "04-QĐ/CB" and d.version == 2
    event = AuditEvent.objects.get(action="discipline.decision.corrected", target_id=str(d.pk))
    assert event.changes == {"number": ["03-QĐ/CB", "04-QĐ/CB"]}
    assert event.details["reason"] == "Nhập nhầm số"


def test_signed_on_corrected_recomputes_the_effect(decided):
    _case, d, _n = decided
    corrections.decision_correct(
        d, **args(d, signed_on=date(2026, 6, 3), announced_on=date(2026, 6, 3))
    )
    d.refresh_from_db()
    assert d.effective_on == date(2026, 6, 3) and d.effect_ends_on == date(2027, 6, 3)


def test_form_body_subject_are_refused_pointing_to_the_appeal(decided):
    case, d, _n = decided
    other = body("HA.DBK", "inspection")
    for change in (
        {"form": "reprimand"},
        {"body": other},
        {"member": plain_member("HA.DBK.001.02")},
    ):
        with pytest.raises(ValidationError, match="khiếu nại"):
            corrections.decision_correct(d, **args(d, number="09-QĐ/CB", **change))
    d.refresh_from_db()
    assert d.form == "warning" and d.number == "03-QĐ/CB" and d.version == 1
    assert not AuditEvent.objects.filter(action="discipline.decision.corrected").exists()


def test_decision_refusals_write_nothing(decided):
    _case, d, _n = decided
    for change, message in (
        ({"reason": ""}, "lý do sửa"),
        ({"signed_on": date(2026, 5, 30)}, "trước ngày biểu quyết"),
        ({"signed_on": date(2099, 1, 1)}, "chưa đến"),
        ({"number": "04/QĐ-CB"}, "QĐ"),
        ({}, "Không ô nào khác"),
    ):
        with pytest.raises(ValidationError, match=message):
            corrections.decision_correct(d, **args(d, **change))
    assert Decision.objects.get(pk=d.pk).version == 1


def test_stale_decision_form_is_refused(decided):
    _case, d, _n = decided
    corrections.decision_correct(d, **args(d, number="05-QĐ/CB"))
    with pytest.raises(StaleEdit):
        corrections.decision_correct(d, **args(d, number="06-QĐ/CB", version=1))


def test_appealed_decision_correction_names_the_appeal(decided):
    _case, d, _n = decided
    appeals.appeal_file(d, filed_on=date(2026, 6, 10), resolver=body("HA.DBK.001", "committee"))
    corrections.decision_correct(d, **args(d, number="07-QĐ/CB"))
    event = AuditEvent.objects.get(action="discipline.decision.corrected")
    assert "khiếu nại" in event.details["dependents"]


def test_vote_counts_corrected_but_not_to_another_form(decided):
    case, _d, n = decided
    vote = Vote.objects.get(case=case)
    with pytest.raises(ValidationError, match="khiếu nại"):
        corrections.vote_correct(
            vote, voted_on=DAY, counts={"reprimand": n}, reason="Sai phiếu", version=case.version
        )
    corrections.vote_correct(
        vote, voted_on=DAY, counts={"warning": n}, reason="Sai phiếu", version=case.version
    )
    vote.refresh_from_db()
    assert vote.counts == {"warning": n} and vote.proposed_form == "warning"
    with pytest.raises(ValidationError, match="lớn hơn số thành viên"):
        corrections.vote_correct(vote, voted_on=DAY, counts={"warning": n + 1}, reason="Sai phiếu")


def test_case_opened_on_corrected_and_checked(decided):
    case, _d, _n = decided
    with pytest.raises(ValidationError, match="biểu quyết"):
        corrections.case_correct(case, opened_on=date(2026, 6, 5), reason="Sai ngày")
    corrections.case_correct(case, opened_on=date(2026, 2, 3), reason="Sai ngày", version=1)
    case.refresh_from_db()
    assert case.opened_on == date(2026, 2, 3) and case.version == 2
    event = AuditEvent.objects.get(action="discipline.case.corrected")
    assert event.changes == {"opened_on": ["2026-02-02", "2026-02-03"]}


def test_violation_wording_corrected(decided):
    case, _d, _n = decided
    violation = case.violations.get()
    corrections.violation_correct(
        violation, description="Không chấp hành sự phân công của chi bộ", reason="Chính tả"
    )
    violation.refresh_from_db()
    assert violation.description.endswith("của chi bộ")


# --- a violation's kind, category and dates; the pauses ---------------------------------------


def _nothing_written(call, match: str) -> None:
    from ktgs.discipline.models import LimitationPause, Violation

    def state():
        return (
            AuditEvent.objects.count(),
            list(Violation.objects.order_by("pk").values_list("started_on", "ended_on", "kind")),
            list(LimitationPause.objects.order_by("pk").values_list("starts_on", "ends_on")),
        )

    before = state()
    with pytest.raises(ValidationError, match=match):
        call()
    assert state() == before, "a refusal wrote something"


def test_violation_dates_and_kind_corrected_with_the_decision_checked_again(decided):
    case, _d, _n = decided
    v = case.violations.get()
    base = {"description": v.description, "reason": "Nhập nhầm ngày", "version": case.version}
    _nothing_written(
        lambda: corrections.violation_correct(v, **base, ended_on=date(2025, 1, 1)),
        "trước ngày bắt đầu",
    )
    _nothing_written(
        lambda: corrections.violation_correct(v, **base, continuing=True), "để trống ngày kết thúc"
    )
    # ended long ago: the signed warning would be out of its limitation period
    _nothing_written(
        lambda: corrections.violation_correct(
            v, **base, started_on=date(2001, 1, 1), ended_on=date(2001, 6, 1)
        ),
        "không còn đúng quy định",
    )
    corrections.violation_correct(
        v,
        **base,
        started_on=date(2025, 4, 1),
        ended_on=date(2025, 10, 1),
        category="other",
        category_note="Vi phạm quy chế làm việc",
    )
    v.refresh_from_db()
    assert (v.started_on, v.ended_on, v.category) == (date(2025, 4, 1), date(2025, 10, 1), "other")
    event = AuditEvent.objects.filter(action="discipline.case.corrected").latest("seq")
    assert event.changes["started_on"] == ["2025-03-01", "2025-04-01"]
    assert event.details["reason"] == "Nhập nhầm ngày"


def test_a_pause_corrected_or_removed_without_overlap(decided):
    from ktgs.discipline.models import LimitationPause

    case, _d, _n = decided
    first = LimitationPause.objects.create(
        case=case, starts_on=date(2025, 12, 1), ends_on=date(2025, 12, 20), reason="Chưa xem xét"
    )
    second = LimitationPause.objects.create(
        case=case, starts_on=date(2026, 1, 5), ends_on=date(2026, 1, 10), reason="Chưa xem xét"
    )
    args = {"pause_reason": "Chưa xem xét", "reason": "Nhập nhầm", "version": case.version}
    _nothing_written(
        lambda: corrections.pause_correct(
            first, starts_on=date(2025, 12, 1), ends_on=date(2026, 1, 6), **args
        ),
        "Trùng với khoảng 05/01/2026",
    )
    _nothing_written(
        lambda: corrections.pause_correct(
            first, starts_on=date(2025, 12, 1), ends_on=date(2025, 11, 1), **args
        ),
        "trước ngày bắt đầu",
    )
    corrections.pause_correct(
        first, starts_on=date(2025, 12, 2), ends_on=date(2025, 12, 20), **args
    )
    first.refresh_from_db()
    assert first.starts_on == date(2025, 12, 2)
    corrections.pause_remove(second, reason="Ghi nhầm", version=case.version + 1)
    assert list(case.pauses.values_list("pk", flat=True)) == [first.pk]
    event = AuditEvent.objects.filter(action="discipline.case.corrected").latest("seq")
    assert event.changes["pause"][1] is None and event.details["reason"] == "Ghi nhầm"
