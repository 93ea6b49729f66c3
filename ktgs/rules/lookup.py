"""The one lookup of the rule pack: the row of a family and key in force on a date, for the
bodies of a unit (an office row applies only in the subtree of the unit that made it)."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import F, Q

from ktgs.core.vietnamese import format_date
from ktgs.orgs.models import OrgUnit, ancestor_paths
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
    "discipline_limitation_scope": "vi phạm không áp dụng thời hiệu, tính lại thời hiệu",
    "discipline_effect": "hiệu lực quyết định kỷ luật",
    "discipline_effect_end": "chấm dứt hiệu lực quyết định kỷ luật",
    "discipline_appeal": "thời hạn khiếu nại kỷ luật",
    "discipline_suspension": "đình chỉ sinh hoạt đảng",
    "discipline_suspension_competence": "thẩm quyền đình chỉ",
    "discipline_after": "thời gian chưa bổ nhiệm, giới thiệu ứng cử sau kỷ luật",
    "discipline_bar": "thời gian không được bầu vào cấp ủy, bổ nhiệm sau cách chức",
    "unit_level": "cấp của đảng bộ xã, phường, đặc khu",
    "letters_filers": "người có quyền gửi đơn",
    "letters_not_considered": "đơn không xem xét, giải quyết",
    "letters_handling": "xử lý đơn nặc danh có nội dung cụ thể, đơn vừa khiếu nại vừa tố cáo",
    "letters_deadline": "thời hạn giải quyết đơn",
    "letters_verdict": "kết luận giải quyết tố cáo",
}


class RuleNotInForce(ValidationError):
    """No row of this family and key holds on the date (e.g. before the earliest row)."""


def rule_in_force(
    family: str,
    key: str,
    on: date,
    *,
    fallback: str | None = None,
    unit: OrgUnit | None = None,
) -> RuleRow:
    """The row in force on `on` for `key` (else for `fallback`, e.g. "kind:*"), as it applies to
    a body of `unit` (the unit of the body that performs or decides).

    An office row applies in the subtree of its unit: the override of the nearest unit above
    `unit` (the unit itself, else its nearest ancestor holding one) wins over the pack row; among
    rows of the same unit the one that started last wins. Without a unit, only the pack rows
    count. Raises RuleNotInForce with a Vietnamese message naming family and date.
    """
    keys = [key] if fallback is None else [key, fallback]
    rows = list(
        RuleRow.objects.filter(RuleRow.q_on(on), _applies_in(unit), family=family, key__in=keys)
        .annotate(unit_path=F("unit__path"))
        .order_by()
    )
    for wanted in keys:
        mine = [r for r in rows if r.key == wanted]
        if mine:
            return max(mine, key=lambda r: (len(r.unit_path or ""), r.starts_on, r.pk))
    name = FAMILY_NAMES.get(family, family)
    raise RuleNotInForce(f"Chưa có quy định về {name} ({key}) có hiệu lực ngày {format_date(on)}.")


def _applies_in(unit: OrgUnit | None) -> Q:
    """Pack rows, and the office rows made for `unit` or one of its ancestors."""
    pack = Q(origin=RuleOrigin.PACK)
    if unit is None:
        return pack
    return pack | Q(origin=RuleOrigin.OFFICE, unit__path__in=ancestor_paths(unit.path))
