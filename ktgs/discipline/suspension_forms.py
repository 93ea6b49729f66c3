"""Input shapes of the suspension and strike-off pages (rules: suspensions.py, strike_off.py)."""

from django import forms

from ktgs.discipline.choices import SuspensionSubject
from ktgs.discipline.strike_off import CELL_BODIES
from ktgs.discipline.suspensions import SUSPENDING_BODIES
from ktgs.orgs.forms import INDENT, VnDateField, VnForm, attach_errors, editable_units
from ktgs.orgs.lookups import member_by_code
from ktgs.orgs.models import Body, OrgUnit
from ktgs.orgs.selectors import RECORDS_CHANGE

__all__ = ["attach_errors"]
ALIASES = {"__all__": None, "member": "member_code", "on": "on", "unit": "subject_unit"}


def _bodies(form: forms.Form, scope, kinds) -> None:
    ids = [u.pk for u in editable_units(scope, RECORDS_CHANGE)]
    field = form.fields["body"]
    field.queryset = (
        Body.objects.filter(unit_id__in=ids, kind__in=kinds)
        .select_related("unit")
        .order_by("unit__path", "kind")
    )
    field.label_from_instance = lambda b: b.name


class _MemberCodeForm(VnForm):
    member_code = forms.CharField(label="Mã đảng viên", max_length=20)

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope = scope

    def clean_member_code(self):
        code = self.cleaned_data["member_code"].strip().upper()
        self.cleaned_data["member"] = member_by_code(self.scope, code)
        return code


def _units(form: forms.Form, scope) -> None:
    """The organisations the user may change, in tree order; the service says whether the
    chosen body is above the chosen one."""
    units = editable_units(scope, RECORDS_CHANGE)
    field = form.fields["subject_unit"]
    field.queryset = OrgUnit.objects.filter(pk__in=[u.pk for u in units])
    top = min((u.depth for u in units), default=0)
    field.widget.choices = [("", "— Chọn tổ chức đảng —")] + [
        (u.pk, f"{INDENT * (u.depth - top)}{u.name} ({u.code})") for u in units
    ]


class SuspensionForm(_MemberCodeForm):
    subject_kind = forms.ChoiceField(
        label="Đình chỉ",
        choices=SuspensionSubject.choices,
        initial=SuspensionSubject.MEMBER,
        required=False,
        widget=forms.RadioSelect,
    )
    subject_unit = forms.ModelChoiceField(
        label="Tổ chức đảng bị đình chỉ hoạt động",
        queryset=OrgUnit.objects.none(),
        required=False,
        help_text="Chỉ cấp trên của tổ chức đảng được đình chỉ hoạt động của tổ chức đó.",
    )
    body = forms.ModelChoiceField(label="Tổ chức đảng đình chỉ", queryset=Body.objects.none())
    starts_on = VnDateField(label="Đình chỉ từ ngày")
    ends_on = VnDateField(
        label="Đến hết ngày",
        required=False,
        help_text="Để trống: thời hạn tối đa theo quy định đang có hiệu lực ngày bắt đầu.",
    )
    reason = forms.CharField(label="Lý do", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, scope=scope, **kwargs)
        self.fields["member_code"].required = False
        _bodies(self, scope, SUSPENDING_BODIES)
        _units(self, scope)
        self.order_fields(
            ["subject_kind", "member_code", "subject_unit", "body", "starts_on", "ends_on"]
        )

    def clean_subject_kind(self):
        return self.cleaned_data["subject_kind"] or SuspensionSubject.MEMBER

    def clean_member_code(self):
        if self.data.get("subject_kind") == SuspensionSubject.ORGANISATION:
            self.cleaned_data["member"] = None
            return ""
        if not self.cleaned_data["member_code"].strip():
            raise forms.ValidationError("Nhập mã đảng viên bị đình chỉ.")
        return super().clean_member_code()

    def clean(self):
        data = super().clean()
        if data.get("subject_kind") == SuspensionSubject.ORGANISATION:
            if not data.get("subject_unit"):
                self.add_error("subject_unit", "Chọn tổ chức đảng bị đình chỉ hoạt động.")
        else:
            data["subject_unit"] = None
        return data


class ExtendForm(VnForm):
    extended_to = VnDateField(
        label="Gia hạn đến hết ngày",
        required=False,
        help_text="Để trống: tối đa theo quy định đang có hiệu lực ngày bắt đầu.",
    )


class StrikeOffForm(_MemberCodeForm):
    body = forms.ModelChoiceField(label="Tổ chức đảng quyết định", queryset=Body.objects.none())
    on = VnDateField(label="Ngày xóa tên")
    number = forms.CharField(label="Số quyết định", max_length=120, required=False)
    reason = forms.CharField(
        label="Lý do (không đủ điều kiện công nhận đảng viên chính thức)",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, scope=scope, **kwargs)
        _bodies(self, scope, CELL_BODIES)
        self.order_fields(["member_code", "body", "on", "number", "reason"])
