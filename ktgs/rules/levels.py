"""The level a unit's bodies act at on a day: its kind's level, unless the pack dates it.

A commune đảng ủy (đảng bộ xã, phường, đặc khu under the tỉnh ủy; unit attribute «commune»)
acted as cấp trên trực tiếp cơ sở from 1/7/2025 (QĐ 294-QĐ/TW) and becomes a đảng ủy cơ sở
from 26/7/2026 (QĐ 208-QĐ/TW): rows of family "unit_level", key "commune", to be checked.
"""

from datetime import date

from ktgs.core.models import Dated
from ktgs.orgs.choices import UnitAttributeKey
from ktgs.orgs.models import OrgUnit, UnitAttribute
from ktgs.rules.lookup import RuleNotInForce, rule_in_force


def level_on(unit: OrgUnit, day: date) -> str:
    """Central / province / superior / base / below_base for the unit's bodies on `day`."""
    commune = UnitAttribute.objects.filter(
        Dated.q_on(day), unit=unit, key=UnitAttributeKey.COMMUNE
    ).first()
    if commune is None or not commune.value:
        return unit.kind.level
    try:
        return rule_in_force("unit_level", "commune", day, unit=unit).value["level"]
    except RuleNotInForce:
        return unit.kind.level
