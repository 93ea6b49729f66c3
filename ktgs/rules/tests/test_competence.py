"""may_perform(): expected values typed from the regulations (citation beside each row),
not read back from the rule pack."""

from datetime import date

import pytest

from ktgs.core.choices import InspectionKind as K
from ktgs.rules.competence import CellFacts, may_perform
from ktgs.rules.lookup import RuleNotInForce

pytestmark = pytest.mark.django_db

UNDER_296 = date(2025, 12, 1)  # QĐ 296-QĐ/TW (30/5/2025) in force
UNDER_21 = date(2026, 6, 1)  # QĐ 21-QĐ/TW (11/4/2026) in force
UNDER_30 = date(2018, 3, 1)  # QĐ 30-QĐ/TW (26/7/2016) in force; QĐ 85-QĐ/TW (23/5/2017) too
UNDER_30_LATE = date(2020, 9, 15)  # QĐ 30 still in force (the 2020–2025 term's first decisions)
UNDER_22 = date(2023, 6, 1)  # QĐ 22-QĐ/TW (28/7/2021) in force
BEFORE_HD08 = date(2025, 6, 5)  # QĐ 296 in force, HD 08-HD/TW (10/6/2025) not yet issued
SMALL_CELL = CellFacts(has_cell_committee=False, member_count=12)

# fmt: off
CASES = [
    # body kind, level, kind, date, cell facts, allowed, text in the cited source — citation
    ("advisory", "province", K.SIGNS_OF_VIOLATION, UNDER_21, None, False, "296-QĐ/TW"),  # QĐ 296 Đ.5 1.3(đ): cơ quan tham mưu không KTDHVP
    ("inspection", "superior", K.SIGNS_OF_VIOLATION, UNDER_21, None, True, "Điều 32"),  # Điều lệ Đ.32 k.1–2
    ("committee", "base", K.SIGNS_OF_VIOLATION, UNDER_21, None, True, "Điều lệ"),  # Điều lệ Đ.30
    ("inspection", "base", K.KTGS_DUTY, UNDER_21, None, True, "Điều 32, khoản 2"),  # Điều lệ Đ.32 k.2
    ("committee", "province", K.KTGS_DUTY, UNDER_21, None, False, "Điều 32, khoản 2"),  # only the UBKT
    ("inspection", "province", K.FINANCE, UNDER_21, None, True, "Điều 32, khoản 6"),  # Điều lệ Đ.32 k.6
    ("advisory", "province", K.FINANCE, UNDER_21, None, False, "Điều 32"),
    ("inspection", "base", K.ASSETS, UNDER_296, None, True, "296-QĐ/TW"),  # QĐ 85 nhập vào QĐ 296
    ("inspection", "base", K.ASSETS, UNDER_21, None, False, "21-QĐ/TW"),  # QĐ 21: UBKT cấp trên trực tiếp cơ sở trở lên
    ("inspection", "superior", K.ASSETS, UNDER_21, None, True, "21-QĐ/TW"),  # QĐ 21: idem
    ("cell_meeting", "base", K.ASSETS, UNDER_21, None, False, "296-QĐ/TW"),
    ("committee", "base", K.ASSETS, UNDER_21, None, False, "296-QĐ/TW"),  # cấp ủy từ cấp trên cơ sở
    ("cell_meeting", "below_base", K.SUPERVISION_REGULAR, UNDER_21, None, True, "Điều 30"),  # chi bộ chủ yếu giám sát thường xuyên
    ("cell_meeting", "base", K.SUPERVISION_THEMATIC, UNDER_21, SMALL_CELL, False, "08-HD/TW"),  # HD 08: chỉ khi …
    ("cell_meeting", "base", K.SUPERVISION_THEMATIC, UNDER_21, None, False, "08-HD/TW"),  # facts unknown: refused
    ("cell_meeting", "base", K.SUPERVISION_THEMATIC, UNDER_21, CellFacts(has_cell_committee=True), True, "08-HD/TW"),  # có chi ủy
    ("cell_meeting", "base", K.SUPERVISION_THEMATIC, UNDER_21, CellFacts(member_count=31), True, "08-HD/TW"),  # trên 30 đảng viên
    ("cell_meeting", "base", K.SUPERVISION_THEMATIC, UNDER_21, CellFacts(member_count=30), False, "08-HD/TW"),  # 30 is not "trên 30"
    ("cell_meeting", "base", K.SUPERVISION_THEMATIC, UNDER_21, CellFacts(dispersed=True), True, "08-HD/TW"),  # đảng viên phân tán
    ("cell_meeting", "base", K.SUPERVISION_THEMATIC, UNDER_21, CellFacts(party_groups=2), True, "08-HD/TW"),  # nhiều tổ đảng
    ("cell_meeting", "base", K.SUPERVISION_THEMATIC, UNDER_21, CellFacts(party_groups=1), False, "08-HD/TW"),
    ("inspection", "base", K.SUPERVISION_THEMATIC, UNDER_21, None, True, "Điều 30"),
    # QĐ 30 period (26/7/2016 – 27/7/2021) and QĐ 22 period (28/7/2021 – 29/5/2025)
    ("advisory", "province", K.SIGNS_OF_VIOLATION, UNDER_30, None, False, "QĐ 30-QĐ/TW"),  # carried from QĐ 296 Đ.5 1.3(đ)
    ("advisory", "province", K.SIGNS_OF_VIOLATION, UNDER_30_LATE, None, False, "QĐ 30-QĐ/TW"),
    ("advisory", "province", K.SIGNS_OF_VIOLATION, date(2021, 7, 27), None, False, "QĐ 30-QĐ/TW"),  # last day of QĐ 30
    ("advisory", "province", K.SIGNS_OF_VIOLATION, date(2021, 7, 28), None, False, "QĐ 22-QĐ/TW"),  # QĐ 22 signed 28/7/2021
    ("advisory", "province", K.SIGNS_OF_VIOLATION, UNDER_22, None, False, "QĐ 22-QĐ/TW"),
    ("advisory", "province", K.SIGNS_OF_VIOLATION, date(2025, 5, 29), None, False, "QĐ 22-QĐ/TW"),  # last day of QĐ 22
    ("inspection", "superior", K.SIGNS_OF_VIOLATION, UNDER_30_LATE, None, True, "Điều 32"),  # Điều lệ 2011 Đ.32
    ("committee", "base", K.COMPLIANCE, date(2016, 7, 26), None, True, "Điều 30"),  # first day of QĐ 30
    ("inspection", "base", K.KTGS_DUTY, UNDER_30, None, True, "Điều 32, khoản 2"),  # Điều lệ Đ.32 k.2
    ("committee", "province", K.KTGS_DUTY, UNDER_30_LATE, None, False, "Điều 32, khoản 2"),  # only the UBKT
    ("standing", "superior", K.KTGS_DUTY, UNDER_22, None, False, "Điều 32, khoản 2"),
    ("inspection", "province", K.FINANCE, UNDER_22, None, True, "Điều 32, khoản 6"),  # Điều lệ Đ.32 k.6
    ("advisory", "province", K.FINANCE, UNDER_30, None, False, "Điều 32"),
    ("inspection", "base", K.ASSETS, date(2016, 9, 1), None, True, "QĐ 30-QĐ/TW"),  # before QĐ 85
    ("inspection", "base", K.ASSETS, UNDER_30, None, True, "QĐ 85-QĐ/TW"),  # QĐ 85 (23/5/2017)
    ("committee", "base", K.ASSETS, UNDER_22, None, False, "QĐ 85-QĐ/TW"),  # cấp ủy từ cấp trên cơ sở
    ("cell_meeting", "base", K.ASSETS, UNDER_30_LATE, None, False, "QĐ 85-QĐ/TW"),
    ("cell_meeting", "below_base", K.SUPERVISION_REGULAR, UNDER_30, None, True, "Điều 30"),
    ("cell_meeting", "base", K.SUPERVISION_THEMATIC, UNDER_30_LATE, SMALL_CELL, False, "QĐ 30-QĐ/TW"),  # HD 08 condition carried back
    ("cell_meeting", "base", K.SUPERVISION_THEMATIC, UNDER_30_LATE, CellFacts(member_count=31), True, "QĐ 30-QĐ/TW"),
    ("cell_meeting", "base", K.SUPERVISION_THEMATIC, UNDER_22, SMALL_CELL, False, "QĐ 22-QĐ/TW"),
    ("cell_meeting", "base", K.SUPERVISION_THEMATIC, UNDER_22, CellFacts(has_cell_committee=True), True, "QĐ 22-QĐ/TW"),
    ("cell_meeting", "base", K.SUPERVISION_THEMATIC, BEFORE_HD08, SMALL_CELL, False, "QĐ 296-QĐ/TW"),  # no gap before HD 08
    ("committee", "superior", K.SUPERVISION_THEMATIC, UNDER_22, None, True, "Điều 30"),
    # kiểm tra việc thi hành kỷ luật: Điều lệ Đ.32 k.2 gives it to the UBKT alone, in every regime
    ("inspection", "superior", K.DISCIPLINE_ENFORCEMENT, UNDER_30, None, True, "Điều 32, khoản 2"),
    ("inspection", "base", K.DISCIPLINE_ENFORCEMENT, UNDER_22, None, True, "Điều 32, khoản 2"),
    ("inspection", "province", K.DISCIPLINE_ENFORCEMENT, UNDER_296, None, True, "Điều 32, khoản 2"),
    ("inspection", "base", K.DISCIPLINE_ENFORCEMENT, UNDER_21, None, True, "Điều 32, khoản 2"),
    ("committee", "province", K.DISCIPLINE_ENFORCEMENT, UNDER_22, None, False, "Điều 32, khoản 2"),  # only the UBKT
    ("standing", "superior", K.DISCIPLINE_ENFORCEMENT, UNDER_21, None, False, "Điều 32, khoản 2"),
    ("cell_meeting", "base", K.DISCIPLINE_ENFORCEMENT, UNDER_296, None, False, "Điều 32, khoản 2"),
    # kiểm tra thu, nộp đảng phí: a part of party finance (Điều lệ Đ.32 k.6; form KTTC_DPHI)
    ("inspection", "superior", K.PARTY_FEES, UNDER_30, None, True, "Điều 32, khoản 6"),
    ("inspection", "base", K.PARTY_FEES, UNDER_22, None, True, "Điều 32, khoản 6"),
    ("inspection", "province", K.PARTY_FEES, UNDER_21, None, True, "Điều 32, khoản 6"),
    ("committee", "base", K.PARTY_FEES, UNDER_296, None, True, "Điều 30"),  # cấp ủy lãnh đạo, kiểm tra
    ("cell_meeting", "below_base", K.PARTY_FEES, UNDER_21, None, True, "Điều 30"),  # chi bộ: thực tiễn
    ("advisory", "province", K.PARTY_FEES, UNDER_22, None, False, "Điều 32, khoản 6"),
    ("advisory", "province", K.PARTY_FEES, UNDER_21, None, False, "Điều 32, khoản 6"),
]
# fmt: on


@pytest.mark.parametrize("body, level, kind, on, facts, allowed, cited", CASES)
def test_may_perform(body, level, kind, on, facts, allowed, cited):
    verdict = may_perform(body, level, kind, on, cell_facts=facts)
    assert verdict.allowed is allowed
    assert cited in verdict.source
    assert verdict.source in verdict.reason_vi  # the refusal names its source


def test_refusal_reads_as_the_page_shows_it():
    verdict = may_perform(
        "cell_meeting", "base", K.SUPERVISION_THEMATIC, UNDER_21, cell_facts=SMALL_CELL
    )
    assert not verdict
    assert verdict.reason_vi.startswith("Chi bộ không được giám sát chuyên đề")
    assert verdict.reason_vi.endswith("— HD 08-HD/TW")
    assert verdict.status == "to_check"
    advisory = may_perform("advisory", "province", K.SIGNS_OF_VIOLATION, UNDER_21)
    assert advisory.reason_vi == (
        "Cơ quan tham mưu của cấp ủy không được kiểm tra khi có dấu hiệu vi phạm"
        " — QĐ 296-QĐ/TW, Điều 5, điểm 1.3(đ)"
    )


def test_advisory_body_is_refused_signs_of_violation_under_qd22():
    verdict = may_perform("advisory", "province", K.SIGNS_OF_VIOLATION, date(2022, 3, 15))
    assert not verdict
    assert verdict.source == "QĐ 22-QĐ/TW"
    assert verdict.reason_vi == (
        "Cơ quan tham mưu của cấp ủy không được kiểm tra khi có dấu hiệu vi phạm — QĐ 22-QĐ/TW"
    )
    assert verdict.status == "to_check"  # carried back from QĐ 296, not checked against QĐ 22


def test_qd30_and_qd22_rows_say_what_was_carried_back():
    from ktgs.rules.lookup import rule_in_force

    for on, regulation in ((UNDER_30_LATE, "QĐ 30-QĐ/TW"), (UNDER_22, "QĐ 22-QĐ/TW")):
        row = rule_in_force("competence", "signs_of_violation:advisory", on)
        assert row.status == "to_check"
        assert "mang từ QĐ 296-QĐ/TW" in row.note and regulation in row.note


@pytest.mark.parametrize("on", [date(2016, 7, 25), date(2015, 1, 15)])
def test_before_the_earliest_row_names_family_and_date(on):
    # QĐ 30-QĐ/TW (26/7/2016) is the earliest regime in the pack
    with pytest.raises(RuleNotInForce) as err:
        may_perform("inspection", "province", K.COMPLIANCE, on)
    message = err.value.messages[0]
    assert "thẩm quyền kiểm tra, giám sát" in message
    assert on.strftime("%d/%m/%Y") in message


@pytest.mark.parametrize("kind", K.values)
@pytest.mark.parametrize(
    "body", ["committee", "standing", "inspection", "cell_meeting", "advisory"]
)
@pytest.mark.parametrize(
    "on",
    [
        date(2016, 7, 26),
        UNDER_30_LATE,
        date(2021, 7, 28),
        UNDER_22,
        date(2025, 5, 30),
        BEFORE_HD08,
        date(2026, 11, 27),
    ],
)
def test_every_kind_and_body_has_a_rule_from_qd30_on(kind, body, on):
    verdict = may_perform(body, "province", kind, on, cell_facts=CellFacts())
    assert verdict.source and verdict.reason_vi


def test_only_the_ubkt_inspects_discipline_enforcement_and_party_fees_are_to_be_checked():
    refused = may_perform("committee", "superior", K.DISCIPLINE_ENFORCEMENT, UNDER_22)
    assert refused.reason_vi == (
        "Chỉ ủy ban kiểm tra mới kiểm tra việc thi hành kỷ luật trong Đảng của tổ chức đảng cấp"
        " dưới — Điều lệ Đảng, Điều 32, khoản 2"
    )
    assert refused.status == "confirmed"
    fees = may_perform("inspection", "superior", K.PARTY_FEES, UNDER_21)
    assert fees and fees.status == "to_check"  # đảng phí within "tài chính": inferred
