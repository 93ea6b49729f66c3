"""Input shapes for the restructuring pages (rename, merge, close). Rules live in
`restructure.py`; these only read input."""

from django import forms

from ktgs.orgs.forms import (
    NOT_EDITABLE,
    VnDateField,
    VnForm,
    _indented_choices,
    _limit,
    editable_units,
)
from ktgs.orgs.models import OrgUnit
from ktgs.orgs.selectors import UNITS_CHANGE

DECISION_HELP = "Số và ngày của quyết định, ví dụ 22-QĐ/ĐUK ngày 05/3/2024."


class UnitMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: OrgUnit) -> str:
        return f"{obj.name} ({obj.code})"


class UnitRenameForm(VnForm):
    name = forms.CharField(label="Tên mới", max_length=255)
    short_name = forms.CharField(label="Tên gọi tắt mới", max_length=120, required=False)
    on = VnDateField(label="Mang tên mới từ ngày")
    decision = forms.CharField(
        label="Quyết định đổi tên", max_length=120, required=False, help_text=DECISION_HELP
    )


class UnitMergeForm(VnForm):
    units = UnitMultipleChoiceField(
        label="Các tổ chức sáp nhập vào tổ chức này",
        queryset=OrgUnit.objects.none(),
        error_messages={"invalid_choice": NOT_EDITABLE, "invalid_pk_value": NOT_EDITABLE},
        help_text="Chi bộ sáp nhập vào chi bộ: đảng viên chuyển sang sinh hoạt tại đây. Đảng bộ "
        "sáp nhập vào đảng bộ: các tổ chức trực thuộc chuyển về đây. Giữ Ctrl để chọn nhiều.",
    )
    on = VnDateField(label="Ngày sáp nhập")
    decision = forms.CharField(
        label="Quyết định sáp nhập", max_length=120, required=False, help_text=DECISION_HELP
    )

    def __init__(self, *args, scope, unit: OrgUnit, **kwargs):
        super().__init__(*args, **kwargs)
        # Offer the units the user may change, but not this unit nor those above it; a wrong
        # pick (another kind, itself) is still accepted so that the service says why not.
        units = [u for u in editable_units(scope, UNITS_CHANGE) if not unit.path.startswith(u.path)]
        field = self.fields["units"]
        _limit(field, [*units, unit])
        field.widget.choices = _indented_choices(units, "")[1:]
        field.widget.attrs["size"] = min(max(len(units), 4), 12)


class UnitCloseForm(VnForm):
    on = VnDateField(label="Ngày giải thể")
    decision = forms.CharField(
        label="Quyết định giải thể", max_length=120, required=False, help_text=DECISION_HELP
    )
