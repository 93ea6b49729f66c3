"""Input shapes of the discipline case pages; the rules live in services and decisions."""

from django import forms
from django.core.exceptions import ValidationError

from ktgs.core.choices import DisciplineForm, ViolationCategory, ViolationKind
from ktgs.core.forms import VersionedForm
from ktgs.core.models import SECRECY_INPUT_CHOICES, TOP_SECRET, TOP_SECRET_REFUSED
from ktgs.discipline.choices import AppealOutcome, CaseOrigin, VoteRole
from ktgs.inspections.forms import CorrectionForm
from ktgs.orgs.choices import BodyKind
from ktgs.orgs.forms import VnDateField, VnForm, attach_errors
from ktgs.orgs.models import Body
from ktgs.orgs.pickers import PickField, bind_pickers
from ktgs.orgs.picking import body_name

__all__ = ["attach_errors"]
DECIDING_BODIES = (
    BodyKind.COMMITTEE,
    BodyKind.STANDING,
    BodyKind.INSPECTION,
    BodyKind.CELL_MEETING,
)
ALIASES = {"__all__": None}


BODY_HELP = (
    "Chọn cơ quan của đồng chí, hoặc «Cơ quan khác» rồi gõ tên (không dấu cũng được) và chọn "
    "trong gợi ý; một chi bộ: «hội nghị chi bộ» hoặc «chi ủy»."
)


def body_picker(label: str) -> PickField:
    """The deciding body: the user's own bodies first (short names), any other body of a unit
    where the user may change records by name. Same set as before: the committee, standing
    committee, UBKT or cell meeting of those units (DECIDING_BODIES)."""
    return PickField("co-quan-ghi", own=True, label=label, help_text=BODY_HELP)


class CaseForm(VnForm):
    body = body_picker("Tổ chức đảng xem xét")
    member = PickField(
        "dang-vien",
        label="Đảng viên là đối tượng",
        required=False,
        help_text="Gõ họ tên (không dấu cũng được) hoặc mã đảng viên, rồi chọn trong gợi ý.",
    )
    unit = PickField(
        "don-vi-ghi",
        label="Hoặc tổ chức đảng là đối tượng",
        required=False,
        help_text="Để trống khi đối tượng là một đảng viên.",
    )
    origin = forms.ChoiceField(
        label="Nguồn",
        choices=[(c, label) for c, label in CaseOrigin.choices if c != CaseOrigin.INSPECTION],
    )
    opened_on = VnDateField(label="Ngày bắt đầu xem xét")
    secrecy = forms.ChoiceField(label="Độ mật", choices=SECRECY_INPUT_CHOICES, initial="normal")

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope = scope
        bind_pickers(self, scope)
        allowed = set(scope.secrecy_levels) | {TOP_SECRET}
        field = self.fields["secrecy"]
        field.choices = [(v, label) for v, label in field.choices if v in allowed]

    def clean_secrecy(self):
        if self.cleaned_data["secrecy"] == TOP_SECRET:
            raise ValidationError(TOP_SECRET_REFUSED)
        return self.cleaned_data["secrecy"]

    def clean(self):
        d = super().clean()
        if "member" in self.errors or "unit" in self.errors:
            return d  # what was typed is not read yet: its own message says why
        if bool(d.get("member")) == bool(d.get("unit")):
            raise ValidationError(
                "Chọn một đảng viên, hoặc một tổ chức đảng là đối tượng (chỉ một trong hai)."
            )
        return d


class ProposalCaseForm(VnForm):
    body = body_picker("Tổ chức đảng xem xét")
    opened_on = VnDateField(label="Ngày bắt đầu xem xét")

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        bind_pickers(self, scope)


class ViolationForm(VnForm):
    description = forms.CharField(
        label="Nội dung vi phạm", widget=forms.Textarea(attrs={"rows": 3})
    )
    kind = forms.ChoiceField(label="Loại vi phạm", choices=ViolationKind.choices)
    category = forms.ChoiceField(
        label="Nhóm vi phạm",
        choices=ViolationCategory.choices,
        initial=ViolationCategory.OTHER,
        help_text="Một số nhóm không áp dụng thời hiệu kỷ luật (theo quy định đang có hiệu lực, "
        "khác nhau với đảng viên và tổ chức đảng); thời hiệu của từng vi phạm hiện ở trang vụ việc.",
    )
    category_note = forms.CharField(
        label="Ghi chú về nhóm vi phạm",
        max_length=255,
        required=False,
        help_text="Nhóm vi phạm cụ thể theo quy định xử lý kỷ luật, nếu chọn «Vi phạm khác».",
    )
    started_on = VnDateField(label="Vi phạm từ ngày")
    ended_on = VnDateField(label="Đến ngày", required=False)
    continuing = forms.BooleanField(label="Vi phạm còn tiếp diễn", required=False)


class StatementsForm(VnForm):
    self_criticism = forms.CharField(
        label="Tự kiểm điểm của đối tượng", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    reservations = forms.CharField(
        label="Ý kiến bảo lưu", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    aggravating = forms.CharField(
        label="Tình tiết tăng nặng", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    mitigating = forms.CharField(
        label="Tình tiết giảm nhẹ", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    warranted_on = VnDateField(
        label="Ngày cấp có thẩm quyền kết luận phải xử lý kỷ luật",
        required=False,
        help_text="Thời hiệu tính đến ngày này (để trống: đến ngày quyết định).",
    )


class StatementsEditForm(VersionedForm, StatementsForm):
    """Carries the version it was opened at: a save after another user's is refused."""


class PauseForm(VnForm):
    starts_on = VnDateField(label="Từ ngày")
    ends_on = VnDateField(label="Đến ngày")
    reason = forms.CharField(
        label="Lý do",
        max_length=255,
        help_text="Ví dụ: chưa xem xét; đang bị điều tra, truy tố, xét xử.",
    )


class VoteForm(VnForm):
    body = body_picker("Tổ chức đảng biểu quyết")
    role = forms.ChoiceField(label="Biểu quyết", choices=VoteRole.choices, widget=forms.RadioSelect)
    voted_on = VnDateField(label="Ngày biểu quyết")
    denominator = forms.IntegerField(
        label="Tổng số thành viên tính tỷ lệ",
        required=False,
        min_value=1,
        help_text="Để trống: KTGS tính số đảng viên chính thức của chi bộ, hoặc số ủy viên đương nhiệm của cấp ủy, ủy ban kiểm tra vào ngày biểu quyết.",
    )

    def __init__(self, *args, scope, forms_allowed, **kwargs):
        super().__init__(*args, **kwargs)
        bind_pickers(self, scope)
        for form in reversed(DisciplineForm.values):
            if form in forms_allowed:
                self.fields[f"n_{form}"] = forms.IntegerField(
                    label=f"Số phiếu {DisciplineForm(form).label.lower()}",
                    min_value=0,
                    required=False,
                )

    def counts(self) -> dict[str, int]:
        return {
            name[2:]: value or 0
            for name, value in self.cleaned_data.items()
            if name.startswith("n_")
        }


class DecisionForm(VnForm):
    form = forms.ChoiceField(label="Hình thức kỷ luật")
    number = forms.CharField(label="Số quyết định", max_length=60, required=False)
    signed_on = VnDateField(label="Ngày ký (chi bộ: ngày biểu quyết)")
    announced_on = VnDateField(
        label="Ngày công bố",
        required=False,
        help_text="Thời hạn 12 tháng đến khi hết hiệu lực tính từ ngày công bố; để trống thì "
        "tạm tính từ ngày có hiệu lực.",
    )
    received_on = VnDateField(label="Ngày đối tượng nhận quyết định", required=False)
    not_appointable_until = VnDateField(
        label="Chưa bổ nhiệm, giới thiệu ứng cử đến", required=False
    )

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["form"].choices = [("", "— Chọn hình thức —"), *choices]


class AppealForm(VnForm):
    filed_on = VnDateField(label="Ngày gửi khiếu nại")
    resolver = forms.ModelChoiceField(label="Cấp giải quyết", queryset=Body.objects.none())
    by_subject = forms.BooleanField(
        label="Do chính đảng viên, tổ chức đảng bị kỷ luật gửi", required=False, initial=True
    )
    reason = forms.CharField(
        label="Nội dung khiếu nại", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, resolvers, **kwargs):
        """`resolvers`: the bodies above the deciding one (case_views._resolvers), a short
        list bounded by the depth of the tree (three bodies a level), mostly outside the
        user's own units: a plain select, not a picker."""
        super().__init__(*args, **kwargs)
        self.fields["resolver"].queryset = resolvers
        self.fields["resolver"].label_from_instance = body_name


class AppealResolveForm(VnForm):
    outcome = forms.ChoiceField(
        label="Kết quả",
        choices=[
            (c, label)
            for c, label in AppealOutcome.choices
            if c in ("upheld", "changed", "annulled")
        ],
        widget=forms.RadioSelect,
    )
    resolved_on = VnDateField(label="Ngày giải quyết")
    new_form = forms.ChoiceField(
        label="Hình thức mới (khi thay đổi)",
        choices=[("", "—"), *[(v, label) for v, label in DisciplineForm.choices]],
        required=False,
    )
    number = forms.CharField(label="Số quyết định giải quyết", max_length=60, required=False)
    announced_on = VnDateField(
        label="Ngày công bố quyết định giải quyết",
        required=False,
        help_text="Thời hạn 12 tháng tính từ ngày này; để trống thì tạm tính từ ngày giải quyết.",
    )


# --- corrections of data-entry errors (discipline/corrections.py) ----------------------------


class CaseCorrectForm(CorrectionForm):
    opened_on = VnDateField(label="Ngày bắt đầu xem xét")


class ViolationCorrectForm(CorrectionForm):
    """A violation carries its case's version; its kind, category and dates as recorded."""

    description = forms.CharField(
        label="Nội dung vi phạm", widget=forms.Textarea(attrs={"rows": 3})
    )
    kind = ViolationForm.base_fields["kind"]
    category = ViolationForm.base_fields["category"]
    category_note = ViolationForm.base_fields["category_note"]
    started_on = ViolationForm.base_fields["started_on"]
    ended_on = ViolationForm.base_fields["ended_on"]
    continuing = ViolationForm.base_fields["continuing"]

    @classmethod
    def values_of(cls, violation) -> dict:
        names = [n for n in cls.base_fields if n not in ("version", "reason")]
        values = {n: getattr(violation, n) for n in names}
        return {**values, "reason": "", "version": violation.case.version}

    def service_args(self) -> dict:
        d = dict(self.cleaned_data)
        d["category_note"] = d.get("category_note") or ""
        return d


class PauseCorrectForm(CorrectionForm):
    """A pause carries its case's version."""

    starts_on = VnDateField(label="Từ ngày")
    ends_on = VnDateField(label="Đến ngày")
    pause_reason = forms.CharField(
        label="Lý do không tính vào thời hiệu",
        max_length=255,
        help_text="Ví dụ: chưa xem xét; đang bị điều tra, truy tố, xét xử.",
    )

    @classmethod
    def values_of(cls, pause) -> dict:
        return {
            "starts_on": pause.starts_on,
            "ends_on": pause.ends_on,
            "pause_reason": pause.reason,
            "reason": "",
            "version": pause.case.version,
        }


class PauseRemoveForm(CorrectionForm):
    """Only the reason: the page names the period."""


class VoteCorrectForm(CorrectionForm):
    """A vote carries its case's version; one count per form the vote offered."""

    voted_on = VnDateField(label="Ngày biểu quyết")
    denominator = forms.IntegerField(
        label="Tổng số thành viên tính tỷ lệ",
        required=False,
        min_value=1,
        help_text="Để trống: KTGS tính lại theo ngày biểu quyết.",
    )

    def __init__(self, *args, forms_allowed, **kwargs):
        self.forms_allowed = [f for f in reversed(DisciplineForm.values) if f in forms_allowed]
        super().__init__(*args, **kwargs)
        for form in self.forms_allowed:
            self.fields[f"n_{form}"] = forms.IntegerField(
                label=f"Số phiếu {DisciplineForm(form).label.lower()}", min_value=0, required=False
            )
            self.fields[f"n_{form}"].show_hidden_initial = True
        self.order_fields(["voted_on", "denominator", *(f"n_{f}" for f in self.forms_allowed)])

    @classmethod
    def values_of(cls, vote) -> dict:
        counts = {f"n_{f}": vote.counts.get(f) for f in DisciplineForm.values}
        return {
            "voted_on": vote.voted_on,
            "denominator": vote.denominator,
            **counts,
            "reason": "",
            "version": vote.case.version,
        }

    def service_args(self) -> dict:
        d = self.cleaned_data
        return {
            "voted_on": d["voted_on"],
            "denominator": d.get("denominator"),
            "counts": {n[2:]: v or 0 for n, v in d.items() if n.startswith("n_")},
            "reason": d["reason"],
            "version": d["version"],
        }


class DecisionCorrectForm(CorrectionForm):
    """The form is shown to say it stays: a different one is refused by the service (only an
    appeal changes it)."""

    form = forms.ChoiceField(
        label="Hình thức kỷ luật",
        choices=DisciplineForm.choices,
        help_text="Hình thức của quyết định đã ký chỉ thay đổi qua giải quyết khiếu nại.",
    )
    number = forms.CharField(label="Số quyết định", max_length=60, required=False)
    signed_on = VnDateField(label="Ngày ký (chi bộ: ngày biểu quyết)")
    announced_on = VnDateField(label="Ngày công bố", required=False)
    received_on = VnDateField(label="Ngày đối tượng nhận quyết định", required=False)

    def service_args(self) -> dict:
        d = dict(self.cleaned_data)
        d["number"] = d.get("number") or ""
        return d
