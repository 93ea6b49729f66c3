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


def test_before_the_earliest_row_names_family_and_date():
    with pytest.raises(RuleNotInForce) as err:
        may_perform("inspection", "province", K.COMPLIANCE, date(2020, 1, 15))
    message = err.value.messages[0]
    assert "thẩm quyền kiểm tra, giám sát" in message
    assert "15/01/2020" in message


@pytest.mark.parametrize("kind", K.values)
@pytest.mark.parametrize(
    "body", ["committee", "standing", "inspection", "cell_meeting", "advisory"]
)
def test_every_kind_and_body_has_a_rule_today(kind, body):
    verdict = may_perform(body, "province", kind, date(2026, 11, 27), cell_facts=CellFacts())
    assert verdict.source and verdict.reason_vi
