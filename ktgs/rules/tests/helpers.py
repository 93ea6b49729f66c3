"""An office override made the way the rule page makes it: by the demo's commission leader (UBKT
of the bloc, HA.DBK), for a unit where that leader may decide."""

from ktgs.accounts.access import visible_to
from ktgs.accounts.models import User
from ktgs.orgs.models import OrgUnit
from ktgs.rules.models import RuleRow
from ktgs.rules.services import rule_override

LEADER = "lanhdao.ubkt"  # ubkt_leader of HA.DBK in the demo
BLOC = "HA.DBK"


def leader_scope(username: str = LEADER):
    return visible_to(User.objects.get(username=username))


def override(row: RuleRow, *, unit: str = BLOC, scope=None, **kwargs) -> RuleRow:
    """`services.rule_override` for the unit with code `unit`, as the demo leader by default."""
    return rule_override(
        row,
        unit=OrgUnit.objects.get(code=unit),
        scope=scope or leader_scope(),
        **kwargs,
    )
