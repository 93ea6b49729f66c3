"""What the audit pages write for an event: Vietnamese labels for action codes, record types,
fields and details, and the values as a reader expects them (dd/mm/yyyy, "—" for nothing).

Every code passed to `record("…")` in ktgs/ has a label here (a test checks it); an unknown code
is shown as itself rather than hidden.
"""

import json
import re

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist

from ktgs.core.vietnamese import format_int

ACTION_LABELS: dict[str, str] = {
    "accounts.role.assigned": "Giao vai trò cho người dùng",
    "accounts.role.ended": "Kết thúc vai trò của người dùng",
    "accounts.two_factor.enrolled": "Đăng ký xác thực hai lớp",
    "accounts.two_factor.issued": "Cấp lại xác thực hai lớp",
    "accounts.two_factor.removed": "Gỡ xác thực hai lớp",
    "accounts.user.clearance_changed": "Đổi mức được tiếp cận của người dùng",
    "accounts.user.created": "Tạo người dùng",
    "accounts.user.deactivated": "Khóa tài khoản người dùng",
    "accounts.user.member_linked": "Gắn tài khoản với hồ sơ đảng viên",
    "accounts.user.renamed": "Sửa họ tên người dùng",
    "audit.chain.keyed": "Chuyển nhật ký thao tác sang chuỗi có khóa",
    "audit.chain.key_rotated": "Đổi khóa chuỗi nhật ký thao tác",
    "audit.lookup.throttled": "Tạm dừng tra cứu theo mã (nhập quá nhiều mã không có)",
    "core.setting.changed": "Thay đổi thiết lập của đơn vị",
    "demo.loaded": "Nạp dữ liệu mẫu",
    "discipline.appeal.filed": "Nhận khiếu nại kỷ luật",
    "discipline.appeal.resolved": "Giải quyết khiếu nại kỷ luật",
    "discipline.case.corrected": "Sửa lỗi nhập liệu của vụ việc kỷ luật (vụ việc, vi phạm, biểu quyết)",
    "discipline.case.opened": "Mở vụ việc xem xét kỷ luật",
    "discipline.case.updated": "Ghi tự kiểm điểm, tình tiết của vụ việc kỷ luật",
    "discipline.decision.corrected": "Sửa lỗi nhập liệu của quyết định kỷ luật",
    "discipline.decision.made": "Quyết định kỷ luật",
    "discipline.decision.imported": "Nhập quyết định kỷ luật từ tệp (hồ sơ cũ)",
    "discipline.pause.added": "Ghi thời gian không tính thời hiệu kỷ luật",
    "discipline.struck_off": "Xóa tên đảng viên dự bị",
    "discipline.suspension.extended": "Gia hạn đình chỉ (sinh hoạt đảng, hoạt động tổ chức đảng)",
    "discipline.suspension.started": "Đình chỉ (sinh hoạt đảng, hoạt động tổ chức đảng)",
    "discipline.violation.added": "Ghi vi phạm của vụ việc kỷ luật",
    "discipline.vote.recorded": "Ghi kết quả biểu quyết kỷ luật",
    "documents.attachment.added": "Đính kèm tài liệu",
    "documents.issuer_symbol.set": "Ghi ký hiệu cơ quan ban hành",
    "documents.issuer_symbol.ended": "Thôi dùng ký hiệu cơ quan ban hành",
    "documents.template.uploaded": "Tải lên mẫu văn bản (Word)",
    "documents.attachment.voided": "Hủy tài liệu đính kèm",
    "exchange.import.done": "Nhập dữ liệu từ tệp",
    "inspections.follow_up.closed": "Đóng việc thực hiện kiến nghị",
    "inspections.inspection.corrected": "Sửa lỗi nhập liệu của cuộc kiểm tra, giám sát",
    "inspections.inspection.created": "Tạo cuộc kiểm tra, giám sát",
    "inspections.inspection.imported": "Nhập hồ sơ kiểm tra, giám sát từ tệp",
    "inspections.inspection.voided": "Hủy cuộc kiểm tra, giám sát",
    "inspections.plan.set": "Ghi kế hoạch các bước kiểm tra, giám sát",
    "inspections.step.recorded": "Ghi bước thực hiện kiểm tra, giám sát",
    "inspections.subject.concluded": "Kết luận đối với đối tượng kiểm tra, giám sát",
    "orgs.counters.fixed": "Tính lại bộ đếm số liệu của tổ chức (sửa chênh lệch)",
    "orgs.head.set": "Ghi người đứng đầu tổ chức",
    "orgs.member.created": "Thêm đảng viên",
    "orgs.member.managed_by_set": "Ghi diện cấp ủy quản lý",
    "orgs.member.membership_added": "Ghi quá trình sinh hoạt đảng",
    "orgs.member.membership_restored": "Khôi phục sinh hoạt đảng (sau giải quyết khiếu nại)",
    "orgs.member.membership_ended": "Kết thúc sinh hoạt đảng",
    "orgs.member.transferred": "Chuyển sinh hoạt đảng",
    "orgs.member.updated": "Sửa hồ sơ đảng viên",
    "orgs.member.voided": "Hủy hồ sơ đảng viên",
    "letters.key_rotated": "Mã hóa lại thông tin người gửi đơn thư bằng khóa mới",
    "letters.index_rebuilt": "Tính lại chỉ mục tìm đơn cùng người gửi bằng khóa mới",
    "letters.letter.identity_viewed": "Xem thông tin người gửi đơn thư",
    "letters.letter.registered": "Vào sổ đơn thư",
    "submissions.submitted": "Nộp báo cáo kỳ lên cấp trên",
    "submissions.request.created": "Yêu cầu báo cáo đột xuất",
    "submissions.reminded": "Nhắc đơn vị nộp báo cáo",
    "submissions.period.closed": "Chốt kỳ báo cáo",
    "submissions.period.reopened": "Mở lại kỳ báo cáo đã chốt",
    "submissions.key.created": "Tạo khóa ký gói báo cáo của đơn vị",
    "submissions.key.registered": "Đăng ký khóa ký gói báo cáo của đơn vị cấp dưới",
    "submissions.key.revoked": "Thu hồi khóa ký gói báo cáo đã đăng ký",
    "submissions.package.exported": "Xuất gói báo cáo gửi cấp trên ở hệ thống khác",
    "submissions.package.imported": "Nhập gói báo cáo của đơn vị ở hệ thống khác",
    "letters.letter.imported": "Nhập đơn thư cũ",
    "letters.letter.routed": "Phân loại, xử lý đơn thư",
    "letters.letter.accepted": "Thụ lý giải quyết đơn thư",
    "letters.letter.assigned": "Giao người xử lý đơn thư",
    "letters.letter.step_added": "Ghi bước giải quyết đơn thư",
    "letters.letter.extended": "Gia hạn giải quyết đơn thư",
    "letters.letter.concluded": "Kết luận nội dung đơn thư",
    "letters.letter.replied": "Trả lời người gửi đơn thư",
    "letters.letter.case_linked": "Liên kết đơn thư với cuộc kiểm tra, vụ việc",
    "letters.letter.case_opened": "Mở vụ việc kỷ luật từ đơn thư",
    "letters.letter.identity_erased": "Xóa danh tính người gửi đơn thư",
    "orgs.seat.added": "Ghi chức danh cấp ủy, ủy ban kiểm tra",
    "orgs.term.added": "Ghi nhiệm kỳ cấp ủy",
    "orgs.term.ended": "Kết thúc nhiệm kỳ cấp ủy",
    "orgs.unit.attribute_set": "Ghi thuộc tính của tổ chức đảng",
    "orgs.unit.attribute_ended": "Kết thúc thuộc tính của tổ chức đảng",
    "orgs.unit.closed": "Giải thể tổ chức đảng",
    "orgs.unit.created": "Thành lập tổ chức đảng",
    "orgs.unit.merged": "Sáp nhập tổ chức đảng",
    "orgs.unit.moved": "Chuyển cấp trên của tổ chức đảng",
    "orgs.unit.renamed": "Đổi tên tổ chức đảng",
    "orgs.unit.committee_short_name": "Ghi tên gọi tắt của cấp ủy",
    "orgs.unit.split": "Chia tách tổ chức đảng",
    "orgs.unit.updated": "Sửa tên tổ chức đảng",
    "programmes.item.added": "Thêm nội dung chương trình kiểm tra, giám sát",
    "programmes.item.removed": "Xóa nội dung chương trình kiểm tra, giám sát",
    "programmes.item.updated": "Sửa nội dung chương trình kiểm tra, giám sát",
    "programmes.programme.created": "Lập chương trình kiểm tra, giám sát",
    "programmes.programme.voided": "Hủy chương trình kiểm tra, giám sát",
    "reports.draft.created": "Soạn dự thảo báo cáo thuyết minh",
    "reports.draft.regenerated": "Viết lại đoạn báo cáo từ số liệu",
    "reports.draft.updated": "Sửa dự thảo báo cáo thuyết minh",
    "rules.calendar.corrected": "Điều chỉnh lịch ngày làm việc",
    "rules.row.overridden": "Điều chỉnh giá trị quy tắc (cấp đơn vị)",
}

TARGET_LABELS: dict[str, str] = {
    "accounts.user": "Người dùng",
    "letters.letter": "Đơn thư",
    "orgs.member": "Đảng viên",
    "orgs.orgunit": "Tổ chức đảng",
    "reports.reportdraft": "Dự thảo báo cáo",
    "submissions.submission": "Báo cáo đã nộp",
    "submissions.reportrequest": "Yêu cầu báo cáo",
    "submissions.periodclosure": "Chốt kỳ",
    "submissions.reminder": "Nhắc nộp báo cáo",
    "submissions.signingkey": "Khóa ký của đơn vị",
    "submissions.packageexport": "Gói báo cáo đã xuất",
    "submissions.registeredkey": "Khóa ký đã đăng ký",
}

DETAIL_LABELS: dict[str, str] = {
    "backup_codes": "số mã dự phòng",
    "basis": "căn cứ",
    "body": "cơ quan",
    "clearance": "mức được tiếp cận",
    "code": "mã",
    "commendation": "đề nghị khen thưởng",
    "concluded_on": "ngày kết luận",
    "counts": "số dòng theo sheet",
    "deadline": "hạn khiếu nại",
    "decided_on": "ngày quyết định",
    "decision": "quyết định",
    "denominator": "tổng số thành viên tính tỷ lệ",
    "dependents": "hồ sơ dựa trên hồ sơ này",
    "description": "nội dung",
    "device": "thiết bị",
    "devices": "số thiết bị",
    "discipline_proposal": "đề nghị xem xét kỷ luật",
    "done_on": "ngày thực hiện",
    "due_on": "hạn",
    "effective_on": "ngày có hiệu lực",
    "end_reason": "lý do kết thúc",
    "ends_on": "đến ngày",
    "extended_to": "gia hạn đến",
    "file": "tệp",
    "fingerprint": "dấu vân tay khóa ký",
    "filed_on": "ngày gửi",
    "follow_up": "kiến nghị",
    "good_practice": "nhân tố tích cực",
    "head": "đầu chuỗi nhật ký (số)",
    "history": "cảnh báo lịch sử nhật ký",
    "form": "hình thức",
    "in_use_since": "ngày bắt đầu dùng KTGS",
    "key": "thuộc tính",
    "kind": "loại",
    "limit": "giới hạn",
    "members": "đảng viên",
    "minutes": "trong số phút",
    "note": "ghi chú",
    "number": "số, ký hiệu",
    "on": "ngày",
    "origin": "nguồn",
    "outcome": "kết quả",
    "paragraphs": "các đoạn",
    "opened_on": "ngày bắt đầu xem xét",
    "parent": "cấp trên",
    "part": "phần được sửa",
    "position": "thứ tự",
    "previous": "đầu chuỗi của gói trước (số)",
    "proposed_form": "hình thức đạt tỷ lệ",
    "reason": "lý do",
    "reservations": "ý kiến bảo lưu",
    "recommendations": "số kiến nghị",
    "refused": "số mã bị từ chối",
    "remote_version": "lần nộp ở hệ thống của đơn vị",
    "replaces": "thay cho",
    "remedy": "xử lý ngoài kỷ luật",
    "resolved_on": "ngày giải quyết",
    "resolver": "cấp giải quyết",
    "result": "kết quả",
    "role": "vai trò",
    "shortcomings": "hạn chế, khuyết điểm, vi phạm",
    "sessions_ended": "số phiên đăng nhập đã kết thúc",
    "sha256": "mã băm SHA-256",
    "signed_on": "ngày ký",
    "size": "dung lượng (byte)",
    "skipped": "không thực hiện",
    "starts_on": "từ ngày",
    "status": "tình trạng",
    "step": "bước",
    "strengths": "ưu điểm",
    "subject": "đối tượng",
    "subject_note": "đối tượng (ghi chú)",
    "subjects": "đối tượng",
    "subject_unit": "tổ chức đảng của đối tượng",
    "symbol": "ký hiệu cơ quan ban hành",
    "team": "đoàn (tổ) kiểm tra, giám sát",
    "term": "nhiệm kỳ",
    "text": "nội dung",
    "title": "tiêu đề",
    "to": "chuyển đến",
    "topic": "nội dung",
    "unit": "tổ chức",
    "units": "tổ chức",
    "value": "giá trị",
    "voted_on": "ngày biểu quyết",
    "votes": "số phiếu",
    "warnings": "cảnh báo về quy định",
    "year": "năm",
}

_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
NOTHING = "—"


def action_label(code: str) -> str:
    return ACTION_LABELS.get(code, code)


def model_for(target_type: str):
    """The model class named by an event's target type, or None."""
    try:
        return apps.get_model(target_type) if "." in target_type else None
    except LookupError:
        return None


def target_type_label(target_type: str) -> str:
    if target_type in TARGET_LABELS:
        return TARGET_LABELS[target_type]
    model = model_for(target_type)
    return str(model._meta.verbose_name).capitalize() if model else target_type


def _field(target_type: str, name: str):
    """The target's own field `name` (not a reverse relation: `subjects` of an inspection is
    a detail, labelled from DETAIL_LABELS)."""
    model = model_for(target_type)
    try:
        field = model._meta.get_field(name) if model else None
    except FieldDoesNotExist:
        return None
    return None if field is not None and field.auto_created and not field.concrete else field


def field_label(target_type: str, name: str) -> str:
    """The target's field's name, else the detail label (a sub-record's field: a conclusion's
    text recorded on its inspection)."""
    field = _field(target_type, name)
    if field is None:
        return DETAIL_LABELS.get(name, name)
    return str(getattr(field, "verbose_name", name))


def shown(value, field=None) -> str:
    """A stored value as a reader expects it."""
    if value is None or value == "":
        return NOTHING
    if field is not None and field.choices and isinstance(value, str | int):
        value = dict(field.flatchoices).get(value, value)  # declared choices: a FK would query
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, int):
        return format_int(value)
    if isinstance(value, str):
        if match := _ISO_DATE.fullmatch(value):
            return f"{match[3]}/{match[2]}/{match[1]}"
        return value
    if isinstance(value, list) and all(isinstance(v, str | int) for v in value):
        return "; ".join(shown(v) for v in value) if value else NOTHING
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def changes(event, *, with_values: bool) -> list[dict]:
    """[{"label", "before", "after"}] of the event's changed fields; values only when allowed."""
    rows = []
    for name, pair in sorted((event.changes or {}).items()):
        field = _field(event.target_type, name)
        row = {"label": field_label(event.target_type, name)}
        if with_values and isinstance(pair, list) and len(pair) == 2:
            row["before"], row["after"] = shown(pair[0], field), shown(pair[1], field)
        rows.append(row)
    return rows


def details(event) -> list[tuple[str, str]]:
    return [(DETAIL_LABELS.get(k, k), shown(v)) for k, v in sorted((event.details or {}).items())]


def target_text(event) -> str:
    """The record acted on: its label when values may be shown, else its type and id."""
    if not event.target_type:
        return NOTHING
    if getattr(event, "target_hidden", False):
        return f"{target_type_label(event.target_type)} (mức mật cao hơn mức được tiếp cận)"
    if event.show_values and event.target_label:
        return event.target_label
    return f"{target_type_label(event.target_type)} #{event.target_id}"


def present(event) -> dict:
    """One event as the pages show it (after selectors.annotate())."""
    show = event.show_values
    return {
        "event": event,
        "action": action_label(event.action),
        "target": target_text(event),
        "unit": event.unit,
        "show_values": show,
        "changes": changes(event, with_values=show),
        "details": details(event) if show else [],
    }
