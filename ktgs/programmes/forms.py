"""Input shapes of the programme pages. The rules live in services; these only read input."""

from django import forms
from django.core.exceptions import ValidationError

from ktgs.core.choices import InspectionKind
from ktgs.core.forms import VersionedForm
from ktgs.orgs.forms import VnDateField, VnForm, attach_errors
from ktgs.orgs.lookups import members_by_codes, typed_codes, units_by_codes
from ktgs.orgs.models import Body, Member, OrgUnit

__all__ = ["attach_errors"]

ROMAN = ("I", "II", "III", "IV")
QUARTER_CHOICES = [("", "—"), *((q, f"Quý {ROMAN[q - 1]}") for q in range(1, 5))]
MONTH_CHOICES = [("", "—"), *((m, f"Tháng {m}") for m in range(1, 13))]
ALIASES = {"__all__": None}


class ProgrammeForm(VnForm):
    body = forms.ModelChoiceField(
        label="Cơ quan ban hành",
        queryset=Body.objects.none(),
        error_messages={"invalid_choice": "Chọn một cơ quan trong danh sách."},
    )
    year = forms.IntegerField(
        label="Năm",
        error_messages={"invalid": "Ghi năm bằng 4 chữ số, ví dụ 2026."},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "yyyy"}),
    )
    number = forms.CharField(
        label="Số, ký hiệu",
        max_length=60,
        help_text="Số chương trình của Đảng: NN-CTr/<ký hiệu>, ví dụ 02-CTr/ĐUK.",
        widget=forms.TextInput(attrs={"placeholder": "02-CTr/ĐUK", "spellcheck": "false"}),
    )
    issued_on = VnDateField(label="Ngày ban hành")
    title = forms.CharField(
        label="Trích yếu",
        max_length=255,
        widget=forms.Textarea(attrs={"rows": 2}),
        initial="Chương trình kiểm tra, giám sát",
    )

    def __init__(self, *args, bodies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = bodies
        self.fields["body"].label_from_instance = lambda b: f"{b.name} ({b.unit.code})"


class ItemForm(VnForm):
    kind = forms.ChoiceField(
        label="Loại hoạt động", choices=[("", "— Chọn loại —"), *InspectionKind.choices]
    )
    topic = forms.CharField(label="Nội dung", widget=forms.Textarea(attrs={"rows": 2}))
    quarter = forms.TypedChoiceField(
        label="Quý", choices=QUARTER_CHOICES, coerce=int, empty_value=None, required=False
    )
    month = forms.TypedChoiceField(
        label="Tháng",
        choices=MONTH_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        help_text="Ghi quý hoặc tháng; có tháng thì quý theo tháng.",
    )
    lead = forms.CharField(
        label="Chủ trì",
        max_length=255,
        required=False,
        help_text="Ví dụ: Đồng chí Phó Chủ nhiệm UBKT phụ trách.",
    )
    unit_codes = forms.CharField(
        label="Tổ chức đảng là đối tượng (mã tổ chức)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "HA.DBK.001\nHA.DBK.002"}),
        help_text="Mỗi dòng một mã tổ chức (xem mã ở trang Tổ chức).",
    )
    member_codes = forms.CharField(
        label="Đảng viên là đối tượng (mã đảng viên)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "DV000123\nDV000456"}),
        help_text="Mỗi dòng một mã đảng viên.",
    )
    subject_note = forms.CharField(
        label="Đối tượng (ghi chú)",
        max_length=255,
        required=False,
        help_text="Khi chưa chọn được đối tượng cụ thể, ví dụ: «một số chi bộ trực thuộc».",
    )

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope = scope

    def clean_unit_codes(self) -> list[OrgUnit]:
        codes = typed_codes(self.cleaned_data.get("unit_codes"))
        return units_by_codes(self.scope, codes)

    def clean_member_codes(self) -> list[Member]:
        codes = typed_codes(self.cleaned_data.get("member_codes"))
        return members_by_codes(self.scope, codes)

    def service_args(self) -> dict:
        d = self.cleaned_data
        return {
            "kind": d["kind"],
            "topic": d["topic"],
            "quarter": d.get("quarter"),
            "month": d.get("month"),
            "lead": d.get("lead") or "",
            "subjects": [*(d.get("unit_codes") or []), *(d.get("member_codes") or [])],
            "subject_note": d.get("subject_note") or "",
        }

    @staticmethod
    def initial_for(item) -> dict:
        rows = list(item.subjects.select_related("unit", "member"))
        return {
            "kind": item.kind,
            "topic": item.topic,
            "quarter": item.quarter if not item.month else None,
            "month": item.month,
            "lead": item.lead,
            "unit_codes": "\n".join(r.unit.code for r in rows if r.unit_id),
            "member_codes": "\n".join(r.member.code for r in rows if r.member_id),
            "subject_note": item.subject_note,
        }


class ItemEditForm(VersionedForm, ItemForm):
    """Carries the version it was opened at: a save after another user's is refused."""

    @classmethod
    def values_of(cls, item) -> dict:
        return {**cls.initial_for(item), "version": item.version}

    def service_args(self) -> dict:
        return {**super().service_args(), "version": self.cleaned_data["version"]}


class VoidForm(VnForm):
    reason = forms.CharField(label="Lý do hủy", widget=forms.Textarea(attrs={"rows": 2}))


def attach(form: forms.Form, exc: ValidationError) -> None:
    """A service's errors next to the fields they name ("subjects" → the unit codes)."""
    attach_errors(form, exc, {**ALIASES, "subjects": "unit_codes"})
