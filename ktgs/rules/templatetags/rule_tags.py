"""`{% load rule_tags %}{% rule_basis row %}`: the basis of a value taken from the rule pack, as
every page that uses a rule shows it — the citation, "cần kiểm tra lại" when the value is not
confirmed, "điều chỉnh của đơn vị từ dd/mm/yyyy" when an office overrode it — linked to the
rule's page. `{{ row|rule_title }}` and `{{ row|rule_words }}`: the key and the value in
Vietnamese words (labels.py); `{{ row.value|rule_value }}`: the raw value as lines, for the
technical view. No query."""

from django import template

from ktgs.rules import labels
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


@register.filter
def rule_title(row) -> str:
    return labels.key_title(row.family, row.key)


@register.filter
def rule_words(row) -> list[str]:
    return labels.value_words(row.family, row.value)
