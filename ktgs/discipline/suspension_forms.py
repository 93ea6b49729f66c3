"""Input shapes of the suspension and strike-off pages (rules: suspensions.py, strike_off.py)."""

from django import forms

from ktgs.discipline.strike_off import CELL_BODIES
from ktgs.discipline.suspensions import SUSPENDING_BODIES
from ktgs.orgs.forms import VnDateField, VnForm, attach_errors, editable_units
from ktgs.orgs.lookups import member_by_code
from ktgs.orgs.models import Body
from ktgs.orgs.selectors import RECORDS_CHANGE

__all__ = ["attach_errors"]
ALIASES = {"__all__": None, "member": "member_code", "on": "on"}


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


class SuspensionForm(_MemberCodeForm):
    body = forms.ModelChoiceField(label="Tổ chức đảng đình chỉ", queryset=Body.objects.none())
    starts_on = VnDateField(label="Đình chỉ từ ngày")
    reason = forms.CharField(label="Lý do", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, scope=scope, **kwargs)
        _bodies(self, scope, SUSPENDING_BODIES)
        self.order_fields(["member_code", "body", "starts_on", "reason"])


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
