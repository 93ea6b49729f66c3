"""Vocabularies shared by several apps (identifiers English, labels Vietnamese)."""

from django.db import models


class InspectionKind(models.TextChoices):
    """Kinds of inspection and supervision (kiểm tra, giám sát)."""

    COMPLIANCE = "compliance", "Kiểm tra chấp hành (theo chương trình)"
    SIGNS_OF_VIOLATION = "signs_of_violation", "Kiểm tra khi có dấu hiệu vi phạm"
    # Điều lệ Đảng Điều 32 khoản 2 names one task ("thực hiện nhiệm vụ kiểm tra, giám sát và thi
    # hành kỷ luật trong Đảng"); the sector's forms count its two halves apart (KT_THNVKT, KT_THKL)
    KTGS_DUTY = "ktgs_duty", "Kiểm tra việc thực hiện nhiệm vụ kiểm tra, giám sát"
    DISCIPLINE_ENFORCEMENT = (
        "discipline_enforcement",
        "Kiểm tra việc thi hành kỷ luật trong Đảng",
    )
    FINANCE = "finance", "Kiểm tra tài chính đảng"
    # a part of party finance the sector counts apart (form KTTC_DPHI; national reports)
    PARTY_FEES = "party_fees", "Kiểm tra thu, nộp đảng phí"
    ASSETS = "assets", "Kiểm soát kê khai tài sản, thu nhập"
    SUPERVISION_REGULAR = "supervision_regular", "Giám sát thường xuyên"
    SUPERVISION_THEMATIC = "supervision_thematic", "Giám sát chuyên đề"


class DisciplineForm(models.TextChoices):
    """Forms of Party discipline (hình thức kỷ luật), lightest first; giải tán for organisations."""

    REPRIMAND = "reprimand", "Khiển trách"
    WARNING = "warning", "Cảnh cáo"
    REMOVAL = "removal", "Cách chức"
    EXPULSION = "expulsion", "Khai trừ"
    DISSOLUTION = "dissolution", "Giải tán"


class DisciplineSubject(models.TextChoices):
    """What the sanction forms depend on: an organisation, a full or a probationary member."""

    ORGANISATION = "organisation", "Tổ chức đảng"
    FULL_MEMBER = "full", "Đảng viên chính thức"
    PROBATIONARY = "probationary", "Đảng viên dự bị"


class SubjectRelation(models.TextChoices):
    """The subject's relation to the deciding body (competence rows are keyed by it)."""

    OWN_MEMBER = "own_member", "Đảng viên thuộc tổ chức mình quản lý"
    SAME_LEVEL_COMMITTEE = "same_level_committee", "Cấp ủy viên cùng cấp"
    LOWER_LEVEL_COMMITTEE = "lower_level_committee", "Cấp ủy viên cấp dưới"
    HIGHER_MANAGED = "higher_managed", "Cán bộ thuộc diện cấp ủy cấp trên quản lý"
    ORG_DIRECTLY_UNDER = "org_directly_under", "Tổ chức đảng trực thuộc"
    ORG_UNDER_LOWER = "org_under_lower", "Tổ chức đảng trực thuộc cấp ủy cấp dưới"
    ORG_TWO_LEVELS_DOWN = "org_two_levels_down", "Tổ chức đảng cấp dưới hai cấp"
    # no row names these two: nobody decides on them from this body (a refusal names the row)
    ORG_FURTHER_DOWN = "org_further_down", "Tổ chức đảng cấp dưới từ ba cấp trở xuống"
    ORG_NOT_BELOW = "org_not_below", "Tổ chức đảng không phải cấp dưới"


class ViolationKind(models.TextChoices):
    CONDUCT = "conduct", "Vi phạm phẩm chất, đạo đức, lối sống, nhiệm vụ đảng viên"
    HIGHER_TASK = "higher_task", "Vi phạm trong thực hiện nhiệm vụ do cấp trên giao"
    OWN_TASK = "own_task", "Vi phạm trong thực hiện nhiệm vụ do tổ chức mình giao"


class ViolationCategory(models.TextChoices):
    """The group a violation falls in (nhóm vi phạm). Which groups carry no limitation period,
    for members and for organisations, is in the rule pack (discipline_limitation_scope)."""

    INTERNAL_POLITICS = "internal_politics", "Vi phạm về chính trị nội bộ"
    DEFENCE_SECURITY_FOREIGN = (
        "defence_security_foreign",
        "Vi phạm về quốc phòng, an ninh, đối ngoại có xâm hại đến lợi ích quốc gia",
    )
    ILLEGAL_DIPLOMAS = (
        "illegal_diplomas",
        "Sử dụng văn bằng, chứng chỉ, chứng nhận không hợp pháp",
    )
    POLITICAL_QUALITY = "political_quality", "Vi phạm về phẩm chất chính trị, đạo đức, lối sống"
    PROHIBITED_ACTS = (
        "prohibited_acts",
        "Vi phạm quy định về những điều đảng viên không được làm",
    )
    DEMOCRATIC_CENTRALISM = (
        "democratic_centralism",
        "Vi phạm nguyên tắc tập trung dân chủ, quy chế làm việc",
    )
    PARTY_ORGANISATION = "party_organisation", "Vi phạm về tổ chức, sinh hoạt đảng"
    FINANCE_ASSETS = "finance_assets", "Vi phạm trong công tác quản lý tài chính, tài sản"
    POPULATION_POLICY = "population_policy", "Vi phạm chính sách dân số và kế hoạch hóa gia đình"
    OTHER = "other", "Vi phạm khác"
