from django.db import models


class Level(models.TextChoices):
    CENTRAL = "central", "Trung ương"
    PROVINCE = "province", "Tỉnh"
    SUPERIOR = "superior", "Cấp trên cơ sở"
    BASE = "base", "Cơ sở"
    BELOW_BASE = "below_base", "Dưới cơ sở"


class BodyKind(models.TextChoices):
    COMMITTEE = "committee", "Cấp ủy"
    STANDING = "standing", "Ban thường vụ"
    INSPECTION = "inspection", "Ủy ban kiểm tra"
    CELL_MEETING = "cell_meeting", "Chi bộ (hội nghị chi bộ)"
    ADVISORY = "advisory", "Cơ quan tham mưu"


class SeatRole(models.TextChoices):
    SECRETARY = "secretary", "Bí thư"
    DEPUTY_SECRETARY = "deputy_secretary", "Phó Bí thư"
    STANDING_MEMBER = "standing_member", "Ủy viên Ban Thường vụ"
    COMMITTEE_MEMBER = "committee_member", "Cấp ủy viên"
    INSPECTION_CHAIR = "inspection_chair", "Chủ nhiệm UBKT"
    INSPECTION_DEPUTY = "inspection_deputy", "Phó Chủ nhiệm UBKT"
    INSPECTION_MEMBER = "inspection_member", "Ủy viên UBKT"


# Which seat roles exist on which body kind.
SEAT_ROLES_BY_BODY = {
    BodyKind.COMMITTEE: {
        SeatRole.SECRETARY,
        SeatRole.DEPUTY_SECRETARY,
        SeatRole.COMMITTEE_MEMBER,
    },
    BodyKind.STANDING: {
        SeatRole.SECRETARY,
        SeatRole.DEPUTY_SECRETARY,
        SeatRole.STANDING_MEMBER,
    },
    BodyKind.INSPECTION: {
        SeatRole.INSPECTION_CHAIR,
        SeatRole.INSPECTION_DEPUTY,
        SeatRole.INSPECTION_MEMBER,
    },
}


class Sex(models.TextChoices):
    MALE = "M", "Nam"
    FEMALE = "F", "Nữ"


class MembershipEnd(models.TextChoices):
    TRANSFERRED = "transferred", "Chuyển sinh hoạt (trong hệ thống)"
    TRANSFERRED_OUT = "transferred_out", "Chuyển đi"
    EXPELLED = "expelled", "Khai trừ"
    STRUCK_OFF = "struck_off", "Xóa tên"
    RESIGNED = "resigned", "Xin ra khỏi Đảng"
    DECEASED = "deceased", "Từ trần"
    REORGANISED = "reorganised", "Sáp nhập, chia tách tổ chức"


class MemberStatus(models.TextChoices):
    FULL = "full", "Chính thức"
    PROBATIONARY = "probationary", "Dự bị"


class UnitAttributeKey(models.TextChoices):
    MAY_ADMIT_MEMBERS = "may_admit_members", "Được ủy quyền kết nạp đảng viên"
    # its level is dated in the rule pack (family "unit_level", key "commune")
    COMMUNE = "commune", "Đảng bộ xã, phường, đặc khu trực thuộc tỉnh ủy"
    # a cell's facts for thematic supervision (HD 08-HD/TW): chi ủy, dispersed members, tổ đảng
    HAS_CELL_COMMITTEE = "has_cell_committee", "Chi bộ có chi ủy"
    DISPERSED_MEMBERS = "dispersed_members", "Đảng viên làm việc phân tán"
    PARTY_GROUPS = "party_groups", "Số tổ đảng"
    # the name the reports give the unit's committee ("Đảng ủy Khối", "Tỉnh ủy"): text; the
    # short names of its bodies derive from it (orgs.shortnames, docs/reports.md)
    COMMITTEE_SHORT_NAME = "committee_short_name", "Tên gọi tắt của cấp ủy"
