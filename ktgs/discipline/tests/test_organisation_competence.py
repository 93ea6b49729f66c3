"""Who may discipline a party organisation, on the demo tree (province HA → bloc HA.DBK →
grassroots HA.DBK.001 → cell HA.DBK.001.01). Expected values typed from the regulation:

* QĐ 22-QĐ/TW (28/7/2021; secondary source, domain-rules-296.md §1.2): "UBKT các cấp quyết định
  hình thức kỷ luật khiển trách, cảnh cáo TCĐ trực thuộc cấp uỷ cấp dưới" — the organisation's
  committee is a direct subordinate of the UBKT's committee. Not found under QĐ 296 / QĐ 21: the
  rows carry it forward, to be checked.
* Before QĐ 22 (Điều lệ Đảng 2011, Điều 36): a UBKT disciplines no organisation.
* Khiển trách, cảnh cáo of an organisation directly under: the committee or its standing
  committee one level up (QĐ 296, Điều 11); giải tán: the committee two levels up.
"""

from datetime import date
from types import SimpleNamespace

import pytest

from ktgs.discipline.decisions import competence_refusal
from ktgs.discipline.models import Decision
from ktgs.orgs.models import Body, OrgUnit

pytestmark = pytest.mark.django_db

UNDER_30 = date(2019, 5, 2)
UNDER_22 = date(2023, 3, 15)
UNDER_296 = date(2025, 12, 1)
UNDER_21 = date(2026, 6, 1)


def body(code: str, kind: str) -> Body:
    return Body.objects.select_related("unit__kind").get(unit__code=code, kind=kind)


def refusal(by: Body, code: str, form: str, day: date) -> str:
    subject = SimpleNamespace(member_id=None, subject_unit=OrgUnit.objects.get(code=code))
    return competence_refusal(by, subject, {"own_task"}, form, day)


@pytest.mark.parametrize("day", [UNDER_22, UNDER_296, UNDER_21])
@pytest.mark.parametrize("form", ["reprimand", "warning"])
def test_province_ubkt_disciplines_a_grassroots_organisation_under_the_bloc_committee(form, day):
    assert refusal(body("HA", "inspection"), "HA.DBK.001", form, day) == ""


def test_bloc_ubkt_warns_a_cell_under_a_grassroots_committee():
    assert refusal(body("HA.DBK", "inspection"), "HA.DBK.001.01", "warning", UNDER_22) == ""


def test_before_qd22_a_ubkt_disciplines_no_organisation():
    text = refusal(body("HA", "inspection"), "HA.DBK.001", "warning", UNDER_30)
    assert text.endswith(
        "không được quyết định cảnh cáo đối với tổ chức đảng cấp dưới hai cấp"
        " — Điều lệ Đảng, Điều 36."
    )


def test_a_ubkt_may_not_warn_the_organisation_directly_under_its_committee():
    text = refusal(body("HA", "inspection"), "HA.DBK", "warning", UNDER_22)
    assert "không được quyết định cảnh cáo đối với tổ chức đảng trực thuộc — " in text
    assert "QĐ 22-QĐ/TW" in text
    # that one is for the province's committee or its standing committee
    assert refusal(body("HA", "standing"), "HA.DBK", "warning", UNDER_22) == ""


def test_a_ubkt_may_not_warn_its_own_organisation():
    text = refusal(body("HA.DBK", "inspection"), "HA.DBK", "warning", UNDER_296)
    assert "không được quyết định cảnh cáo đối với tổ chức đảng không phải cấp dưới" in text
    assert "QĐ 296-QĐ/TW" in text


def test_a_ubkt_may_not_warn_an_organisation_three_levels_down():
    text = refusal(body("HA", "inspection"), "HA.DBK.001.01", "warning", UNDER_22)
    assert "không được quyết định cảnh cáo đối với tổ chức đảng cấp dưới từ ba cấp" in text


def test_a_ubkt_may_not_dissolve_the_committee_two_levels_up_does():
    text = refusal(body("HA", "inspection"), "HA.DBK.001", "dissolution", UNDER_22)
    assert "không được quyết định giải tán" in text and "QĐ 22-QĐ/TW" in text
    assert refusal(body("HA", "committee"), "HA.DBK.001", "dissolution", UNDER_22) == ""


def test_the_demos_organisation_decisions_are_within_competence(demo):
    # the example report's "Ủy ban Kiểm tra Tỉnh ủy thi hành kỷ luật 01 tổ chức đảng (cảnh cáo)"
    # and the bloc standing committee's later one: neither needs to be entered as history
    decisions = Decision.objects.filter(subject_kind="organisation").select_related("body__unit")
    assert {d.body.kind for d in decisions} == {"inspection", "standing"}
    for d in decisions:
        kinds = set(d.case.violations.values_list("kind", flat=True))
        assert competence_refusal(d.body, d, kinds, d.form, d.signed_on) == "", d.number
