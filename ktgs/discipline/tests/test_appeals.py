"""Appeals under the rules in force on the filing date."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from ktgs.discipline import appeals, decisions
from ktgs.discipline.models import Decision
from ktgs.discipline.tests.test_decisions import DAY, body, case_for, plain_member
from ktgs.orgs.models import Membership

pytestmark = pytest.mark.django_db


def cell_warning() -> Decision:
    cell = body("HA.DBK.001.01", "cell_meeting")
    case = case_for(plain_member(), cell)
    n = decisions.denominator_of(cell, DAY)
    decisions.vote_record(case, body=cell, role="decide", voted_on=DAY, counts={"warning": n})
    return decisions.decision_make(
        case,
        body=cell,
        form="warning",
        signed_on=DAY,
        announced_on=DAY,
        received_on=date(2026, 6, 3),
    )


def test_appeal_within_30_days_of_receipt_and_change():
    decision = cell_warning()
    higher = body("HA.DBK.001", "committee")
    appeal = appeals.appeal_file(decision, filed_on=date(2026, 7, 3), resolver=higher)
    assert Decision.objects.get(pk=decision.pk).form == "warning"  # in force while pending
    appeals.appeal_resolve(
        appeal, outcome="changed", resolved_on=date(2026, 8, 1), new_form="reprimand"
    )
    appeal.refresh_from_db()
    assert appeal.new_decision.form == "reprimand" and appeal.new_decision.replaces == decision


def test_late_appeal_names_the_window_and_its_source():
    decision = cell_warning()
    with pytest.raises(ValidationError) as exc:
        appeals.appeal_file(
            decision, filed_on=date(2026, 7, 4), resolver=body("HA.DBK.001", "committee")
        )
    text = " ".join(exc.value.messages)
    assert "Quá thời hạn khiếu nại: 30 ngày" in text and "03/07/2026" in text and "21-QĐ/TW" in text


def test_appeal_by_someone_else_or_to_the_same_level_is_refused():
    decision = cell_warning()
    with pytest.raises(ValidationError, match="khiếu nại thay"):
        appeals.appeal_file(
            decision,
            filed_on=date(2026, 6, 10),
            resolver=body("HA.DBK.001", "committee"),
            by_subject=False,
        )
    with pytest.raises(ValidationError, match="cấp trên"):
        appeals.appeal_file(
            decision, filed_on=date(2026, 6, 10), resolver=body("HA.DBK.001.01", "cell_meeting")
        )


def test_annulled_expulsion_restores_the_membership():
    ubkt = body("HA.DBK", "inspection")
    member = plain_member()
    case = case_for(member, ubkt)
    n = decisions.denominator_of(ubkt, DAY)
    decisions.vote_record(case, body=ubkt, role="decide", voted_on=DAY, counts={"expulsion": n})
    decision = decisions.decision_make(
        case, body=ubkt, form="expulsion", signed_on=DAY, received_on=date(2026, 6, 2)
    )
    member.refresh_from_db()
    assert member.current_unit_id is None
    appeal = appeals.appeal_file(
        decision, filed_on=date(2026, 6, 20), resolver=body("HA.DBK", "standing")
    )
    appeals.appeal_resolve(appeal, outcome="annulled", resolved_on=date(2026, 7, 20))
    member.refresh_from_db()
    assert member.current_unit.code == "HA.DBK.001.01"
    assert Membership.objects.filter(member=member, ends_on__isnull=True).count() == 1


def test_an_appeal_already_resolved_goes_only_higher():
    decision = cell_warning()
    committee = body("HA.DBK.001", "committee")
    first = appeals.appeal_file(decision, filed_on=date(2026, 6, 10), resolver=committee)
    appeals.appeal_resolve(first, outcome="upheld", resolved_on=date(2026, 6, 20))
    with pytest.raises(ValidationError, match="không giải quyết lại ở cùng cấp"):
        appeals.appeal_file(decision, filed_on=date(2026, 6, 25), resolver=committee)
    again = appeals.appeal_file(
        decision, filed_on=date(2026, 6, 25), resolver=body("HA.DBK", "standing")
    )
    assert again.resolver.unit.code == "HA.DBK"


def test_a_changed_outcome_needs_the_resolvers_competence_for_the_new_form():
    """Issue 11, defect 7: the resolver changes the form only to one it may decide itself. A
    đảng ủy cơ sở may not decide cách chức of its own member (Điều lệ Đảng, Điều 36; QĐ 296
    and QĐ 21 carry it): refused, naming the rule; nothing is written."""
    decision = cell_warning()
    higher = body("HA.DBK.001", "committee")
    appeal = appeals.appeal_file(decision, filed_on=date(2026, 7, 3), resolver=higher)
    with pytest.raises(ValidationError) as exc:
        appeals.appeal_resolve(
            appeal, outcome="changed", resolved_on=date(2026, 8, 1), new_form="removal"
        )
    text = " ".join(exc.value.messages)
    assert "không được quyết định cách chức" in text and "QĐ" in text
    appeal.refresh_from_db()
    assert appeal.outcome == "" and appeal.new_decision is None
    assert not decision.replaced_by.exists()
