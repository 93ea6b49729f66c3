"""The one lookup of the rule pack: the row of a family and key in force on a date."""

from datetime import date

from django.core.exceptions import ValidationError

from ktgs.core.vietnamese import format_date
from ktgs.rules.choices import RuleOrigin
from ktgs.rules.models import RuleRow

FAMILY_NAMES = {
    "competence": "thẩm quyền kiểm tra, giám sát",
    "steps": "các bước quy trình",
    "duration": "thời hạn",
    "discipline_forms": "hình thức kỷ luật",
    "discipline_competence": "thẩm quyền thi hành kỷ luật",
    "discipline_vote": "biểu quyết kỷ luật",
    "discipline_limitation": "thời hiệu kỷ luật",
    "discipline_effect": "hiệu lực quyết định kỷ luật",
    "discipline_effect_end": "chấm dứt hiệu lực quyết định kỷ luật",
    "discipline_appeal": "thời hạn khiếu nại kỷ luật",
    "discipline_suspension": "đình chỉ sinh hoạt đảng",
    "discipline_after": "thời gian chưa bổ nhiệm, giới thiệu ứng cử sau kỷ luật",
}


class RuleNotInForce(ValidationError):
    """No row of this family and key holds on the date (e.g. before the earliest row)."""


def rule_in_force(family: str, key: str, on: date, *, fallback: str | None = None) -> RuleRow:
    """The row in force on `on` for `key` (else for `fallback`, e.g. "kind:*").

    An office row wins over the pack row it corrects; among rows of the same origin the one that
    started last wins. Raises RuleNotInForce with a Vietnamese message naming family and date.
    """
    keys = [key] if fallback is None else [key, fallback]
    rows = list(RuleRow.objects.filter(RuleRow.q_on(on), family=family, key__in=keys))
    for wanted in keys:
        mine = [r for r in rows if r.key == wanted]
        if mine:
            return max(mine, key=lambda r: (r.origin == RuleOrigin.OFFICE, r.starts_on, r.pk))
    name = FAMILY_NAMES.get(family, family)
    raise RuleNotInForce(f"Chưa có quy định về {name} ({key}) có hiệu lực ngày {format_date(on)}.")
