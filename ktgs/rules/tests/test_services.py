"""An office corrects a "to be checked" value: the original stays, the correction wins."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from ktgs.audit.labels import ACTION_LABELS
from ktgs.audit.models import AuditEvent
from ktgs.core.choices import InspectionKind as K
from ktgs.orgs.models import OrgUnit
from ktgs.rules.competence import may_perform
from ktgs.rules.lookup import rule_in_force
from ktgs.rules.models import RuleRow
from ktgs.rules.procedures import duration_for
from ktgs.rules.tests.helpers import override as rule_override

pytestmark = pytest.mark.django_db


def assets_row():
    return RuleRow.objects.get(
        family="competence", key="assets:inspection", starts_on=date(2026, 4, 11)
    )


def test_office_correction_wins_from_its_date_and_keeps_the_original():
    original = assets_row()
    rule_override(
        original,
        value={"allowed": True, "levels": ["central", "province", "superior", "base"]},
        starts_on=date(2026, 9, 1),
        source="12-HD/TU",
        article="Điểm 3",
        note="Tỉnh ủy giao UBKT đảng ủy cơ sở kiểm soát kê khai (ví dụ).",
    )
    cell = OrgUnit.objects.get(code="HA.DBK.001.01")  # in the subtree of the bloc (HA.DBK)
    assert not may_perform("inspection", "base", K.ASSETS, date(2026, 8, 31), unit=cell)
    verdict = may_perform("inspection", "base", K.ASSETS, date(2026, 9, 1), unit=cell)
    assert verdict.allowed and verdict.source == "HD 12-HD/TU, Điểm 3"
    assert RuleRow.objects.get(pk=original.pk).value == original.value
    event = AuditEvent.objects.filter(action="rules.row.overridden").latest("seq")
    assert event.details["basis"] == "HD 12-HD/TU, Điểm 3"
    assert "rules.row.overridden" in ACTION_LABELS


def test_office_duration_fills_a_missing_value():
    row = rule_in_force("duration", "*", date(2026, 6, 1))
    rule_override(
        row,
        value={"days": {"base": 30}, "body_kinds": ["cell_meeting"], "day_type": "calendar"},
        starts_on=date(2025, 8, 26),
        source="299-QĐ/TU",
        note="Lào Cai: giám sát chuyên đề của chi bộ không quá 30 ngày.",
    )
    cell = OrgUnit.objects.get(code="HA.DBK.001.01")
    d = duration_for(K.SUPERVISION_THEMATIC, "cell_meeting", "base", date(2026, 6, 1), unit=cell)
    assert (d.days, d.day_type, d.source) == (30, "calendar", "QĐ 299-QĐ/TU")


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"source": "123/QĐ-UBND"}, "source"),  # state-style number
        ({"source": ""}, "source"),
        ({"starts_on": date(2026, 1, 1)}, "starts_on"),  # before the original row
        ({"value": {"allowed": "yes"}}, "value"),
    ],
)
def test_bad_correction_is_refused(changes, field):
    kwargs = {"value": {"allowed": True}, "starts_on": date(2026, 9, 1), "source": "12-HD/TU"}
    with pytest.raises(ValidationError) as err:
        rule_override(assets_row(), **{**kwargs, **changes})
    assert field in err.value.message_dict
    assert not RuleRow.objects.filter(origin="office").exists()


def test_a_confirmed_value_cannot_be_overridden():
    confirmed = RuleRow.objects.get(
        family="competence", key="ktgs_duty:inspection", starts_on=date(2025, 5, 30)
    )
    with pytest.raises(ValidationError):
        rule_override(
            confirmed, value={"allowed": False}, starts_on=date(2026, 9, 1), source="12-HD/TU"
        )
