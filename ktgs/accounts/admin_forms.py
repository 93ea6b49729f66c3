"""Forms of the administration pages (accounts.admin_views): input shape only; the checks are in
accounts.administration and accounts.services."""

from django import forms

from ktgs.accounts.models import Role
from ktgs.core.models import Secrecy
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
