"""The limitation check on recorded cases: the violation's category (none for the categories the
regime lists, per subject kind), and the restart by a later violation of the same subject, in the
same case or another (QĐ 69-QĐ/TW, Điều 4; QĐ 102-QĐ/TW, Điều 3; QĐ 07-QĐi/TW, Điều 5)."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from ktgs.discipline import decisions, services
from ktgs.discipline.limitation import subject_violation_starts, violation_count
from ktgs.discipline.tests.test_decisions import CELL, DAY, body, plain_member
from ktgs.orgs.models import OrgUnit

pytestmark = pytest.mark.django_db
CONCLUDED = date(2026, 2, 20)  # QĐ 69-QĐ/TW in force (before QĐ 212, 17/8/2026)


def violation(case, category, start, end):
    return services.violation_add(
        case,
        description="Vi phạm trong thử nghiệm",
        kind="conduct",
        category=category,
        started_on=start,
        ended_on=end,
    )


def member_case(member, opened_on=date(2026, 2, 2)):
    return services.case_open(body=body(CELL, "cell_meeting"), member=member, opened_on=opened_on)


def test_internal_politics_has_no_limitation_where_an_ordinary_violation_has_run_out():
    cell = body(CELL, "cell_meeting")
    member = plain_member()
    case = member_case(member)
    old = violation(case, "internal_politics", date(2010, 1, 1), date(2010, 6, 1))
    count = violation_count(case, old, "reprimand", CONCLUDED, unit=case.unit)
    assert count.ends is None and count.why_none == "category"  # QĐ 69 Đ.4 k.2 b
    services.case_statements(case, warranted_on=CONCLUDED)
    n = decisions.denominator_of(cell, DAY)
    decisions.vote_record(case, body=cell, role="decide", voted_on=DAY, counts={"reprimand": n})
    decision = decisions.decision_make(
        case, body=cell, form="reprimand", signed_on=DAY, announced_on=DAY
    )
    assert "69-QĐ/TW, Điều 4, khoản 2" in decision.basis


def test_an_ordinary_violation_of_the_same_age_is_refused_naming_the_rule():
    cell = body(CELL, "cell_meeting")
    case = member_case(plain_member())
    violation(case, "other", date(2010, 1, 1), date(2010, 6, 1))  # 5 years: to 01/06/2015
    services.case_statements(case, warranted_on=CONCLUDED)
    n = decisions.denominator_of(cell, DAY)
    decisions.vote_record(case, body=cell, role="decide", voted_on=DAY, counts={"reprimand": n})
    with pytest.raises(ValidationError, match=r"hết thời hiệu .* 01/06/2015 — .*69-QĐ/TW"):
        decisions.decision_make(case, body=cell, form="reprimand", signed_on=DAY, announced_on=DAY)


def test_a_later_violation_in_another_case_of_the_member_restarts_the_count():
    member = plain_member()
    case = member_case(member)
    old = violation(case, "other", date(2019, 1, 1), date(2020, 1, 10))  # 5 years: 10/01/2025
    assert violation_count(case, old, "reprimand", CONCLUDED, unit=case.unit).ends == date(
        2025, 1, 10
    )
    other = member_case(member, opened_on=date(2026, 1, 5))
    violation(other, "finance_assets", date(2024, 11, 3), date(2024, 12, 1))  # within the period
    assert date(2024, 11, 3) in subject_violation_starts(case)
    count = violation_count(case, old, "reprimand", CONCLUDED, unit=case.unit)
    assert (count.counted_from, count.ends) == (date(2024, 11, 3), date(2029, 11, 3))
    assert count.restarted and "69-QĐ/TW" in count.citations


def test_a_voided_case_restarts_nothing():
    member = plain_member()
    case = member_case(member)
    old = violation(case, "other", date(2019, 1, 1), date(2020, 1, 10))
    other = member_case(member, opened_on=date(2026, 1, 5))
    violation(other, "other", date(2024, 11, 3), date(2024, 12, 1))
    type(other).objects.filter(pk=other.pk).update(voided_at=timezone.now())
    count = violation_count(case, old, "reprimand", CONCLUDED, unit=case.unit)
    assert count.ends == date(2025, 1, 10) and not count.restarted


def test_an_organisation_has_a_limitation_for_illegal_diplomas():
    """QĐ 69 Đ.4: the organisations' list has no diplomas item (members': khoản 2 điểm b)."""
    unit = OrgUnit.objects.get(code=CELL)
    committee = body("HA.DBK.001", "committee")
    case = services.case_open(body=committee, unit=unit, opened_on=date(2026, 2, 2))
    old = violation(case, "illegal_diplomas", date(2010, 1, 1), date(2010, 6, 1))
    count = violation_count(case, old, "reprimand", CONCLUDED, unit=case.unit)
    assert count.ends == date(2015, 6, 1)  # khiển trách 5 years
    politics = violation(case, "internal_politics", date(2010, 1, 1), date(2010, 6, 1))
    assert violation_count(case, politics, "warning", CONCLUDED, unit=case.unit).ends is None


def test_the_case_page_shows_no_limitation_and_the_restart():
    from ktgs.discipline.case_views import _limitation_rows

    member = plain_member()
    case = member_case(member)
    violation(case, "defence_security_foreign", date(2010, 1, 1), date(2010, 6, 1))
    violation(case, "other", date(2019, 1, 1), date(2020, 1, 10))
    violation(case, "other", date(2024, 11, 3), date(2024, 12, 1))
    rows = _limitation_rows(case, ("reprimand",))
    first, second, _third = (r["per_form"][0] for r in rows)
    assert first["ends"] is None and first["no_limit_category"]
    assert second["restarted_from"] == date(2024, 11, 3)


@pytest.mark.parametrize(
    ("text", "code", "note"),
    [
        ("Vi phạm về chính trị nội bộ", "internal_politics", ""),  # a label
        ("vi pham ve chinh tri noi bo.", "internal_politics", ""),  # folded, final dot
        ("Vi phạm về tổ chức, sinh hoạt đảng", "party_organisation", ""),
        ("Vi phạm trong thực hiện nhiệm vụ do cấp trên giao", "other", ""),  # a kind label
        ("Nguyên tắc tổ chức", "other", "Nguyên tắc tổ chức"),  # kept in the note
        ("  ", "other", ""),
    ],
)
def test_the_migration_maps_free_text_to_the_vocabulary(text, code, note):
    import importlib

    migration = importlib.import_module(
        "ktgs.discipline.migrations.0004_violation_category_vocabulary"
    )
    assert migration.category_of(text) == (code, note)
