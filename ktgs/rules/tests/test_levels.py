"""The commune đảng ủy's level is dated (domain-rules-2026-update.md §8): cấp trên trực tiếp cơ
sở under the QĐ 294-QĐ/TW pilot (from 1/7/2025), a đảng ủy cơ sở from QĐ 208-QĐ/TW (26/7/2026).
Both rows are to be checked; other units act at their kind's level."""

from datetime import date

import pytest

from ktgs.orgs.choices import UnitAttributeKey
from ktgs.orgs.models import OrgUnit, UnitAttribute
from ktgs.rules.levels import level_on

pytestmark = pytest.mark.django_db

# day, level — source
COMMUNE = [
    (date(2025, 7, 1), "superior"),  # QĐ 294-QĐ/TW (1/7/2025): cấp trên trực tiếp cơ sở
    (date(2026, 7, 25), "superior"),  # the day before QĐ 208-QĐ/TW
    (date(2026, 7, 26), "base"),  # QĐ 208-QĐ/TW (26/7/2026): đảng ủy cơ sở
    (date(2026, 12, 1), "base"),
]


@pytest.mark.parametrize("day,level", COMMUNE)
def test_a_commune_dang_uy_acts_at_the_dated_level(day, level):
    unit = OrgUnit.objects.select_related("kind").get(code="HA.DBK")
    assert unit.kind.level == "superior"
    UnitAttribute.objects.create(
        unit=unit, key=UnitAttributeKey.COMMUNE, value=True, starts_on=date(2025, 7, 1)
    )
    assert level_on(unit, day) == level


def test_other_units_act_at_their_kinds_level():
    unit = OrgUnit.objects.select_related("kind").get(code="HA.DBK")
    assert level_on(unit, date(2026, 12, 1)) == unit.kind.level
