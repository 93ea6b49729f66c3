"""Input shapes for the restructuring pages (rename, merge, close). Rules live in
`restructure.py`; these only read input."""

from django import forms

from ktgs.orgs.forms import (
    VnDateField,
    VnForm,
)
from ktgs.orgs.models import OrgUnit
from ktgs.orgs.pickers import PickManyField, bind_pickers

DECISION_HELP = "Số và ngày của quyết định, ví dụ 22-QĐ/ĐUK ngày 05/3/2024."


class UnitRenameForm(VnForm):
    name = forms.CharField(label="Tên mới", max_length=255)
    short_name = forms.CharField(label="Tên gọi tắt mới", max_length=120, required=False)
    on = VnDateField(label="Mang tên mới từ ngày")
    decision = forms.CharField(
        label="Quyết định đổi tên", max_length=120, required=False, help_text=DECISION_HELP
    )


class UnitMergeForm(VnForm):
    units = PickManyField(
        "to-chuc-sua",
        label="Các tổ chức sáp nhập vào tổ chức này",
        help_text="Chi bộ sáp nhập vào chi bộ: đảng viên chuyển sang sinh hoạt tại đây. Đảng bộ "
        "sáp nhập vào đảng bộ: các tổ chức trực thuộc chuyển về đây. Gõ tên (không dấu cũng "
        "được) rồi chọn, lần lượt từng tổ chức.",
    )
    on = VnDateField(label="Ngày sáp nhập")
    decision = forms.CharField(
        label="Quyết định sáp nhập", max_length=120, required=False, help_text=DECISION_HELP
    )

    def __init__(self, *args, scope, unit: OrgUnit, **kwargs):
        super().__init__(*args, **kwargs)
        # any unit the user may change is read, a wrong one (another kind, itself, one above
        # it) too, so that the service says why not
        bind_pickers(self, scope)


class UnitCloseForm(VnForm):
    on = VnDateField(label="Ngày giải thể")
    decision = forms.CharField(
        label="Quyết định giải thể", max_length=120, required=False, help_text=DECISION_HELP
    )
