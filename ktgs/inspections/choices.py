from django.db import models

from ktgs.core.choices import InspectionKind

SUPERVISION_KINDS = frozenset(
    {InspectionKind.SUPERVISION_REGULAR, InspectionKind.SUPERVISION_THEMATIC}
)


class ConclusionResult(models.TextChoices):
    """What the conclusion says of one subject."""

    NO_SHORTCOMING = "no_shortcoming", "Không có khuyết điểm"
    SHORTCOMINGS = "shortcomings", "Có ưu điểm, có hạn chế, khuyết điểm"
    SIGNS_OF_VIOLATION = "signs_of_violation", "Có dấu hiệu vi phạm"
    VIOLATION = "violation", "Có vi phạm"
    VIOLATION_DISCIPLINE = "violation_discipline", "Có vi phạm đến mức phải xem xét kỷ luật"


# A supervision finds signs of violation; only an inspection finds (and weighs) a violation.
SUPERVISION_RESULTS = (
    ConclusionResult.NO_SHORTCOMING,
    ConclusionResult.SHORTCOMINGS,
    ConclusionResult.SIGNS_OF_VIOLATION,
)
INSPECTION_RESULTS = (
    ConclusionResult.NO_SHORTCOMING,
    ConclusionResult.SHORTCOMINGS,
    ConclusionResult.VIOLATION,
    ConclusionResult.VIOLATION_DISCIPLINE,
)
VIOLATION_RESULTS = (ConclusionResult.VIOLATION, ConclusionResult.VIOLATION_DISCIPLINE)


class Remedy(models.TextChoices):
    """Remedies short of discipline."""

    NONE = "", "Không"
    COMMENT = "comment", "Góp ý"
    CRITICISE = "criticise", "Phê bình"
    REMIND = "remind", "Nhắc nhở"


class TeamRole(models.TextChoices):
    LEADER = "leader", "Trưởng đoàn"
    DEPUTY = "deputy", "Phó trưởng đoàn"
    MEMBER = "member", "Thành viên"
    SECRETARY = "secretary", "Thư ký"


class FollowUpStatus(models.TextChoices):
    OPEN = "open", "Đang thực hiện"
    DONE = "done", "Đã thực hiện"
    CANCELLED = "cancelled", "Không còn phải thực hiện"


class ProposalStatus(models.TextChoices):
    OPEN = "open", "Chờ xem xét kỷ luật"
    TAKEN_UP = "taken_up", "Đã chuyển thành vụ việc kỷ luật"


class Origin(models.TextChoices):
    ENTERED = "entered", "Nhập trên KTGS"
    IMPORTED = "imported", "Nhập từ tệp (hồ sơ cũ)"
