"""Input shapes of the rule pages: the list's filter and a commission leader's override.

The rules of an override (which rows, which dates, which value shape) live in
`services.rule_override`; the form only reads the value as JSON, requires a reason and offers
the units where the leader may decide (the override applies to that unit's subtree).
"""

import json

from django import forms
from django.core.exceptions import ValidationError

from ktgs.accounts.access import RECORDS_DECIDE
from ktgs.core.vietnamese import nfc, parse_date
from ktgs.orgs.forms import VnDateField, VnForm, attach_errors
from ktgs.orgs.models import OrgUnit
from ktgs.orgs.pickers import PickField, bind_pickers
from ktgs.rules.choices import RuleOrigin, RuleStatus
from ktgs.rules.selectors import RuleFilter

__all__ = ["attach_errors"]

VALUE_HELP = (
    "Ghi giá trị mới theo đúng dạng của giá trị hiện hành (dạng JSON: khóa trong ngoặc kép, "
    "đúng/sai là true/false, danh sách trong [ ]). Chỉ sửa những gì cần điều chỉnh."
)


def rule_filter(params) -> tuple[RuleFilter, str]:
    """The list's filter from the query string (?nhom=&ngay=dd/mm/yyyy&tinh_trang=&nguon=
    &van_ban=&ky-thuat=1), and the message for a date that cannot be read (then ignored)."""
    on, error = None, ""
    text = params.get("ngay", "").strip()
    if text:
        try:
            on = parse_date(text)
        except ValueError as exc:
            error = str(exc)
    status = params.get("tinh_trang", "")
    origin = params.get("nguon", "")
    flt = RuleFilter(
        family=params.get("nhom", "").strip(),
        on=on,
        status=status if status in RuleStatus.values else "",
        origin=origin if origin in RuleOrigin.values else "",
        source=params.get("van_ban", "").strip()[:80],
        technical=technical(params),
    )
    return flt, error


def technical(params) -> bool:
    """The technical view (?ky-thuat=1): the raw keys and values beside the words."""
    return params.get("ky-thuat", "") == "1"


class OverrideForm(VnForm):
    unit = PickField(
        "to-chuc-quyet-dinh",
        label="Áp dụng cho tổ chức",
        help_text="Gõ tên hoặc mã tổ chức rồi chọn. Giá trị điều chỉnh áp dụng cho các cơ quan của tổ chức này và các tổ chức "
        "trực thuộc; tổ chức ở nơi khác vẫn theo bộ quy tắc.",
    )
    value = forms.CharField(
        label="Giá trị điều chỉnh",
        help_text=VALUE_HELP,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false", "class": "input-code"}),
    )
    starts_on = VnDateField(
        label="Áp dụng từ ngày",
        help_text="Giá trị điều chỉnh áp dụng từ ngày này trở đi, trong thời gian hiệu lực của dòng gốc.",
    )
    ends_on = VnDateField(
        label="Đến trước ngày",
        required=False,
        help_text="Để trống: đến khi dòng gốc hết hiệu lực.",
    )
    source = forms.CharField(
        label="Văn bản căn cứ",
        max_length=80,
        help_text="Số văn bản của Đảng, ví dụ 299-QĐ/TU, 12-HD/TU.",
        widget=forms.TextInput(attrs={"placeholder": "299-QĐ/TU", "spellcheck": "false"}),
    )
    article = forms.CharField(
        label="Điều, khoản", max_length=120, required=False, help_text="Ví dụ: Điều 5, khoản 2."
    )
    reason = forms.CharField(
        label="Lý do điều chỉnh",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Vì sao giá trị của bộ quy tắc cần điều chỉnh; lý do được lưu cùng dòng và nhật ký.",
    )

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        bind_pickers(self, scope)
        own = OrgUnit.objects.live().filter(path__in=scope.roots_for(RECORDS_DECIDE))
        first = own.order_by("path").first()
        if first is not None and not self.is_bound:
            self.initial.setdefault("unit", first)  # the leader's own unit

    @staticmethod
    def initial_for(row) -> dict:
        return {"value": json.dumps(row.value, ensure_ascii=False, indent=2, sort_keys=True)}

    def clean_value(self) -> dict:
        text = self.cleaned_data["value"]
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValidationError(
                f"Giá trị không đọc được (dòng {exc.lineno}, cột {exc.colno}): hãy ghi đúng dạng "
                'JSON, ví dụ {"allowed": true}; khóa và chữ đặt trong ngoặc kép.'
            ) from None
        if not isinstance(value, dict):
            raise ValidationError('Giá trị phải là một bảng trong ngoặc nhọn, ví dụ {"days": 30}.')
        return value

    def clean_reason(self) -> str:
        reason = nfc(self.cleaned_data["reason"]).strip()
        if not reason:
            raise ValidationError("Chưa nhập lý do điều chỉnh.")
        return reason

    def service_args(self) -> dict:
        d = self.cleaned_data
        return {
            "unit": d["unit"],
            "value": d["value"],
            "starts_on": d["starts_on"],
            "ends_on": d["ends_on"],
            "source": d["source"],
            "article": d["article"],
            "note": d["reason"],
        }
