"""Vocabularies shared by several apps (identifiers English, labels Vietnamese)."""

from django.db import models


class InspectionKind(models.TextChoices):
    """Kinds of inspection and supervision (kiểm tra, giám sát)."""

    COMPLIANCE = "compliance", "Kiểm tra chấp hành (theo chương trình)"
    SIGNS_OF_VIOLATION = "signs_of_violation", "Kiểm tra khi có dấu hiệu vi phạm"
    KTGS_DUTY = (
        "ktgs_duty",
        "Kiểm tra việc thực hiện nhiệm vụ kiểm tra, giám sát và thi hành kỷ luật",
    )
    FINANCE = "finance", "Kiểm tra tài chính đảng"
    ASSETS = "assets", "Kiểm soát kê khai tài sản, thu nhập"
    SUPERVISION_REGULAR = "supervision_regular", "Giám sát thường xuyên"
    SUPERVISION_THEMATIC = "supervision_thematic", "Giám sát chuyên đề"
