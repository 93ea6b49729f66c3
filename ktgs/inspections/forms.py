"""Input shapes of the inspection pages. The rules live in services; these only read input."""

from django import forms
from django.core.exceptions import ValidationError

from ktgs.core.choices import InspectionKind
from ktgs.core.forms import VersionedForm
from ktgs.core.models import SECRECY_INPUT_CHOICES, TOP_SECRET, TOP_SECRET_REFUSED
from ktgs.inspections.choices import FollowUpStatus, Remedy
from ktgs.inspections.services import Recommendation, SubjectInput, TeamInput
from ktgs.orgs.forms import VnDateField, VnForm, attach_errors
from ktgs.orgs.pickers import PickField, PickManyField, bind_pickers
from ktgs.orgs.picking import committee_members_of, grassroots_of
from ktgs.orgs.selectors import RECORDS_CHANGE

__all__ = ["attach_errors"]


class InspectionForm(VnForm):
    body = PickField(
        "co-quan-tien-hanh",
        own=True,
        label="Chủ thể (cơ quan tiến hành)",
        help_text="Chọn cơ quan của đồng chí, hoặc gõ tên cơ quan khác (không dấu cũng được).",
    )
    kind = forms.ChoiceField(label="Loại", choices=[("", "— Chọn loại —"), *InspectionKind.choices])
    decision_number = forms.CharField(
        label="Số quyết định",
        max_length=60,
        required=False,
        help_text="Ví dụ 12-QĐ/UBKTĐUK. Giám sát thường xuyên không có quyết định: để trống.",
    )
    decided_on = VnDateField(
        label="Ngày quyết định",
        help_text="Ngày ký quyết định (giám sát thường xuyên: ngày của kế hoạch); quy định áp dụng là quy định có hiệu lực ngày này.",
    )
    topic = forms.CharField(label="Nội dung", widget=forms.Textarea(attrs={"rows": 3}))
    legal_basis = forms.CharField(
        label="Căn cứ", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    unit_subjects = PickManyField(
        "don-vi-ghi",
        label="Tổ chức đảng là đối tượng",
        required=False,
        help_text="Gõ một phần tên (không dấu cũng được) rồi chọn trong gợi ý; thêm lần lượt "
        "từng tổ chức. Không có JavaScript: gõ tên hoặc mã, cách nhau bằng dấu chấm phẩy.",
    )
    all_grassroots_of = PickField(
        "don-vi-ghi",
        label="Tất cả tổ chức cơ sở đảng của",
        required=False,
        help_text="Thêm mọi tổ chức cơ sở đảng trực thuộc tổ chức này (đang hoạt động).",
    )
    member_codes = PickManyField(
        "dang-vien",
        label="Đảng viên là đối tượng",
        required=False,
        help_text="Gõ họ tên (không dấu cũng được) hoặc mã đảng viên rồi chọn; gợi ý nêu năm "
        "sinh và chi bộ.",
    )
    all_committee_of = PickField(
        "don-vi-ghi",
        label="Tất cả cấp ủy viên của",
        required=False,
        help_text="Thêm mọi cấp ủy viên của tổ chức này đương nhiệm vào ngày quyết định.",
    )
    plan_ends_on = VnDateField(
        label="Kết thúc theo kế hoạch",
        required=False,
        help_text="Hạn thông báo kết luận khi quy định không nêu thời hạn.",
    )
    team_leader = forms.CharField(label="Trưởng đoàn (tổ trưởng)", max_length=255, required=False)
    team_members = forms.CharField(
        label="Thành viên đoàn",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Mỗi dòng một người: họ và tên, chức vụ (cách nhau bằng dấu phẩy).",
    )
    secrecy = forms.ChoiceField(label="Độ mật", choices=SECRECY_INPUT_CHOICES, initial="normal")

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope = scope
        bind_pickers(self, scope)
        allowed = set(scope.secrecy_levels) | {TOP_SECRET}
        field = self.fields["secrecy"]
        field.choices = [(v, label) for v, label in field.choices if v in allowed]
        field.error_messages["invalid_choice"] = (
            "Đồng chí chỉ được đặt độ mật đến mức mình được tiếp cận."
        )

    def clean(self):
        d = super().clean()
        day = d.get("decided_on")
        whole = d.get("all_committee_of")
        if whole is not None and day is not None:
            seated = committee_members_of(self.scope, whole, day)
            if not seated:
                self.add_error(
                    "all_committee_of",
                    f"«{whole.name}» không có cấp ủy viên nào đương nhiệm vào ngày quyết định "
                    "(trong phạm vi đồng chí được xem); kiểm tra lại tổ chức hoặc ngày.",
                )
            d["committee_members"] = seated
        grassroots = d.get("all_grassroots_of")
        if grassroots is not None:
            units = grassroots_of(self.scope, grassroots, action=RECORDS_CHANGE)
            if not units:
                self.add_error(
                    "all_grassroots_of",
                    f"«{grassroots.name}» không có tổ chức cơ sở đảng nào đang hoạt động mà "
                    "đồng chí được ghi hồ sơ.",
                )
            d["grassroots_units"] = units
        return d

    def clean_secrecy(self):
        if self.cleaned_data["secrecy"] == TOP_SECRET:
            raise ValidationError(TOP_SECRET_REFUSED)
        return self.cleaned_data["secrecy"]

    def service_args(self) -> dict:
        d = self.cleaned_data
        units = [*(d.get("unit_subjects") or []), *d.get("grassroots_units", [])]
        members = [*(d.get("member_codes") or []), *d.get("committee_members", [])]
        team = []
        if d.get("team_leader"):
            team.append(TeamInput(name=d["team_leader"], role="leader"))
        for line in (d.get("team_members") or "").splitlines():
            name, _, position = line.partition(",")
            if name.strip():
                team.append(TeamInput(name=name.strip(), position=position.strip()))
        return {
            "body": d["body"],
            "kind": d["kind"],
            "decision_number": d.get("decision_number") or "",
            "decided_on": d["decided_on"],
            "topic": d["topic"],
            "legal_basis": d.get("legal_basis") or "",
            "plan_ends_on": d.get("plan_ends_on"),
            "secrecy": d["secrecy"],
            "team": team,
            "subjects": [SubjectInput(unit=u) for u in _once(units)]
            + [SubjectInput(member=m) for m in _once(members)],
        }


def _once(rows: list) -> list:
    """Each record once, in the order first given."""
    return list(dict.fromkeys(rows))


ALIASES = {"subjects": "member_codes", "planned": "plan_ends_on", "__all__": None}


class StepForm(VnForm):
    done_on = VnDateField(label="Ngày thực hiện", required=False)
    skipped = forms.BooleanField(label="Không thực hiện (bước không bắt buộc)", required=False)
    note = forms.CharField(
        label="Ghi chú", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ConclusionFields(forms.Form):
    """What a conclusion says of a subject: entered by `ConclusionForm`, corrected by
    `ConclusionCorrectForm` (the same fields, labels and widgets)."""

    result = forms.ChoiceField(label="Kết quả")
    concluded_on = VnDateField(label="Ngày kết luận")
    strengths = forms.CharField(
        label="Ưu điểm", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    shortcomings = forms.CharField(
        label="Hạn chế, khuyết điểm, vi phạm",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    good_practice = forms.CharField(
        label="Nhân tố tích cực cần nhân rộng",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    commendation = forms.CharField(
        label="Đề nghị khen thưởng", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    remedy = forms.ChoiceField(label="Xử lý ngoài kỷ luật", choices=Remedy.choices, required=False)


class ConclusionForm(ConclusionFields, VnForm):
    recommendations = forms.CharField(
        label="Kiến nghị",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Mỗi dòng một kiến nghị; mỗi kiến nghị thành một việc phải theo dõi thực hiện.",
    )
    follow_up_due_on = VnDateField(label="Hạn thực hiện kiến nghị", required=False)
    reservations = forms.CharField(
        label="Ý kiến bảo lưu của đối tượng",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, results, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["result"].choices = [("", "— Chọn kết quả —"), *results]
        self.fields["result"].error_messages["required"] = "Chưa chọn kết quả."

    def clean(self):
        d = super().clean()
        lines = [ln.strip() for ln in (d.get("recommendations") or "").splitlines() if ln.strip()]
        if lines and not d.get("follow_up_due_on"):
            self.add_error("follow_up_due_on", "Có kiến nghị thì cần ghi hạn thực hiện.")
        d["recommendation_lines"] = lines
        return d

    def service_args(self) -> dict:
        d = self.cleaned_data
        return {
            "result": d["result"],
            "concluded_on": d["concluded_on"],
            "strengths": d.get("strengths") or "",
            "shortcomings": d.get("shortcomings") or "",
            "good_practice": d.get("good_practice") or "",
            "commendation": d.get("commendation") or "",
            "remedy": d.get("remedy") or "",
            "reservations": d.get("reservations") or "",
            "recommendations": [
                Recommendation(text, d["follow_up_due_on"]) for text in d["recommendation_lines"]
            ],
        }


class SignsForm(VnForm):
    decision_number = forms.CharField(label="Số quyết định kiểm tra", max_length=60)
    decided_on = VnDateField(label="Ngày quyết định")
    topic = forms.CharField(
        label="Nội dung", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    plan_ends_on = VnDateField(label="Kết thúc theo kế hoạch", required=False)


class FollowUpCloseForm(VnForm):
    status = forms.ChoiceField(
        label="Kết quả",
        choices=[
            (FollowUpStatus.DONE, FollowUpStatus.DONE.label),
            (FollowUpStatus.CANCELLED, FollowUpStatus.CANCELLED.label),
        ],
        widget=forms.RadioSelect,
        initial=FollowUpStatus.DONE,
    )
    done_on = VnDateField(label="Ngày")
    note = forms.CharField(
        label="Ghi chú", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class VoidForm(VnForm):
    reason = forms.CharField(label="Lý do hủy", widget=forms.Textarea(attrs={"rows": 2}))


class PlanForm(VersionedForm, VnForm):
    """One date per open step whose due date no source gives (fields "step_<id>"); carries the
    inspection's version: a plan saved after another user's is refused."""

    def __init__(self, *args, steps, **kwargs):
        super().__init__(*args, **kwargs)
        for step in steps:
            self.fields[f"step_{step.pk}"] = VnDateField(
                label=f"{step.position}. {step.get_step_display()}",
                required=False,
                initial=step.due_on,
                show_hidden_initial=True,  # the date seen, as VersionedForm does for its fields
            )

    def values_of(self, inspection) -> dict:
        due = dict(inspection.steps.values_list("pk", "due_on"))
        names = self.edited_fields()
        return {**{n: due.get(int(n[5:])) for n in names}, "version": inspection.version}

    def planned(self) -> dict[int, object]:
        return {int(n[5:]): self.cleaned_data.get(n) for n in self.edited_fields()}


# --- corrections of data-entry errors (inspections/corrections.py) ---------------------------

REASON_HELP = "Vì sao sửa (ví dụ «nhập nhầm ngày»); lưu trong «Lịch sử sửa» của hồ sơ."


class CorrectionForm(VersionedForm, VnForm):
    """An edit form of a saved record that also asks why (`reason`, required): opened with the
    record's values and version (`values_of`), the reason empty."""

    reason = forms.CharField(
        label="Lý do sửa", widget=forms.Textarea(attrs={"rows": 2}), help_text=REASON_HELP
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields([n for n in self.fields if n != "reason"])  # the reason last

    @classmethod
    def values_of(cls, record) -> dict:
        names = [n for n in cls.base_fields if n not in ("version", "reason")]
        values = {n: getattr(record, n) for n in names}
        return {**values, "reason": "", "version": record.version}

    def service_args(self) -> dict:
        return dict(self.cleaned_data)


class HeaderCorrectForm(CorrectionForm):
    body = PickField(
        "co-quan-tien-hanh",
        own=True,
        label="Chủ thể (cơ quan tiến hành)",
        help_text="Đổi chủ thể chỉ khi quy định có hiệu lực ngày quyết định cho phép cơ quan đó "
        "tiến hành với các đối tượng này.",
    )
    decision_number = forms.CharField(label="Số quyết định", max_length=60, required=False)
    decided_on = VnDateField(label="Ngày quyết định")
    topic = forms.CharField(label="Nội dung", widget=forms.Textarea(attrs={"rows": 3}))
    legal_basis = forms.CharField(
        label="Căn cứ", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    plan_ends_on = VnDateField(label="Kết thúc theo kế hoạch", required=False)

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        bind_pickers(self, scope)

    def service_args(self) -> dict:
        d = dict(self.cleaned_data)
        d["decision_number"] = d.get("decision_number") or ""
        d["legal_basis"] = d.get("legal_basis") or ""
        return d


class StepCorrectForm(CorrectionForm):
    """A step carries its inspection's version."""

    done_on = VnDateField(label="Ngày thực hiện")
    note = forms.CharField(
        label="Ghi chú", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    @classmethod
    def values_of(cls, step) -> dict:
        return {
            "done_on": step.done_on,
            "note": step.note,
            "reason": "",
            "version": step.inspection.version,
        }

    def service_args(self) -> dict:
        d = dict(self.cleaned_data)
        d["note"] = d.get("note") or ""
        return d


class TeamCorrectForm(CorrectionForm):
    team_leader = forms.CharField(label="Trưởng đoàn (tổ trưởng)", max_length=255, required=False)
    team_members = forms.CharField(
        label="Thành viên đoàn",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Mỗi dòng một người: họ và tên, chức vụ (cách nhau bằng dấu phẩy).",
    )

    @classmethod
    def values_of(cls, inspection) -> dict:
        team = list(inspection.team.all())
        leader = next((t for t in team if t.role == "leader"), None)
        lines = [
            f"{t.name}, {t.position}" if t.position else t.name for t in team if t is not leader
        ]
        return {
            "team_leader": leader.name if leader else "",
            "team_members": "\n".join(lines),
            "reason": "",
            "version": inspection.version,
        }

    def service_args(self) -> dict:
        d = self.cleaned_data
        team = []
        if d.get("team_leader"):
            team.append(TeamInput(name=d["team_leader"], role="leader"))
        for line in (d.get("team_members") or "").splitlines():
            name, _, position = line.partition(",")
            if name.strip():
                team.append(TeamInput(name=name.strip(), position=position.strip()))
        return {"team": team, "reason": d["reason"], "version": d["version"]}


class ConclusionCorrectForm(ConclusionFields, CorrectionForm):
    reservations = forms.CharField(
        label="Ý kiến bảo lưu của đối tượng",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, results, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["result"].choices = [("", "— Chọn kết quả —"), *results]

    @classmethod
    def values_of(cls, subject) -> dict:
        names = [n for n in cls.base_fields if n not in ("version", "reason")]
        values = {n: getattr(subject, n) for n in names}
        return {**values, "reason": "", "version": subject.inspection.version}

    def service_args(self) -> dict:
        d = dict(self.cleaned_data)
        for name in ("strengths", "shortcomings", "good_practice", "commendation", "reservations"):
            d[name] = d.get(name) or ""
        d["remedy"] = d.get("remedy") or ""
        return d


class SubjectRemoveForm(CorrectionForm):
    """Only the reason: the subject is named by the page."""

    def service_args(self) -> dict:
        return {"reason": self.cleaned_data["reason"], "version": self.cleaned_data["version"]}


class FollowUpCorrectForm(CorrectionForm):
    text = forms.CharField(label="Kiến nghị", widget=forms.Textarea(attrs={"rows": 3}))
    due_on = VnDateField(label="Hạn thực hiện")
    status = forms.ChoiceField(label="Tình trạng", choices=FollowUpStatus.choices)
    done_on = VnDateField(
        label="Ngày hoàn thành",
        required=False,
        help_text="Để trống khi kiến nghị đang thực hiện.",
    )
    note = forms.CharField(
        label="Ghi chú", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    @classmethod
    def values_of(cls, follow_up) -> dict:
        names = [n for n in cls.base_fields if n not in ("version", "reason")]
        values = {n: getattr(follow_up, n) for n in names}
        return {**values, "reason": "", "version": follow_up.inspection.version}

    def service_args(self) -> dict:
        d = dict(self.cleaned_data)
        d["note"] = d.get("note") or ""
        return d
