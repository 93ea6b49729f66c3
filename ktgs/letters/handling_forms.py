"""Input shape of the handling pages (handling_views.py). The rules live in `handling.py`; these
only read input. Choice lists (handlers, inspections, cases, bodies, the accused) are built by
the view from scoped selectors and handed in, so a form never lists what the user cannot see."""

from django import forms

from ktgs.letters.choices import CONTENT_CHOICES, CaseRelation
from ktgs.letters.handling import FREE_STEPS
from ktgs.orgs.forms import VnDateField, VnForm

EMPTY = [("", "— Chọn —")]


def _user_label(user) -> str:
    return user.full_name or user.username


class _UserChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return _user_label(obj)


class _UsersChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return _user_label(obj)


def _users(candidates):
    from ktgs.accounts.models import User

    return User.objects.filter(pk__in=[u.pk for u in candidates]).order_by("full_name", "username")


class AcceptForm(VnForm):
    accepted_on = VnDateField(label="Ngày quyết định giải quyết (thụ lý)")
    number = forms.CharField(label="Số quyết định, thông báo thụ lý", required=False, max_length=50)
    handler = _UserChoice(label="Người được giao xử lý", queryset=None, empty_label="— Chọn —")
    team = _UsersChoice(
        label="Tổ giải quyết",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Cán bộ của cơ quan tiếp nhận cùng giải quyết đơn.",
    )
    team_text = forms.CharField(
        label="Thành viên khác của tổ giải quyết",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Người ngoài cơ quan (ghi họ tên, chức vụ).",
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["handler"].queryset = _users(candidates)
        self.fields["team"].queryset = _users(candidates)


class AssignForm(VnForm):
    handler = _UserChoice(label="Người được giao xử lý", queryset=None, empty_label="— Chọn —")
    on = VnDateField(label="Ngày giao")

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["handler"].queryset = _users(candidates)


class StepForm(VnForm):
    kind = forms.ChoiceField(
        label="Bước giải quyết", choices=EMPTY + [(k.value, k.label) for k in FREE_STEPS]
    )
    on = VnDateField(label="Ngày thực hiện")
    note = forms.CharField(
        label="Ghi chú", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ExtensionForm(VnForm):
    granted_on = VnDateField(label="Ngày gia hạn")
    days = forms.IntegerField(
        label="Số ngày gia hạn",
        min_value=1,
        max_value=999,
        error_messages={"invalid": "Số ngày gia hạn là một số nguyên dương, ví dụ 30."},
    )
    reason = forms.CharField(label="Lý do gia hạn", widget=forms.Textarea(attrs={"rows": 3}))


class ConcludeForm(VnForm):
    """One verdict and one note per content item (verdict_<pk>, note_<pk>), then the letter's
    conclusion (used when every item has its verdict)."""

    concluded_on = VnDateField(label="Ngày kết luận")
    number = forms.CharField(label="Số kết luận, thông báo", required=False, max_length=50)
    conclusion = forms.CharField(
        label="Nội dung kết luận",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Bắt buộc khi mọi nội dung đã có kết luận; khi đó đơn chuyển sang «Đã kết luận».",
    )

    def __init__(self, *args, items, verdicts, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        fields = {}
        for item in self.items:
            fields[f"verdict_{item.pk}"] = forms.ChoiceField(
                label=f"Nội dung {item.position}: kết luận",
                choices=EMPTY + list(verdicts),
                required=False,
                initial=item.verdict,
            )
            fields[f"category_{item.pk}"] = forms.ChoiceField(
                label=f"Nội dung {item.position}: phân loại nội dung",
                choices=[("", "— Chưa phân loại —"), *CONTENT_CHOICES],
                required=False,
                initial=item.content_category,
                help_text="Theo danh mục của biểu thống kê (tố cáo đảng viên hoặc tổ chức "
                "đảng); không bắt buộc.",
            )
            fields[f"note_{item.pk}"] = forms.CharField(
                label=f"Nội dung {item.position}: nhận xét",
                required=False,
                initial=item.verdict_note,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        self.fields = {**fields, **self.fields}

    def item_rows(self):
        return [
            (item, self[f"verdict_{item.pk}"], self[f"note_{item.pk}"], self[f"category_{item.pk}"])
            for item in self.items
        ]

    def categories(self) -> dict[int, str]:
        return {item.pk: self.cleaned_data[f"category_{item.pk}"] for item in self.items}

    def verdicts(self) -> dict[int, str]:
        return {item.pk: self.cleaned_data[f"verdict_{item.pk}"] for item in self.items}

    def notes(self) -> dict[int, str]:
        return {item.pk: self.cleaned_data[f"note_{item.pk}"] for item in self.items}


class ReplyForm(VnForm):
    replied_on = VnDateField(label="Ngày trả lời, thông báo cho người gửi")
    reply = forms.CharField(label="Nội dung trả lời", widget=forms.Textarea(attrs={"rows": 5}))


class CaseLinkForm(VnForm):
    """Pick an inspection or a discipline case (values "i<pk>" / "c<pk>") among those the user
    sees, and how the letter bears on it."""

    target = forms.ChoiceField(label="Cuộc kiểm tra, giám sát hoặc vụ việc kỷ luật")
    relation = forms.ChoiceField(label="Quan hệ", choices=EMPTY + list(CaseRelation.choices))

    def __init__(self, *args, inspections, cases, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = EMPTY + [
            (
                "Cuộc kiểm tra, giám sát",
                [(f"i{row.pk}", f"{row} — {row.body.name}") for row in inspections],
            ),
            (
                "Vụ việc kỷ luật",
                [(f"c{row.pk}", f"{row} ({row.opened_on:%d/%m/%Y})") for row in cases],
            ),
        ]

    def target_key(self) -> tuple[str, int]:
        value = self.cleaned_data["target"]
        return value[0], int(value[1:])


class CaseOpenForm(VnForm):
    """A discipline case from the letter: the considering body (of the receiving unit), one of
    the letter's accused, the day the case opens."""

    body = forms.ChoiceField(label="Tổ chức đảng xem xét")
    subject = forms.ChoiceField(label="Đối tượng (trong số bị tố cáo)")
    opened_on = VnDateField(label="Ngày bắt đầu xem xét")

    def __init__(self, *args, bodies, members, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].choices = EMPTY + [(str(b.pk), b.name) for b in bodies]
        self.fields["subject"].choices = EMPTY + [
            *((f"m{m.pk}", f"{m.full_name} ({m.code})") for m in members),
            *((f"u{u.pk}", u.name) for u in units),
        ]

    def subject_key(self) -> tuple[str, int]:
        value = self.cleaned_data["subject"]
        return value[0], int(value[1:])


class EraseForm(VnForm):
    decision = forms.CharField(
        label="Quyết định xóa danh tính (số, ngày, người ký)",
        max_length=200,
        help_text="Ví dụ: Quyết định số 12-QĐ/UBKT ngày 05/12/2026 của Chủ nhiệm UBKT.",
    )
    on = VnDateField(label="Ngày xóa")
    confirm = forms.BooleanField(
        label="Tôi hiểu: họ tên, địa chỉ, điện thoại, CCCD của người gửi bị xóa hẳn, không khôi "
        "phục được trong KTGS.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["confirm"].error_messages["required"] = "Đánh dấu ô xác nhận để xóa."


__all__ = [
    "AcceptForm",
    "AssignForm",
    "CaseLinkForm",
    "CaseOpenForm",
    "ConcludeForm",
    "EraseForm",
    "ExtensionForm",
    "ReplyForm",
    "StepForm",
]
