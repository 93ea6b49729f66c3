"""Input shapes of the suspension and strike-off pages (rules: suspensions.py, strike_off.py).

The member, the organisation and the body are picked by name (`orgs.pickers`): a member among
those the user sees, an organisation and a body among the units where the user may change
records; the body field lists the user's own bodies first."""

from django import forms

from ktgs.discipline.choices import SuspensionSubject
from ktgs.orgs.forms import VnDateField, VnForm, attach_errors
from ktgs.orgs.pickers import PickField, bind_pickers

__all__ = ["attach_errors"]
ALIASES = {"__all__": None, "on": "on", "unit": "subject_unit"}
MEMBER_HELP = "Gõ họ tên (không dấu cũng được) hoặc mã đảng viên, rồi chọn trong gợi ý."
BODY_HELP = (
    "Chọn cơ quan của đồng chí, hoặc «Cơ quan khác» rồi gõ tên (không dấu cũng được) và chọn "
    "trong gợi ý."
)


class SuspensionForm(VnForm):
    subject_kind = forms.ChoiceField(
        label="Đình chỉ",
        choices=SuspensionSubject.choices,
        initial=SuspensionSubject.MEMBER,
        required=False,
        widget=forms.RadioSelect,
    )
    member = PickField(
        "dang-vien", label="Đảng viên bị đình chỉ", required=False, help_text=MEMBER_HELP
    )
    subject_unit = PickField(
        "don-vi-ghi",
        label="Tổ chức đảng bị đình chỉ hoạt động",
        required=False,
        help_text="Chỉ cấp trên của tổ chức đảng được đình chỉ hoạt động của tổ chức đó.",
    )
    # the committee, standing committee or UBKT (suspensions.SUSPENDING_BODIES)
    body = PickField(
        "co-quan-dinh-chi", own=True, label="Tổ chức đảng đình chỉ", help_text=BODY_HELP
    )
    starts_on = VnDateField(label="Đình chỉ từ ngày")
    ends_on = VnDateField(
        label="Đến hết ngày",
        required=False,
        help_text="Để trống: thời hạn tối đa theo quy định đang có hiệu lực ngày bắt đầu.",
    )
    reason = forms.CharField(label="Lý do", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope = scope
        bind_pickers(self, scope)

    def clean_subject_kind(self):
        return self.cleaned_data["subject_kind"] or SuspensionSubject.MEMBER

    def clean(self):
        data = super().clean()
        if data.get("subject_kind") == SuspensionSubject.ORGANISATION:
            self._errors.pop("member", None)  # a member typed as well is not read
            data["member"] = None
            if not data.get("subject_unit") and "subject_unit" not in self.errors:
                self.add_error("subject_unit", "Chọn tổ chức đảng bị đình chỉ hoạt động.")
        else:
            data["subject_unit"] = None
            self._errors.pop("subject_unit", None)
            if not data.get("member") and "member" not in self.errors:
                self.add_error("member", "Chọn đảng viên bị đình chỉ (gõ họ tên hoặc mã).")
        return data


class ExtendForm(VnForm):
    extended_to = VnDateField(
        label="Gia hạn đến hết ngày",
        required=False,
        help_text="Để trống: tối đa theo quy định đang có hiệu lực ngày bắt đầu.",
    )


class StrikeOffForm(VnForm):
    member = PickField("dang-vien", label="Đảng viên dự bị", help_text=MEMBER_HELP)
    # the cell's meeting or committee, or the committee or standing committee of a unit above
    # (strike_off.CELL_BODIES)
    body = PickField(
        "co-quan-xoa-ten", own=True, label="Tổ chức đảng quyết định", help_text=BODY_HELP
    )
    on = VnDateField(label="Ngày xóa tên")
    number = forms.CharField(label="Số quyết định", max_length=120, required=False)
    reason = forms.CharField(
        label="Lý do (không đủ điều kiện công nhận đảng viên chính thức)",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope = scope
        bind_pickers(self, scope)
