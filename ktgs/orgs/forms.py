"""Input shapes for the tree and register pages. Rules live in services; these only read input.

Field names are the services' keyword names, so a service's `ValidationError` keyed by field
lands next to the right input (see `attach_errors`).
"""

from datetime import date

from django import forms
from django.core.exceptions import ValidationError

from ktgs.core.concurrency import StaleEdit
from ktgs.core.forms import VersionedForm
from ktgs.core.models import SECRECY_INPUT_CHOICES, TOP_SECRET, TOP_SECRET_REFUSED, Secrecy
from ktgs.core.vietnamese import format_date, parse_date
from ktgs.orgs.choices import Sex
from ktgs.orgs.lookups import citizen_id_problem
from ktgs.orgs.models import OrgKind, OrgUnit
from ktgs.orgs.pickers import PickField, bind_pickers


class VnDateField(forms.Field):
    """A date typed as dd/mm/yyyy; the parse error is Vietnamese and says how to write it."""

    widget = forms.TextInput(
        attrs={
            "placeholder": "dd/mm/yyyy",
            "inputmode": "numeric",
            "autocomplete": "off",
            "class": "input-date",
        }
    )

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, date):
            return value
        try:
            return parse_date(str(value))
        except ValueError as exc:
            raise ValidationError(str(exc), code="invalid") from None

    def prepare_value(self, value):
        return format_date(value) if isinstance(value, date) else value


class VnForm(forms.Form):
    """Required-field messages that name the field: "Chưa nhập ngày sinh."."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            chosen = isinstance(field, forms.ChoiceField) or getattr(field, "picks", False)
            verb = "chọn" if chosen else "nhập"
            label = str(field.label or "")
            field.error_messages["required"] = f"Chưa {verb} {label[:1].lower()}{label[1:]}."


def attach_errors(form: forms.Form, exc: ValidationError, aliases: dict | None = None) -> None:
    """Put a service's errors next to the fields they name; the rest go above the form."""
    if isinstance(exc, StaleEdit) and isinstance(form, VersionedForm):
        form.rebase(exc.current)  # what the other user changed; the user's entries kept
        return
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for key, errors in exc.error_dict.items():
        name = (aliases or {}).get(key, key)
        form.add_error(name if name in form.fields else None, errors)


# --- members ---------------------------------------------------------------------------------


class MemberFieldsForm(VnForm):
    """The member's own fields, as created and as edited."""

    family_name = forms.CharField(label="Họ", max_length=60)
    middle_name = forms.CharField(label="Tên đệm", max_length=120, required=False)
    given_name = forms.CharField(label="Tên", max_length=60)
    birth_date = VnDateField(label="Ngày sinh")
    sex = forms.ChoiceField(label="Giới tính", choices=Sex.choices, widget=forms.RadioSelect)
    citizen_id = forms.CharField(
        label="Số CCCD", max_length=20, required=False, help_text="12 chữ số; để trống nếu chưa có."
    )
    old_id_number = forms.CharField(
        label="Số CMND cũ", max_length=15, required=False, help_text="9 chữ số, nếu hồ sơ còn ghi."
    )
    admitted_on = VnDateField(label="Ngày vào Đảng")
    official_on = VnDateField(
        label="Ngày chính thức", required=False, help_text="Để trống khi còn là đảng viên dự bị."
    )
    secrecy = forms.ChoiceField(
        label="Độ mật của hồ sơ",
        choices=SECRECY_INPUT_CHOICES,
        required=False,
        help_text="Hồ sơ mật, tối mật chỉ người được tiếp cận mức đó xem được, và mỗi lần xem "
        "được ghi nhật ký. Tài liệu tuyệt mật không lưu trong KTGS.",
        error_messages={
            "invalid_choice": "Đồng chí chỉ được đặt độ mật đến mức mình được tiếp cận."
        },
    )

    def __init__(self, *args, scope, member_pk: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope, self.member_pk = scope, member_pk
        allowed = set(scope.secrecy_levels) | {TOP_SECRET}
        field = self.fields["secrecy"]
        field.choices = [(value, label) for value, label in field.choices if value in allowed]

    def clean_citizen_id(self) -> str:
        """A number held by another member: named when the user sees that member, else by
        nothing (the rule of docs/security.md); the number's own checks are the service's."""
        value = (self.cleaned_data.get("citizen_id") or "").replace(" ", "")
        if value and (problem := citizen_id_problem(self.scope, value, exclude_pk=self.member_pk)):
            raise ValidationError(problem, code="taken")
        return value

    def clean_secrecy(self) -> str:
        """Left out: keep the record's level (thường for a new one); tuyệt mật: refused."""
        value = self.cleaned_data.get("secrecy") or self.initial.get("secrecy") or Secrecy.NORMAL
        if value == TOP_SECRET:
            raise ValidationError(TOP_SECRET_REFUSED, code="top_secret")
        return value


class MemberEditForm(VersionedForm, MemberFieldsForm):
    """Carries the version it was opened at: a save after another user's is refused."""


class MemberCreateForm(MemberFieldsForm):
    code = forms.CharField(label="Mã đảng viên", max_length=20)
    unit = PickField(
        "chi-bo-ghi", label="Chi bộ", help_text="Gõ tên chi bộ (không dấu cũng được) rồi chọn."
    )
    starts_on = VnDateField(
        label="Sinh hoạt từ ngày", required=False, help_text="Để trống: tính từ ngày vào Đảng."
    )

    field_order = [
        "code",
        "family_name",
        "middle_name",
        "given_name",
        "birth_date",
        "sex",
        "citizen_id",
        "old_id_number",
        "admitted_on",
        "official_on",
        "unit",
        "starts_on",
        "secrecy",
    ]

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, scope=scope, **kwargs)
        bind_pickers(self, scope)


class MemberTransferForm(VnForm):
    to_unit = PickField(
        "chi-bo-ghi",
        label="Chuyển đến chi bộ",
        help_text="Gõ tên chi bộ (không dấu cũng được) rồi chọn.",
    )
    on = VnDateField(label="Ngày chuyển")
    decision = forms.CharField(
        label="Quyết định, giấy giới thiệu",
        max_length=120,
        required=False,
        help_text="Số và ngày, ví dụ 12-QĐ/ĐUK ngày 05/3/2024.",
    )

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        bind_pickers(self, scope)


class MemberVoidForm(VnForm):
    reason = forms.CharField(
        label="Lý do hủy hồ sơ",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Chỉ hủy hồ sơ nhập trùng hoặc nhập nhầm. Đảng viên chuyển đi, từ trần… "
        "không hủy hồ sơ.",
    )


# --- units -----------------------------------------------------------------------------------


class UnitFieldsForm(VnForm):
    name = forms.CharField(label="Tên tổ chức", max_length=255)
    short_name = forms.CharField(label="Tên gọi tắt", max_length=120, required=False)


class UnitEditForm(VersionedForm, UnitFieldsForm):
    """Carries the version it was opened at: a save after another user's is refused."""


class UnitCreateForm(UnitFieldsForm):
    code = forms.CharField(
        label="Mã tổ chức",
        max_length=40,
        help_text="Mã cố định, ví dụ HA.DBK.001.05; không chứa dấu «/».",
    )
    kind = forms.ModelChoiceField(
        label="Loại tổ chức", queryset=OrgKind.objects.all(), empty_label="— Chọn loại —"
    )
    parent = PickField(
        "to-chuc-sua",
        label="Trực thuộc",
        help_text="Gõ tên hoặc mã tổ chức cấp trên (không dấu cũng được) rồi chọn.",
    )
    starts_on = VnDateField(label="Ngày thành lập")
    decision = forms.CharField(label="Quyết định thành lập", max_length=120, required=False)

    field_order = ["code", "name", "short_name", "kind", "parent", "starts_on", "decision"]

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        bind_pickers(self, scope)

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if "/" in code or " " in code:
            raise ValidationError("Mã tổ chức không được chứa dấu «/» hay khoảng trắng.")
        return code


class UnitMoveForm(VnForm):
    new_parent = PickField(
        "to-chuc-sua",
        label="Chuyển về trực thuộc",
        help_text="Gõ tên hoặc mã tổ chức cấp trên mới (không dấu cũng được) rồi chọn.",
    )
    on = VnDateField(label="Từ ngày")
    decision = forms.CharField(label="Quyết định", max_length=120, required=False)

    def __init__(self, *args, scope, unit: OrgUnit, **kwargs):
        super().__init__(*args, **kwargs)
        bind_pickers(self, scope)


class CommitteeShortNameForm(VnForm):
    """The name the reports give the unit's committee, from a date (orgs.shortnames)."""

    name = forms.CharField(
        label="Tên gọi tắt của cấp ủy",
        max_length=120,
        help_text="Như báo cáo vẫn viết, ví dụ «Đảng ủy Khối», «Tỉnh ủy». Ban thường vụ, ủy ban "
        "kiểm tra được gọi theo: «BTV Đảng ủy Khối», «UBKT Đảng ủy Khối».",
    )
    on = VnDateField(label="Dùng từ ngày")
    decision = forms.CharField(
        label="Quyết định (nếu có)",
        max_length=120,
        required=False,
        help_text="Số và ngày của quyết định, ví dụ 22-QĐ/ĐUK ngày 05/3/2024.",
    )
