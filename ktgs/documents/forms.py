from django import forms

from ktgs.documents import filecheck


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label="Tệp đính kèm",
        error_messages={
            "required": "Chưa chọn tệp để tải lên.",
            "empty": "Tệp đã chọn rỗng (0 byte).",
            "invalid": "Không đọc được tệp tải lên; hãy chọn lại tệp.",
            "missing": "Không nhận được tệp; hãy chọn lại tệp.",
        },
        help_text=f"Nhận các loại: {filecheck.ALLOWED_TEXT}.",
        widget=forms.ClearableFileInput(
            attrs={"accept": ",".join(f".{e}" for e in filecheck.BY_EXTENSION)}
        ),
    )
    note = forms.CharField(label="Ghi chú", max_length=500, required=False)


class AttachmentVoidForm(forms.Form):
    reason = forms.CharField(
        label="Lý do hủy tài liệu",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Chưa nhập lý do hủy tài liệu."},
        help_text="Chỉ hủy tài liệu đính kèm nhầm. Tệp vẫn được lưu giữ, chỉ không còn hiện.",
    )
