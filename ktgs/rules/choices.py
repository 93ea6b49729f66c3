from django.db import models


class RuleStatus(models.TextChoices):
    CONFIRMED = "confirmed", "Đã xác nhận"
    TO_CHECK = "to_check", "Cần kiểm tra lại"


class RuleOrigin(models.TextChoices):
    PACK = "pack", "Bộ quy tắc (tệp dữ liệu)"
    OFFICE = "office", "Đơn vị điều chỉnh"


class DayChange(models.TextChoices):
    DAY_OFF = "day_off", "Thêm ngày nghỉ"
    WORKING_DAY = "working_day", "Thêm ngày làm việc"


class Step(models.TextChoices):
    """Steps of an inspection or supervision procedure (the rule pack orders them per kind)."""

    PLAN = "plan", "Xây dựng kế hoạch giám sát"
    DECISION = "decision", "Quyết định và kế hoạch"
    ANNOUNCEMENT = "announcement", "Công bố quyết định"
    SUBJECT_REPORT = "subject_report", "Đối tượng báo cáo, giải trình"
    OBSERVATION = "observation", "Theo dõi, nắm tình hình"
    VERIFICATION = "verification", "Thẩm tra, xác minh"
    SELF_CRITICISM = "self_criticism", "Đối tượng kiểm điểm"
    DRAFT_REPORT = "draft_report", "Dự thảo báo cáo kết quả"
    MEETING = "meeting", "Hội nghị xem xét, kết luận"
    CONCLUSION_NOTICE = "conclusion_notice", "Thông báo kết luận, kết quả"


class LetterKind(models.TextChoices):
    """The kind of a letter (đơn thư); the rule pack keys its letters rows by it."""

    DENUNCIATION = "denunciation", "Tố cáo"
    COMPLAINT = "complaint", "Khiếu nại"
    PETITION = "petition", "Kiến nghị, phản ánh"


class LetterFiler(models.TextChoices):
    """Who may file a letter of a kind (family letters_filers)."""

    CITIZEN = "citizen", "Công dân"
    PARTY_MEMBER = "party_member", "Đảng viên"
    DISCIPLINED_MEMBER = "disciplined_member", "Đảng viên bị kỷ luật"
    DISCIPLINED_ORGANISATION = "disciplined_organisation", "Tổ chức đảng bị kỷ luật"


class LetterGround(models.TextChoices):
    """A ground on which a letter is not considered (family letters_not_considered)."""

    ANONYMOUS = "anonymous", "Đơn nặc danh"
    HIDDEN_NAME = "hidden_name", "Đơn giấu tên"
    FALSE_NAME = "false_name", "Đơn mạo tên"
    NO_ADDRESS = "no_address", "Không ghi rõ địa chỉ"
    UNCLEAR_CONTENT = "unclear_content", "Không rõ nội dung, nội dung không cụ thể"
    ALREADY_CONCLUDED = (
        "already_concluded",
        "Đã được cấp có thẩm quyền xem xét, kết luận, không có tài liệu, chứng cứ mới",
    )
    NON_CONSIDERATION_NOTIFIED = (
        "non_consideration_notified",
        "Đã có thông báo không xem xét, giải quyết",
    )
    COLLECTIVE = "collective", "Đơn có nhiều người ký tên"
    NO_CAPACITY = "no_capacity", "Người gửi không có năng lực hành vi dân sự"
    LATE = "late", "Khiếu nại quá thời hạn"
    BEING_RESOLVED_ABOVE = "being_resolved_above", "Đang được cấp trên giải quyết"
    CONCLUDED_FINAL = "concluded_final", "Đã được cấp cao nhất xem xét, kết luận"
    SENTENCED = "sentenced", "Bị tòa án tuyên từ cải tạo không giam giữ trở lên"
    ON_BEHALF = "on_behalf", "Khiếu nại hộ"
    NO_DECISION = "no_decision", "Chưa nhận được quyết định kỷ luật"
    REFUSED_DECISION = "refused_decision", "Từ chối nhận quyết định kỷ luật"
    TRANSFERRED = "transferred", "Đã chuyển sinh hoạt đảng trước khi khiếu nại"


class LetterVerdict(models.TextChoices):
    """The verdict on a content item of a denunciation (QĐ 21-QĐ/TW: the first four; the older
    regimes: true / false per item) and the figure for a whole letter (true, partly true, false),
    derived from its items (rules.letters.letter_verdict)."""

    FALSE = "false", "Tố cáo sai"
    UNFOUNDED = "unfounded", "Tố cáo không có cơ sở, không đủ căn cứ kết luận"
    TRUE_SHORTCOMING = "true_shortcoming", "Tố cáo đúng, có khuyết điểm"
    TRUE_VIOLATION = "true_violation", "Tố cáo đúng, có vi phạm"
    TRUE = "true", "Tố cáo đúng"
    PARTLY_TRUE = "partly_true", "Tố cáo đúng một phần"
