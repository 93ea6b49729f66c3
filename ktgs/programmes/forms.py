"""Input shapes of the programme pages. The rules live in services; these only read input."""

from django import forms
from django.core.exceptions import ValidationError

from ktgs.core.choices import InspectionKind
from ktgs.core.forms import VersionedForm
from ktgs.orgs.forms import VnDateField, VnForm, attach_errors
from ktgs.orgs.pickers import PickField, PickManyField, bind_pickers

__all__ = ["attach_errors"]

ROMAN = ("I", "II", "III", "IV")
QUARTER_CHOICES = [("", "—"), *((q, f"Quý {ROMAN[q - 1]}") for q in range(1, 5))]
MONTH_CHOICES = [("", "—"), *((m, f"Tháng {m}") for m in range(1, 13))]
ALIASES = {"__all__": None}


class ProgrammeForm(VnForm):
    body = PickField(
        "co-quan-chuong-trinh",
        own=True,
        label="Cơ quan ban hành",
        help_text="Chọn cơ quan của đồng chí, hoặc gõ tên cơ quan khác (không dấu cũng được).",
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

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        bind_pickers(self, scope)


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
    unit_codes = PickManyField(
        "don-vi",
        label="Tổ chức đảng là đối tượng",
        required=False,
        help_text="Gõ một phần tên (không dấu cũng được) rồi chọn; thêm lần lượt từng tổ chức.",
    )
    member_codes = PickManyField(
        "dang-vien",
        label="Đảng viên là đối tượng",
        required=False,
        help_text="Gõ họ tên hoặc mã đảng viên rồi chọn; gợi ý nêu năm sinh và chi bộ.",
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
        bind_pickers(self, scope)

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
            "unit_codes": [r.unit for r in rows if r.unit_id],
            "member_codes": [r.member for r in rows if r.member_id],
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
