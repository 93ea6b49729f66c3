"""Steps and durations, typed from the sources (citation beside each)."""

from datetime import date

import pytest

from ktgs.core.choices import InspectionKind as K
from ktgs.rules.choices import Step as S
from ktgs.rules.procedures import NO_SOURCED_DURATION, duration_for, steps_for

pytestmark = pytest.mark.django_db


def codes(kind, on):
    return [(s.step, s.optional) for s in steps_for(kind, on)]


def test_inspection_steps_from_decision_to_conclusion():
    # QĐ 354-QĐ/UBKTTW: chuẩn bị (quyết định) → tiến hành → kết thúc (thông báo kết luận)
    steps = codes(K.COMPLIANCE, date(2026, 6, 1))
    assert steps[0] == (S.DECISION, False)
    assert steps[-1] == (S.CONCLUSION_NOTICE, False)
    assert (S.ANNOUNCEMENT, False) in steps and (S.MEETING, False) in steps


def test_signs_of_violation_has_optional_self_criticism():
    # domain-rules §4.2: the member self-criticises before the chi bộ (members only)
    assert (S.SELF_CRITICISM, True) in codes(K.SIGNS_OF_VIOLATION, date(2026, 6, 1))


def test_thematic_supervision_verification_only_from_qd21():
    # QĐ 21-QĐ/TW (11/4/2026): thẩm tra, xác minh trong giám sát chuyên đề "khi cần thiết"
    assert S.VERIFICATION not in [s for s, _ in codes(K.SUPERVISION_THEMATIC, date(2026, 4, 10))]
    assert (S.VERIFICATION, True) in codes(K.SUPERVISION_THEMATIC, date(2026, 4, 11))


def test_regular_supervision_has_fewer_steps_and_no_decision():
    regular = [s for s, _ in codes(K.SUPERVISION_REGULAR, date(2026, 6, 1))]
    assert S.DECISION not in regular
    assert len(regular) < len(codes(K.SUPERVISION_THEMATIC, date(2026, 6, 1)))
    assert regular[-1] == S.CONCLUSION_NOTICE


# HD 02-HD/UBKTTW (12/9/2017), thematic supervision by the UBKT, in working days
@pytest.mark.parametrize(
    "level, days", [("central", 45), ("province", 30), ("superior", 25), ("base", 20)]
)
def test_thematic_supervision_duration_hd02(level, days):
    d = duration_for(K.SUPERVISION_THEMATIC, "inspection", level, date(2020, 3, 1))
    assert (d.days, d.day_type, d.extension) == (days, "working", "1/3")
    assert d.source == "HD 02-HD/UBKTTW"


@pytest.mark.parametrize(
    "kind, body, on",
    [
        (K.SUPERVISION_THEMATIC, "cell_meeting", date(2020, 3, 1)),  # HD 02 is for the UBKT
        (K.SUPERVISION_THEMATIC, "inspection", date(2026, 6, 1)),  # none found under 296 / 21
        (K.SIGNS_OF_VIOLATION, "inspection", date(2026, 6, 1)),  # none found
    ],
)
def test_no_sourced_duration_is_explicit(kind, body, on):
    d = duration_for(kind, body, "province", on)
    assert d.days is None and not d.sourced
    assert d.note.startswith(NO_SOURCED_DURATION)


def test_steps_under_qd30_carry_the_qd354_steps_back():
    # No procedure before QĐ 354-QĐ/UBKTTW (22/12/2021) is named by the research: its steps are
    # carried back to QĐ 30-QĐ/TW (26/7/2016), marked to be checked.
    from ktgs.rules.lookup import rule_in_force

    on = date(2020, 9, 15)
    steps = codes(K.COMPLIANCE, on)
    assert steps[0] == (S.DECISION, False) and steps[-1] == (S.CONCLUSION_NOTICE, False)
    assert steps == codes(K.COMPLIANCE, date(2021, 12, 22))
    assert (S.SELF_CRITICISM, True) in codes(K.SIGNS_OF_VIOLATION, on)
    assert S.VERIFICATION not in [s for s, _ in codes(K.SUPERVISION_THEMATIC, on)]
    assert S.DECISION not in [s for s, _ in codes(K.SUPERVISION_REGULAR, date(2016, 7, 26))]
    row = rule_in_force("steps", K.COMPLIANCE, on, fallback="*")
    assert row.status == "to_check" and "chưa đối chiếu" in row.note
    assert row.ends_on == date(2021, 12, 22)


def test_steps_before_qd30_are_not_in_force():
    from ktgs.rules.lookup import RuleNotInForce

    with pytest.raises(RuleNotInForce, match="các bước quy trình .* 25/07/2016"):
        steps_for(K.COMPLIANCE, date(2016, 7, 25))
