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
