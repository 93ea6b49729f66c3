from django.db import models

# The kinds, grounds and verdicts are the rule pack's codes: one vocabulary for rules and records.
from ktgs.rules.choices import LetterGround, LetterKind, LetterVerdict  # noqa: F401


class Channel(models.TextChoices):
    IN_PERSON = "in_person", "Trực tiếp"
    POST = "post", "Qua bưu điện"
    FORWARDED = "forwarded", "Cơ quan, tổ chức khác chuyển đến"
    LETTER_BOX = "letter_box", "Hòm thư"
    EMAIL = "email", "Thư điện tử"
    PHONE = "phone", "Điện thoại"


class LetterStatus(models.TextChoices):
    """Where a letter stands. Routing (routing.py) moves a REGISTERED letter to one of the next
    five; handling (handling.py) moves an ACCEPTED letter to CONCLUDED."""

    REGISTERED = "registered", "Đã tiếp nhận, chưa phân loại"
    NOT_CONSIDERED = "not_considered", "Không xem xét, lưu đơn"
    INFORMATION = "information", "Lưu làm thông tin"
    FORWARDED = "forwarded", "Đã chuyển cấp có thẩm quyền"
    APPEAL = "appeal", "Chuyển giải quyết khiếu nại kỷ luật"
    REPEAT = "repeat", "Đơn lặp lại, không thụ lý lại"
    ACCEPTED = "accepted", "Đang giải quyết"
    CONCLUDED = "concluded", "Đã kết luận"


# States in which the letter's time limit runs (the due / overdue view).
PENDING = (LetterStatus.ACCEPTED,)
# States routing may leave a letter in (a routed letter is not routed again).
ROUTED = (
    LetterStatus.NOT_CONSIDERED,
    LetterStatus.INFORMATION,
    LetterStatus.FORWARDED,
    LetterStatus.APPEAL,
    LetterStatus.REPEAT,
    LetterStatus.ACCEPTED,
)


class LinkReason(models.TextChoices):
    SAME_FILER = "same_filer", "Cùng người gửi"
    SAME_ACCUSED = "same_accused", "Cùng người, tổ chức bị tố cáo/khiếu nại"
    SIMILAR_SUMMARY = "similar_summary", "Nội dung tương tự"


class StepKind(models.TextChoices):
    """A step of handling a letter, with its date (LetterStep)."""

    ASSIGNED = "assigned", "Giao cán bộ xử lý"
    DECIDED = "decided", "Quyết định giải quyết (thụ lý)"
    TEAM = "team", "Thành lập tổ, đoàn giải quyết"
    PLAN = "plan", "Kế hoạch giải quyết"
    FILER = "filer", "Làm việc với người tố cáo, khiếu nại"
    ACCUSED = "accused", "Làm việc với người, tổ chức bị tố cáo"
    VERIFY = "verify", "Xác minh, thu thập tài liệu"
    REPORT = "report", "Báo cáo kết quả giải quyết"
    EXTENDED = "extended", "Gia hạn giải quyết"
    CONCLUDED = "concluded", "Kết luận"
    REPLIED = "replied", "Trả lời, thông báo cho người gửi"
    OTHER = "other", "Việc khác"


class CaseRelation(models.TextChoices):
    """How a letter bears on an inspection or a discipline case (LetterCase)."""

    LED_TO = "led_to", "Dẫn đến"
    INFORMATION = "information", "Làm thông tin cho"
