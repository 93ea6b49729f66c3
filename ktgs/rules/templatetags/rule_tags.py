"""`{% load rule_tags %}{% rule_basis row %}`: the basis of a value taken from the rule pack, as
every page that uses a rule shows it — the citation, "cần kiểm tra lại" when the value is not
confirmed, "điều chỉnh của đơn vị từ dd/mm/yyyy" when an office overrode it — linked to the
rule's page. `{{ row.value|rule_value }}`: the value as readable lines. No query."""

from django import template

from ktgs.rules.choices import RuleOrigin, RuleStatus
from ktgs.rules.selectors import value_lines

register = template.Library()


@register.inclusion_tag("rules/_basis.html")
def rule_basis(row):
    return {
        "row": row,
        "office": row is not None and row.origin == RuleOrigin.OFFICE,
        "to_check": row is not None and row.status == RuleStatus.TO_CHECK,
    }


@register.filter
def rule_value(value) -> list[str]:
    return value_lines(value)
