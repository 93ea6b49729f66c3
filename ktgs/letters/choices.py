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


# --- the statistical forms of QĐ 357-QĐ/UBKTTW (statistical-forms.md §2.3; counting357.py) ------


class FilerKind(models.TextChoices):
    """Who filed the letter, as a category (not an identity: a plain field, blank when the
    letter is anonymous). F21 XU_LY_DON_THU counts appeals by organisation / member and
    denunciations by member / citizen."""

    PARTY_MEMBER = "party_member", "Đảng viên"
    CITIZEN = "citizen", "Công dân"
    ORGANISATION = "organisation", "Tổ chức"


class AnonymousKind(models.TextChoices):
    """Which kind of letter without a known filer (the codes of the rule pack's grounds). The
    forms count «giấu tên» and «mạo tên» letters as «không phải giải quyết» (C7)."""

    HIDDEN_NAME = "hidden_name", "Giấu tên"
    FALSE_NAME = "false_name", "Mạo tên"
    ANONYMOUS = "anonymous", "Nặc danh"


class ContentCategory(models.TextChoices):
    """The content of a denunciation per content item: the member list V3 (11 values) and the
    organisation list V4 (7 values) of the QĐ 357 forms, verbatim (statistical-forms.md §2.3)."""

    M_DEMOCRATIC = (
        "dv_tap_trung_dan_chu",
        ("Chấp hành nguyên tắc tập trung dân chủ, quy chế làm việc, chế độ công tác"),
    )
    M_ETHICS = "dv_dao_duc_loi_song", "Giữ gìn phẩm chất đạo đức, lối sống"
    M_UNITY = "dv_doan_ket", "Giữ gìn đoàn kết nội bộ"
    M_FORBIDDEN = "dv_dieu_khong_duoc_lam", "Những điều đảng viên không được làm"
    M_POPULATION = "dv_dan_so", "Chính sách dân số - kế hoạch hóa gia đình"
    M_CORRUPTION = "dv_tham_nhung", "Tham nhũng, cố ý làm trái"
    M_NEGLIGENCE = "dv_thieu_trach_nhiem", "Thiếu trách nhiệm, buông lỏng lãnh đạo"
    M_LAND = "dv_dat_dai", "Đất đai, tài nguyên, khoáng sản"
    M_FINANCE = "dv_tai_chinh", "Tài chính, ngân hàng, đầu tư, xây dựng cơ bản"
    M_ASSETS = "dv_ke_khai_tai_san", "Kê khai tài sản, thu nhập"
    M_OTHER = "dv_khac", "Khác (đảng viên)"
    U_RESOLUTIONS = "tc_nghi_quyet", ("Chấp hành nghị quyết, chỉ thị, quy định, kết luận của Đảng")
    U_LAW = "tc_phap_luat", "Chấp hành chính sách, pháp luật của Nhà nước"
    U_RULES = (
        "tc_quy_che",
        ("Thực hiện quy chế làm việc, nguyên tắc tập trung dân chủ, đoàn kết nội bộ"),
    )
    U_CADRES = "tc_can_bo", "Công tác cán bộ"
    U_THRIFT = "tc_tiet_kiem", "Thực hành tiết kiệm, chống lãng phí"
    U_COMPLAINTS = "tc_khieu_nai_to_cao", "Giải quyết khiếu nại, tố cáo"
    U_OTHER = "tc_khac", "Khác (tổ chức đảng)"


MEMBER_CONTENTS = tuple(c for c in ContentCategory if c.value.startswith("dv_"))  # V3
UNIT_CONTENTS = tuple(c for c in ContentCategory if c.value.startswith("tc_"))  # V4
# The select of a content item: the two lists as option groups.
CONTENT_CHOICES = [
    ("Đảng viên (nội dung tố cáo đảng viên)", [(c.value, c.label) for c in MEMBER_CONTENTS]),
    ("Tổ chức đảng (nội dung tố cáo tổ chức đảng)", [(c.value, c.label) for c in UNIT_CONTENTS]),
]
