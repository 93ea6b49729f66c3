from django.db import models


class CaseOrigin(models.TextChoices):
    INSPECTION = "inspection", "Từ kết luận kiểm tra, giám sát"
    LETTER = "letter", "Từ giải quyết đơn thư"
    OWN = "own", "Tổ chức đảng tự xem xét"
    TAKEOVER = "takeover", "Cấp trên xem xét lại (cấp dưới không xử lý hoặc xử lý nhẹ)"


class VoteRole(models.TextChoices):
    PROPOSE = "propose", "Đề nghị"
    DECIDE = "decide", "Quyết định"


class AppealOutcome(models.TextChoices):
    PENDING = "", "Đang giải quyết"
    UPHELD = "upheld", "Giữ nguyên"
    CHANGED = "changed", "Thay đổi hình thức kỷ luật"
    ANNULLED = "annulled", "Xóa bỏ quyết định kỷ luật"
    NOT_RESOLVED = "not_resolved", "Không thụ lý giải quyết"


class DecisionOrigin(models.TextChoices):
    ENTERED = "entered", "Nhập trên KTGS"
    IMPORTED = "imported", "Nhập từ tệp (hồ sơ cũ)"


class SuspensionSubject(models.TextChoices):
    """Whose suspension: the keys of the rule families discipline_suspension(_competence)."""

    MEMBER = "member", "Đảng viên (đình chỉ sinh hoạt đảng)"
    ORGANISATION = "organisation", "Tổ chức đảng (đình chỉ hoạt động)"
