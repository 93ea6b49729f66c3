"""Votes and decisions on the demo bloc under the rules in force (rules/discipline.py): the
bad inputs of issue 6 are refused naming the rule and its source, and nothing is saved."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from ktgs.core.models import Dated
from ktgs.discipline import decisions, services
from ktgs.discipline.models import Decision
from ktgs.orgs.choices import MembershipEnd, MemberStatus
from ktgs.orgs.models import Body, CommitteeSeat, Member, Membership

pytestmark = pytest.mark.django_db
DAY = date(2026, 6, 1)
CELL = "HA.DBK.001.01"


def body(code: str, kind: str) -> Body:
    return Body.objects.select_related("unit__kind").get(unit__code=code, kind=kind)


def plain_member(cell: str = CELL) -> Member:
    """A full member of the cell who sits on no committee on DAY."""
    seated = CommitteeSeat.objects.filter(Dated.q_on(DAY)).values("member_id")
    return (
        Member.objects.live()
        .filter(current_unit__code=cell, official_on__lt=date(2020, 1, 1))
        .exclude(pk__in=seated)
        .order_by("code")
        .first()
    )


def case_for(member: Member, by: Body, ended=date(2025, 11, 1)):
    case = services.case_open(body=by, member=member, opened_on=date(2026, 2, 2))
    services.violation_add(
        case,
        description="Không chấp hành sự phân công của tổ chức",
        kind="conduct",
        category="party_organisation",
        started_on=date(2025, 3, 1),
        ended_on=ended,
    )
    return case


def test_cell_decides_a_warning_by_majority_of_its_full_members():
    cell = body(CELL, "cell_meeting")
    member = plain_member()
    case = case_for(member, cell)
    n = decisions.denominator_of(cell, DAY)
    assert n > 2
    vote = decisions.vote_record(
        case, body=cell, role="decide", voted_on=DAY, counts={"warning": n // 2 + 1}
    )
    assert vote.proposed_form == "warning" and vote.denominator == n
    decision = decisions.decision_make(
        case, body=cell, form="warning", signed_on=DAY, announced_on=DAY
    )
    assert decision.effective_on == DAY and decision.effect_ends_on == date(2027, 6, 1)
    # QĐ 377-QĐ/TW (carried from QĐ 80-QĐ/TW): cảnh cáo — 30 months not appointed
    assert decision.not_appointable_until == date(2028, 12, 1)
    assert "377-QĐ/TW" in decision.basis


def test_heavier_votes_count_for_the_next_form_down():
    cell = body(CELL, "cell_meeting")
    case = case_for(plain_member(), cell)
    n = decisions.denominator_of(cell, DAY)
    half = n // 2
    counts = {"expulsion": half - 1, "warning": 2}  # neither alone; together more than half
    vote = decisions.vote_record(case, body=cell, role="decide", voted_on=DAY, counts=counts)
    assert vote.proposed_form == "warning"


def test_vote_below_threshold_then_decision_refused():
    cell = body(CELL, "cell_meeting")
    case = case_for(plain_member(), cell)
    n = decisions.denominator_of(cell, DAY)
    decisions.vote_record(case, body=cell, role="decide", voted_on=DAY, counts={"warning": n // 2})
    with pytest.raises(ValidationError, match="không hình thức nào"):
        decisions.decision_make(case, body=cell, form="warning", signed_on=DAY, announced_on=DAY)
    assert not Decision.objects.filter(case=case).exists()


def test_a_cell_may_not_expel():
    cell = body(CELL, "cell_meeting")
    member = plain_member()
    case = case_for(member, cell)
    n = decisions.denominator_of(cell, DAY)
    decisions.vote_record(case, body=cell, role="decide", voted_on=DAY, counts={"expulsion": n})
    with pytest.raises(ValidationError) as exc:
        decisions.decision_make(case, body=cell, form="expulsion", signed_on=DAY, announced_on=DAY)
    text = " ".join(exc.value.messages)
    assert "chỉ được đề nghị" in text and "QĐ" in text
    assert Membership.objects.filter(member=member, ends_on__isnull=True).exists()


def test_grassroots_committee_may_not_remove_its_own_committee_member():
    committee = body("HA.DBK.001", "committee")
    seat = (
        CommitteeSeat.objects.filter(Dated.q_on(DAY), body=committee)
        .select_related("member")
        .first()
    )
    case = case_for(seat.member, committee)
    n = decisions.denominator_of(committee, DAY)
    decisions.vote_record(case, body=committee, role="decide", voted_on=DAY, counts={"removal": n})
    with pytest.raises(ValidationError) as exc:
        decisions.decision_make(case, body=committee, form="removal", signed_on=DAY)
    assert "cấp ủy viên cùng cấp" in " ".join(exc.value.messages)


def test_decision_before_the_vote_is_refused():
    cell = body(CELL, "cell_meeting")
    case = case_for(plain_member(), cell)
    n = decisions.denominator_of(cell, DAY)
    decisions.vote_record(case, body=cell, role="decide", voted_on=DAY, counts={"warning": n})
    with pytest.raises(ValidationError, match="trước ngày biểu quyết"):
        decisions.decision_make(
            case, body=cell, form="warning", signed_on=date(2026, 5, 30), announced_on=DAY
        )


def test_expulsion_by_the_bloc_ubkt_ends_the_membership():
    ubkt = body("HA.DBK", "inspection")
    member = plain_member()
    case = case_for(member, ubkt)
    n = decisions.denominator_of(ubkt, DAY)
    decisions.vote_record(case, body=ubkt, role="decide", voted_on=DAY, counts={"expulsion": n})
    decision = decisions.decision_make(
        case, body=ubkt, form="expulsion", signed_on=DAY, number="45-QĐ/UBKTĐUK"
    )
    assert decision.effect_ends_on is None
    last = Membership.objects.filter(member=member).order_by("-starts_on").first()
    assert last.ends_on == decision.effective_on and last.end_reason == MembershipEnd.EXPELLED


def test_probationary_member_cannot_be_expelled():
    ubkt = body("HA.DBK", "inspection")
    member = plain_member()
    member.official_on = None
    member.save(update_fields=["official_on"])
    assert member.status_on(DAY) == MemberStatus.PROBATIONARY
    case = case_for(member, ubkt)
    n = decisions.denominator_of(ubkt, DAY)
    vote = decisions.vote_record(
        case, body=ubkt, role="decide", voted_on=DAY, counts={"expulsion": n}
    )
    assert vote.proposed_form == ""  # expulsion is not a form for a probationary member
    with pytest.raises(ValidationError) as exc:
        decisions.decision_make(case, body=ubkt, form="expulsion", signed_on=DAY)
    assert "dự bị" in " ".join(exc.value.messages)


def test_expulsion_needs_two_thirds_of_the_proposing_cell():
    cell = body(CELL, "cell_meeting")
    ubkt = body("HA.DBK", "inspection")
    case = case_for(plain_member(), cell)
    n = decisions.denominator_of(cell, DAY)
    weak = n // 2 + 1  # a majority, but short of two thirds for a cell of this size
    assert weak * 3 < n * 2
    decisions.vote_record(case, body=cell, role="propose", voted_on=DAY, counts={"expulsion": weak})
    m = decisions.denominator_of(ubkt, DAY)
    decisions.vote_record(case, body=ubkt, role="decide", voted_on=DAY, counts={"expulsion": m})
    with pytest.raises(ValidationError) as exc:
        decisions.decision_make(case, body=ubkt, form="expulsion", signed_on=DAY)
    assert "chưa đạt hai phần ba" in " ".join(exc.value.messages)


@pytest.mark.parametrize("made_for, applies", [("HA.DBK", True), ("HA.DBK.002", False)])
def test_a_decision_under_an_office_override_says_so(made_for, applies):
    """The override of the bloc reaches a cell of HA.DBK.001; that of its sibling does not."""
    from ktgs.rules.lookup import rule_in_force
    from ktgs.rules.tests.helpers import override as rule_override

    cell = body(CELL, "cell_meeting")
    candidates = [
        rule_in_force("discipline_limitation", "warning", DAY),
        rule_in_force("discipline_forms", "full", DAY),
        rule_in_force(
            "discipline_competence", "cell_meeting:below_base", DAY, fallback="cell_meeting:*"
        ),
        rule_in_force("discipline_effect", "cell_meeting", DAY, fallback="*"),
    ]
    row = next((r for r in candidates if r.status == "to_check"), None)
    assert row is not None, "a value used by a chi bộ's warning is marked to be checked"
    rule_override(
        row,
        unit=made_for,
        value=dict(row.value),
        starts_on=date(2026, 5, 1),
        source="299-QĐ/TU",
        note="Áp dụng theo hướng dẫn của Tỉnh ủy",
    )
    case = case_for(plain_member(), cell)
    n = decisions.denominator_of(cell, DAY)
    decisions.vote_record(case, body=cell, role="decide", voted_on=DAY, counts={"warning": n})
    decision = decisions.decision_make(
        case, body=cell, form="warning", signed_on=DAY, announced_on=DAY
    )
    said = "299-QĐ/TU (điều chỉnh của đơn vị từ 01/05/2026)" in decision.basis
    assert said == applies
    assert "Điều lệ Đảng" in decision.basis or "QĐ" in decision.basis


def test_the_date_discipline_is_warranted_ends_the_limitation_count():
    cell = body(CELL, "cell_meeting")
    case = services.case_open(body=cell, member=plain_member(), opened_on=date(2026, 2, 2))
    services.violation_add(  # khiển trách: 5 years from its end, so up to 01/03/2026
        case,
        description="Không thực hiện nhiệm vụ được phân công",
        kind="conduct",
        category="party_organisation",
        started_on=date(2020, 9, 1),
        ended_on=date(2021, 3, 1),
    )
    with pytest.raises(ValidationError, match="trước ngày bắt đầu xem xét"):
        services.case_statements(case, warranted_on=date(2026, 1, 1))
    n = decisions.denominator_of(cell, DAY)
    decisions.vote_record(case, body=cell, role="decide", voted_on=DAY, counts={"reprimand": n})
    with pytest.raises(ValidationError, match="hết thời hiệu"):
        decisions.decision_make(case, body=cell, form="reprimand", signed_on=DAY, announced_on=DAY)
    services.case_statements(case, warranted_on=date(2026, 2, 20))  # within 5 years of 1/3/2021
    decision = decisions.decision_make(
        case, body=cell, form="reprimand", signed_on=DAY, announced_on=DAY
    )
    assert decision.form == "reprimand"
