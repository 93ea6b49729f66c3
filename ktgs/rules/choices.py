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
