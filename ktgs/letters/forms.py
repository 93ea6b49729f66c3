"""Input shape of the register form. The rules live in services; this only reads input.

The filer's fields are plain form fields posted once (never in a URL) and handed to the service,
which encrypts them; the form is never re-shown with them after a successful save.
"""

from django import forms

from ktgs.core.models import SECRECY_INPUT_CHOICES, Secrecy
from ktgs.letters.choices import AnonymousKind, Channel, FilerKind, LetterKind
from ktgs.orgs.forms import VnDateField, VnForm, attach_errors
from ktgs.orgs.pickers import PickField, PickManyField, bind_pickers

__all__ = ["LetterForm", "attach_errors"]


class LetterForm(VnForm):
    body = PickField(
        "co-quan-chuong-trinh",
        own=True,
        label="Cơ quan tiếp nhận",
        help_text="Ủy ban kiểm tra, cấp ủy hoặc ban thường vụ nơi đồng chí làm việc.",
    )
    received_on = VnDateField(label="Ngày nhận đơn")
    number = forms.CharField(
        label="Số đơn",
        required=False,
        max_length=10,
        help_text="Để trống để lấy số tiếp theo trong năm của cơ quan.",
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    channel = forms.ChoiceField(
        label="Hình thức tiếp nhận", choices=[("", "— Chọn —"), *Channel.choices]
    )
    kind = forms.ChoiceField(label="Loại đơn", choices=[("", "— Chọn —"), *LetterKind.choices])
    anonymous = forms.BooleanField(
        label="Đơn nặc danh, mạo danh hoặc không rõ người gửi", required=False
    )
    anonymous_kind = forms.ChoiceField(
        label="Loại đơn không rõ người gửi",
        required=False,
        choices=[("", "— Chưa rõ —"), *AnonymousKind.choices],
        help_text="Chỉ cho đơn nặc danh, mạo danh; biểu thống kê tính đơn giấu tên, mạo tên là "
        "đơn không phải giải quyết.",
    )
    filer_kind = forms.ChoiceField(
        label="Người gửi là",
        required=False,
        choices=[("", "— Chưa rõ —"), *FilerKind.choices],
        help_text="Để thống kê; không ghi cho đơn nặc danh.",
    )
    filer_name = forms.CharField(
        label="Họ tên người gửi",
        required=False,
        max_length=255,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    filer_address = forms.CharField(
        label="Địa chỉ người gửi",
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    filer_phone = forms.CharField(
        label="Số điện thoại",
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}),
    )
    filer_citizen_id = forms.CharField(
        label="Số CCCD",
        required=False,
        max_length=20,
        help_text="Thông tin người gửi được mã hóa; chỉ người được giao xử lý và lãnh đạo UBKT "
        "của cơ quan tiếp nhận xem được.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    summary = forms.CharField(label="Tóm tắt nội dung", widget=forms.Textarea(attrs={"rows": 3}))
    items = forms.CharField(
        label="Các nội dung tố cáo, khiếu nại",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Mỗi nội dung một dòng; mỗi nội dung sẽ được kết luận riêng. Để trống: một "
        "nội dung là phần tóm tắt.",
    )
    accused_members = PickManyField(
        "dang-vien",
        label="Đảng viên bị tố cáo, khiếu nại",
        required=False,
        help_text="Gõ một phần họ tên (không dấu cũng được) rồi chọn.",
    )
    accused_units = PickManyField(
        "don-vi",
        label="Tổ chức đảng bị tố cáo",
        required=False,
    )
    accused_text = forms.CharField(
        label="Người, tổ chức bị tố cáo (ghi bằng chữ)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Khi chưa xác định được, hoặc đồng chí không xem được trong KTGS.",
    )
    secrecy = forms.ChoiceField(
        label="Độ mật",
        choices=SECRECY_INPUT_CHOICES,
        initial=Secrecy.NORMAL,
    )

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        bind_pickers(self, scope)
