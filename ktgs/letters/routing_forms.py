"""Input shape of the routing page (one form, an outcome and its fields). The rules live in
`routing.py`: the form only reads input; a field that the chosen outcome does not use is
ignored."""

from django import forms
from django.utils import timezone

from ktgs.core.vietnamese import format_date
from ktgs.orgs.forms import VnDateField, VnForm
from ktgs.orgs.pickers import PickField, bind_pickers

OUTCOME_CHOICES = [
    ("not_considered", "Không xem xét, lưu đơn (theo lý do của quy định)"),
    ("information", "Đơn tố cáo nặc danh, mạo danh có nội dung cụ thể: lưu làm thông tin"),
    ("forward", "Không thuộc thẩm quyền: chuyển đơn đến cấp có thẩm quyền"),
    ("repeat", "Đơn lặp lại, không có nội dung mới: không thụ lý lại"),
    ("appeal", "Khiếu nại quyết định kỷ luật: chuyển giải quyết khiếu nại kỷ luật"),
]
INVALID = "Lựa chọn không có trong danh sách; chọn lại."


class RoutingForm(VnForm):
    outcome = forms.ChoiceField(
        label="Cách xử lý đơn", choices=OUTCOME_CHOICES, widget=forms.RadioSelect
    )
    on = VnDateField(label="Ngày phân loại, xử lý")
    ground = forms.ChoiceField(
        label="Lý do không xem xét",
        required=False,
        help_text="Chỉ các lý do của quy định áp dụng cho ngày nhận đơn.",
    )
    specific = forms.BooleanField(
        label="Đơn ghi rõ người, tổ chức bị tố cáo và nội dung tố cáo cụ thể",
        required=False,
        help_text="Khi lưu làm thông tin.",
    )
    to_body = PickField(
        "co-quan",
        label="Chuyển đến cơ quan",
        required=False,
        help_text="Khi chuyển đơn: ủy ban kiểm tra, cấp ủy hoặc ban thường vụ có thẩm quyền.",
    )
    to_text = forms.CharField(
        label="Chuyển đến (ghi bằng chữ)",
        required=False,
        max_length=300,
        help_text="Khi cơ quan có thẩm quyền không có trong danh sách của đồng chí.",
    )
    earlier = forms.ChoiceField(
        label="Lặp lại đơn",
        required=False,
        help_text="Khi đơn lặp lại: đơn đã nhận trước, cùng sổ. Đơn có dấu * là đơn KTGS đánh "
        "dấu có thể trùng, lặp lại.",
    )
    decision = forms.ChoiceField(
        label="Quyết định kỷ luật bị khiếu nại",
        required=False,
        help_text="Khi chuyển giải quyết khiếu nại: quyết định về đảng viên, tổ chức đảng ghi "
        "trong đơn.",
    )
    by_subject = forms.BooleanField(
        label="Người khiếu nại là chính đảng viên, tổ chức đảng bị kỷ luật",
        required=False,
        initial=True,
    )
    note = forms.CharField(
        label="Ghi chú xử lý đơn",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Không ghi thông tin người gửi vào đây.",
    )

    def __init__(self, *args, scope, grounds, earlier, linked, decisions, **kwargs):
        kwargs.setdefault("initial", {"on": timezone.localdate(), "by_subject": True})
        super().__init__(*args, **kwargs)
        bind_pickers(self, scope)
        self.fields["ground"].choices = [("", "— Chọn —"), *grounds]
        self.fields["earlier"].choices = [("", "— Chọn —")] + [
            (
                str(e.pk),
                f"{'* ' if e.pk in linked else ''}Đơn số {e.number}/{e.year}, nhận "
                f"{format_date(e.received_on)} — {e.get_status_display()}",
            )
            for e in earlier
        ]
        self.fields["decision"].choices = [("", "— Chọn —")] + [
            (
                str(d.pk),
                f"{d.get_form_display()} — {d.subject_name} ({d.body.name}, ký "
                f"{format_date(d.signed_on)}{', số ' + d.number if d.number else ''})",
            )
            for d in decisions
        ]
        for name in ("outcome", "ground", "earlier", "decision"):
            self.fields[name].error_messages["invalid_choice"] = INVALID
