"""The canary of issue 16: a filer whose every field (name, address, phone, citizen ID) carries
a string made for this test run, and the search for it in what a response, a file or a log
holds. The access matrix (`ktgs/accounts/tests/test_access_matrix.py`) plants it in every letter
of its world and searches every response it gets; `test_canary_crawl.py` searches the rest
(the letters registered and imported, the exports, the database, its files and backup)."""

import io
import random
import zipfile
from pathlib import Path

from ktgs.exchange.tests.helpers import headers, workbook
from ktgs.letters.exchange import LETTERS

_rng = random.SystemRandom()
TOKEN = "".join(_rng.choice("BCDFGHJKLMNPQRSTVWXZ") for _ in range(16))
CANARY = {
    "name": f"Kim {TOKEN}TEN",
    "address": f"Ngõ {TOKEN}DIACHI",
    "phone": "09" + "".join(_rng.choice("0123456789") for _ in range(8)),
    "citizen_id": "0" + "".join(_rng.choice("0123456789") for _ in range(11)),
}
# What must not appear: the token (name, address) and the phone and ID digits.
NEEDLES = (TOKEN, CANARY["phone"], CANARY["citizen_id"])


def found_in(data: bytes) -> list[str]:
    """The needles in `data`, also inside a zip archive (DOCX, XLSX, a CSV export) and in
    UTF-16 (a CSV for Excel)."""
    texts = [data]
    if data[:2] == b"PK":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                texts += [archive.read(n) for n in archive.namelist()]
        except zipfile.BadZipFile:
            pass
    hits = []
    for needle in NEEDLES:
        for form in (needle.encode(), needle.encode("utf-16-le")):
            if any(form in t for t in texts):
                hits.append(needle)
                break
    return hits


def body_of(response) -> bytes:
    """A response's body (a streamed one read to its end) and its headers."""
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    return content + str(dict(response.headers)).encode()


def letter_file(tmp_path: Path, unit_code: str, number: int) -> Path:
    """An interchange workbook of one letter received by `unit_code`'s UBKT, from the canary."""
    row = {h: "" for h in headers(LETTERS.name)}
    row.update(
        {
            "Mã tổ chức": unit_code,
            "Cơ quan tiếp nhận": "Ủy ban kiểm tra",
            "Số đơn": number,
            "Ngày nhận": "15/04/2026",
            "Hình thức tiếp nhận": "Trực tiếp",
            "Loại đơn": "Tố cáo",
            "Họ tên người gửi": CANARY["name"],
            "Địa chỉ người gửi": CANARY["address"],
            "Điện thoại người gửi": CANARY["phone"],
            "Số CCCD người gửi": CANARY["citizen_id"],
            "Tóm tắt nội dung": "Đơn cũ nhập từ tệp (thử canary).",
        }
    )
    return workbook(tmp_path / "don-thu.xlsx", {LETTERS.name: [list(row), list(row.values())]})
