"""Forms of the administration pages (accounts.admin_views): input shape only; the checks are in
accounts.administration and accounts.services."""

from django import forms

from ktgs.accounts.models import Role
from ktgs.core.models import Secrecy
from ktgs.orgs.choices import UnitAttributeKey
from ktgs.orgs.forms import VnDateField, VnForm
from ktgs.orgs.pickers import PickField, bind_pickers

ROLE_CHOICES = [(value, label) for value, label in Role.choices if value != Role.SYSADMIN]


class UserCreateForm(VnForm):
    username = forms.CharField(
        label="Tên đăng nhập", max_length=150, help_text="Ví dụ: nguyenvan.a (không dấu)."
    )
    full_name = forms.CharField(label="Họ và tên", max_length=150)
    password = forms.CharField(
        label="Mật khẩu ban đầu",
        widget=forms.PasswordInput(render_value=True),
        help_text="Ít nhất 10 ký tự. Đồng chí trao mật khẩu trực tiếp cho người dùng; họ nên "
        "đổi sau lần đăng nhập đầu.",
    )
    clearance = forms.ChoiceField(
        label="Mức được tiếp cận", choices=Secrecy.choices, initial=Secrecy.NORMAL
    )


class SearchForm(forms.Form):
    q = forms.CharField(label="Tìm theo tên đăng nhập hoặc họ tên", required=False)


class RoleAssignForm(VnForm):
    unit = PickField("don-vi-quan-tri", label="Tổ chức đảng")
    role = forms.ChoiceField(label="Vai trò", choices=ROLE_CHOICES)
    starts_on = VnDateField(label="Từ ngày")

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        bind_pickers(self, scope)


class RoleEndForm(VnForm):
    ends_on = VnDateField(
        label="Thôi giữ vai trò từ ngày", help_text="Từ ngày này, vai trò không còn hiệu lực."
    )


class ClearanceForm(VnForm):
    clearance = forms.ChoiceField(label="Mức được tiếp cận", choices=Secrecy.choices)


class FullNameForm(VnForm):
    full_name = forms.CharField(label="Họ và tên", max_length=150)


class MemberLinkForm(forms.Form):
    member = forms.CharField(
        label="Mã đảng viên",
        max_length=20,
        required=False,
        help_text="Mã đảng viên của chính người dùng này (để trống: bỏ gắn). Trang này chỉ hiện "
        "họ tên và mã, không mở hồ sơ đảng viên.",
    )


# --- the settings of a unit (accounts.settings_views) -----------------------------------------


class UnitChoiceForm(VnForm):
    unit = PickField("don-vi-quan-tri", label="Tổ chức đảng")

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        bind_pickers(self, scope)


class TermAddForm(VnForm):
    name = forms.CharField(
        label="Nhiệm kỳ", max_length=20, help_text="Ví dụ: 2025–2030 (như văn bản vẫn ghi)."
    )
    starts_on = VnDateField(label="Từ ngày", help_text="Ngày bầu cấp ủy khóa này (đại hội).")
    ends_on = VnDateField(
        label="Đến trước ngày",
        required=False,
        help_text="Để trống nếu nhiệm kỳ đang diễn ra.",
    )


class EndForm(VnForm):
    ends_on = VnDateField(
        label="Thôi áp dụng từ ngày", help_text="Từ ngày này, giá trị không còn hiệu lực."
    )


class AttributeSetForm(VnForm):
    key = forms.ChoiceField(label="Thuộc tính", choices=UnitAttributeKey.choices)
    value = forms.CharField(
        label="Giá trị",
        max_length=120,
        help_text="«Có» hoặc «Không»; số tổ đảng: một số; tên gọi tắt của cấp ủy: chữ, ví dụ "
        "«Đảng ủy Khối».",
    )
    starts_on = VnDateField(label="Áp dụng từ ngày")
    decision = forms.CharField(
        label="Theo quyết định số",
        max_length=120,
        required=False,
        help_text="Ví dụ 05-QĐ/TU (không bắt buộc).",
    )


class ReadLogForm(VnForm):
    unit = PickField("don-vi-quan-tri", label="Tổ chức đảng", required=False)
    user = forms.CharField(label="Tên đăng nhập của người đọc", max_length=150, required=False)
    since = VnDateField(label="Từ ngày", required=False)
    until = VnDateField(label="Đến ngày", required=False)

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        bind_pickers(self, scope)

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error("until", "«Đến ngày» phải bằng hoặc sau «Từ ngày».")
        return data
