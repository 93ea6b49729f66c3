"""Walk the chain in order and name the first broken link."""

from dataclasses import dataclass

from ktgs.audit import head
from ktgs.audit.chain import CHAINED_FIELDS, GENESIS, link_hash
from ktgs.audit.models import AuditEvent


@dataclass
class Verdict:
    ok: bool
    rows: int
    message: str


def verify(chunk_size: int = 2000) -> Verdict:
    prev_hash, expected_seq = GENESIS, 1
    rows = AuditEvent.objects.order_by("seq").values("id", "prev_hash", "hash", *CHAINED_FIELDS)
    for row in rows.iterator(chunk_size=chunk_size):
        problem = _check(row, expected_seq, prev_hash)
        if problem:
            return Verdict(False, expected_seq - 1, problem)
        prev_hash, expected_seq = row["hash"], expected_seq + 1
    return _check_head(expected_seq - 1, prev_hash)


def _check(row: dict, expected_seq: int, prev_hash: str) -> str:
    where = f"Sự kiện số {row['seq']} (id {row['id']}, {row['action']})"
    if row["seq"] != expected_seq:
        return f"Thiếu sự kiện số {expected_seq}: sau số {expected_seq - 1} là số {row['seq']}."
    if row["prev_hash"] != prev_hash:
        return f"{where}: không nối với sự kiện trước (bị xóa, chèn hoặc đổi thứ tự)."
    if link_hash(prev_hash, row) != row["hash"]:
        return f"{where}: nội dung đã bị sửa sau khi ghi."
    return ""


def _check_head(last_seq: int, last_hash: str) -> Verdict:
    recorded = head.read()
    if recorded is None:
        return Verdict(
            True, last_seq, f"Chuỗi hợp lệ: {last_seq} sự kiện (chưa có đầu chuỗi ghi ngoài)."
        )
    if recorded["seq"] > last_seq:
        return Verdict(
            False,
            last_seq,
            f"Chuỗi ngắn hơn đầu chuỗi đã ghi: còn {last_seq} sự kiện, đầu chuỗi ghi "
            f"{recorded['seq']} — các sự kiện mới nhất đã bị xóa.",
        )
    if recorded["seq"] == last_seq and recorded["hash"] != last_hash:
        return Verdict(False, last_seq, "Sự kiện cuối không khớp đầu chuỗi đã ghi.")
    return Verdict(True, last_seq, f"Chuỗi hợp lệ: {last_seq} sự kiện, khớp đầu chuỗi đã ghi.")
