"""Walk the chain in order and name the first broken link; then the head, the append-only
triggers and the backups' heads.

The verdict fails when a link does not hold (content edited, a row removed, inserted or moved),
when an event after the switch to the audit key is not linked with a key (links recomputed with
SHA-256 by someone without the key), when the key changes without its switch event, when the
head kept outside the database is missing, wrongly signed or ahead of the chain, when the
append-only triggers are missing, or when a backup's last event is not in the chain at the same
position with the same hash.
"""

from dataclasses import dataclass

from django.db import connection

from ktgs.audit import head, keys, triggers
from ktgs.audit.chain import CHAINED_FIELDS, GENESIS, SHA256, link_hash, link_key_id
from ktgs.audit.models import AuditEvent

SWITCH_ACTIONS = {"audit.chain.keyed", "audit.chain.key_rotated"}


@dataclass
class Verdict:
    ok: bool
    rows: int
    message: str


@dataclass(frozen=True)
class Anchor:
    """An event a backup recorded as its chain's end: the chain must still hold it."""

    source: str
    seq: int
    hash: str


def verify(chunk_size: int = 2000, anchors: list[Anchor] = (), check_head: bool = True):
    rows, last, problem = _walk(chunk_size)
    problems = [problem] if problem else []
    if not problem:
        problems += _check_keyed_end(last)
        problems += _check_head(rows, last) if check_head else []
    problems += [f"Thiếu trigger chỉ-ghi-thêm {name}." for name in triggers.missing(connection)]
    if problems and problems[-1].startswith("Thiếu trigger"):
        problems.append("Chạy `ktgs migrate` để đặt lại trigger, rồi kiểm tra lại.")
    problems += _check_anchors(anchors, rows)
    if problems:
        return Verdict(False, rows, "\n".join(problems))
    behind = _head_behind(rows) if check_head else ""
    if behind:
        return Verdict(True, rows, f"Chuỗi hợp lệ: {rows} sự kiện. {behind}")
    return Verdict(True, rows, f"Chuỗi hợp lệ: {rows} sự kiện, khớp đầu chuỗi đã ghi.")


def _walk(chunk_size: int) -> tuple[int, dict | None, str]:
    """(rows checked, last row, first problem or '')."""
    prev, expected_seq, ring = None, 1, keys.keyring()
    fields = ("id", "prev_hash", "hash", "link", *CHAINED_FIELDS)
    rows = AuditEvent.objects.order_by("seq").values(*fields)
    for row in rows.iterator(chunk_size=chunk_size):
        problem = _check(row, expected_seq, prev, ring)
        if problem:
            return expected_seq - 1, prev, problem
        prev, expected_seq = row, expected_seq + 1
    return expected_seq - 1, prev, ""


def _check(row: dict, expected_seq: int, prev: dict | None, ring: dict) -> str:
    where = f"Sự kiện số {row['seq']} (id {row['id']}, {row['action']})"
    if row["seq"] != expected_seq:
        return f"Thiếu sự kiện số {expected_seq}: sau số {expected_seq - 1} là số {row['seq']}."
    if row["prev_hash"] != (prev["hash"] if prev else GENESIS):
        return f"{where}: không nối với sự kiện trước (bị xóa, chèn hoặc đổi thứ tự)."
    if problem := _check_link(row, prev["link"] if prev else SHA256, ring):
        return f"{where}: {problem}"
    key = ring.get(link_key_id(row["link"])) if row["link"] != SHA256 else None
    if link_hash(row["prev_hash"], row, key) != row["hash"]:
        return f"{where}: nội dung đã bị sửa sau khi ghi."
    return ""


def _check_link(row: dict, prev_link: str, ring: dict) -> str:
    link = row["link"]
    if link == SHA256:
        if prev_link != SHA256:
            return (
                "liên kết SHA-256 không khóa sau khi chuỗi đã dùng khóa nhật ký "
                "(chuỗi bị tính lại bởi người không có khóa)."
            )
        return ""
    if link_key_id(link) is None:
        return f"kiểu liên kết lạ {link!r}."
    if link != prev_link and row["action"] not in SWITCH_ACTIONS:
        return "đổi khóa nhật ký mà không có sự kiện chuyển khóa."
    if link_key_id(link) not in ring:
        return (
            f"không có khóa nhật ký {link_key_id(link)} để kiểm tra "
            "(đặt KTGS_AUDIT_KEY hoặc KTGS_AUDIT_KEYS_OLD)."
        )
    return ""


def _check_keyed_end(last: dict | None) -> list[str]:
    """With an audit key, the chain ends with keyed links (`ktgs migrate` writes the switch)."""
    if keys.current() and (last is None or last["link"] == SHA256):
        return [
            "Chuỗi không có sự kiện nào liên kết bằng khóa nhật ký: các sự kiện có khóa đã bị "
            "xóa, hoặc chưa chạy `ktgs migrate` sau khi đặt khóa."
        ]
    return []


def _check_head(rows: int, last: dict | None) -> list[str]:
    try:
        recorded = head.read()
    except (OSError, ValueError) as exc:
        return [f"Không đọc được đầu chuỗi ghi ngoài {head.head_path()}: {exc}."]
    if recorded is None:
        return [
            f"Không có đầu chuỗi ghi ngoài ({head.head_path()}): không biết chuỗi có bị cắt "
            "bớt các sự kiện mới nhất hay không. Đối chiếu với bản sao lưu "
            "(`ktgs audit verify --backup TỆP`)."
        ]
    problems = []
    if last is not None and last["link"] != SHA256 or "mac" in recorded:
        problems += [p for p in [head.signature_problem(recorded)] if p]
    last_hash = last["hash"] if last else GENESIS
    if recorded["seq"] > rows:
        problems.append(
            f"Chuỗi ngắn hơn đầu chuỗi đã ghi: còn {rows} sự kiện, đầu chuỗi ghi "
            f"{recorded['seq']} — các sự kiện mới nhất đã bị xóa."
        )
    elif recorded["seq"] == rows and recorded["hash"] != last_hash:
        problems.append("Sự kiện cuối không khớp đầu chuỗi đã ghi.")
    elif recorded["seq"] < rows and recorded["hash"] != _hash_at(recorded["seq"]):
        problems.append(f"Sự kiện số {recorded['seq']} không khớp đầu chuỗi đã ghi.")
    return problems


def _head_behind(rows: int) -> str:
    """A note when the head lags the chain: the last head write after a commit failed (data
    folder read-only or full), so the newest events are not yet covered by the head."""
    recorded = head.read()
    if recorded is None or recorded["seq"] >= rows:
        return ""
    failed = head.failure()
    why = f" (lỗi: {failed['error']})" if failed else ""
    return (
        f"Lưu ý: đầu chuỗi ghi ngoài {head.head_path()} chậm {rows - recorded['seq']} sự kiện "
        f"(ghi đến số {recorded['seq']}): KTGS không ghi được đầu chuỗi sau khi lưu{why} — "
        "thư mục dữ liệu chỉ đọc được hoặc đã đầy (xem nhật ký máy chủ, dòng "
        "“audit head not written”). Các thao tác vẫn được lưu. Sửa thư mục, đối chiếu với bản "
        "sao lưu mới nhất (`ktgs audit verify --backup TỆP`), rồi chạy `ktgs audit head --reset`."
    )


def _hash_at(seq: int) -> str | None:
    return AuditEvent.objects.filter(seq=seq).values_list("hash", flat=True).first()


def _check_anchors(anchors: list[Anchor], rows: int) -> list[str]:
    problems = []
    for anchor in anchors:
        found = _hash_at(anchor.seq)
        if anchor.seq > rows or found is None:
            problems.append(
                f"Chuỗi ngắn hơn bản sao lưu {anchor.source}: bản sao lưu có {anchor.seq} sự "
                f"kiện, chuỗi còn {rows}."
            )
        elif found != anchor.hash:
            problems.append(
                f"Sự kiện số {anchor.seq} khác với bản sao lưu {anchor.source}: chuỗi đã bị "
                "viết lại từ sau bản sao lưu đó."
            )
    return problems
