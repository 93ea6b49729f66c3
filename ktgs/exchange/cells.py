"""One cell in, one cell out: text, codes, dates and choices as people type them in Excel.

A parser takes the raw cell (str, int, float, bool, date or datetime from the reader; "" when
empty) and returns the value, or raises `CellError(message, fix)` in Vietnamese.

Formula injection: a text cell starting with = + - @ (or tab, CR) could run as a formula when the
file is opened in a spreadsheet. Export writes such text with a leading apostrophe (') and import
removes it again (`escape` / `unescape`, which are exact inverses; docs/formats.md).
"""

import re
from collections.abc import Callable
from datetime import date, datetime

from ktgs.core.dates import FUTURE_FIX, future_message
from ktgs.core.validators import forbidden_char
from ktgs.core.vietnamese import fold, format_date, nfc

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
MARK = "'"


class CellError(ValueError):
    def __init__(self, message: str, fix: str = ""):
        super().__init__(message)
        self.message, self.fix = message, fix


def _needs_mark(text: str) -> bool:
    if not text:
        return False
    return text[0] in DANGEROUS or (text[0] == MARK and _needs_mark(text[1:]))


def escape(text: str) -> str:
    """The text as written to a cell: a leading apostrophe when it could be read as a formula."""
    return MARK + text if _needs_mark(text) else text


def unescape(text: str) -> str:
    """The inverse of `escape`: text that `escape` would leave alone stays as it is."""
    return text[1:] if text.startswith(MARK) and _needs_mark(text[1:]) else text


def is_empty(raw) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def raw_text(raw) -> str:
    """The cell as text: a whole number typed as a number loses its ".0"."""
    if type(raw) is str:
        return unescape(raw)
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return "Có" if raw else "Không"
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, datetime | date):
        return format_date(raw if not isinstance(raw, datetime) else raw.date())
    return unescape(str(raw))


def text(max_length: int, *, required: bool = False) -> Callable:
    def parse(raw) -> str:
        value = raw_text(raw)
        ch = forbidden_char(value)
        if ch is not None:
            raise CellError(
                f"Có ký tự điều khiển (U+{ord(ch):04X}) trong ô.",
                "Gõ lại nội dung ô thay vì dán từ tài liệu khác.",
            )
        value = nfc(value)
        if required and not value:
            raise CellError("Ô này không được để trống.", "Nhập giá trị cho ô.")
        if len(value) > max_length:
            raise CellError(
                f"Dài {len(value)} ký tự, quá {max_length} ký tự cho phép.",
                f"Rút gọn nội dung còn tối đa {max_length} ký tự.",
            )
        return value

    return parse


_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]*")


def code(max_length: int, *, upper: bool = False, required: bool = True) -> Callable:
    """A code (mã): letters, digits, dot, hyphen, underscore, slash; no spaces."""

    def parse(raw) -> str:
        value = raw_text(raw).strip()
        if not value:
            if required:
                raise CellError("Chưa nhập mã.", "Nhập mã (chữ không dấu, số, dấu chấm).")
            return ""
        if not _CODE.fullmatch(value) or len(value) > max_length:
            raise CellError(
                f"Mã «{value}» không hợp lệ.",
                f"Mã gồm chữ không dấu, chữ số, dấu chấm, gạch ngang; tối đa {max_length} ký tự.",
            )
        return value.upper() if upper else value

    return parse


_DMY = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")
DATE_FIX = "Nhập ngày dạng ngày/tháng/năm, ví dụ 05/09/2023 hoặc 5/9/2023 (hoặc một ô kiểu ngày)."


def day(*, required: bool = False, past: bool = False) -> Callable:
    """An Excel date cell, or text dd/mm/yyyy or d/m/yyyy; anything else is refused. With
    `past`, a date after today is refused too (the date of something that has happened: an
    admission, a founding, a start, a signing); planned dates (ends, due dates) leave it off."""

    def parse(raw) -> date | None:
        value = _day(raw)
        problem = future_message(value) if past else None
        if problem:
            raise CellError(problem, FUTURE_FIX)
        return value

    def _day(raw) -> date | None:
        if is_empty(raw):
            if required:
                raise CellError("Chưa nhập ngày.", DATE_FIX)
            return None
        if isinstance(raw, datetime):
            if raw.time() != datetime.min.time():
                raise CellError(f"Ô có cả giờ ({raw:%H:%M}), không phải một ngày.", DATE_FIX)
            return raw.date()
        if isinstance(raw, date):
            return raw
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            raise CellError(f"«{raw_text(raw)}» là một số, không phải ngày.", DATE_FIX)
        value = str(raw).strip()
        match = _DMY.fullmatch(value)
        if not match:
            raise CellError(f"«{value}» không phải ngày dạng ngày/tháng/năm.", DATE_FIX)
        d, m, y = (int(g) for g in match.groups())
        try:
            return date(y, m, d)
        except ValueError:
            raise CellError(f"Ngày «{value}» không có trên lịch.", DATE_FIX) from None

    return parse


def choice(choices: list[tuple[str, str]], *, required: bool = True, default: str = "") -> Callable:
    """One of `choices` ((value, label)), typed as its label or its value, case and accents
    ignored (e.g. "Nữ", "nu", "F")."""
    lookup = {}
    for value, label in choices:
        lookup[fold(label)] = value
        lookup[fold(value)] = value
    labels = ", ".join(label for _value, label in choices)

    def parse(raw) -> str:
        value = raw_text(raw).strip()
        if value in lookup:
            return lookup[value]
        if not value:
            if required:
                raise CellError("Chưa chọn giá trị.", f"Nhập một trong: {labels}.")
            return default
        try:
            return lookup.setdefault(value, lookup[fold(value)])
        except KeyError:
            raise CellError(
                f"«{value}» không phải giá trị hợp lệ.", f"Nhập một trong: {labels}."
            ) from None

    return parse


def digits(length: int) -> Callable:
    """An ID number typed as text or as a number (Excel drops leading zeros; they are restored)."""

    def parse(raw) -> str:
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            return raw_text(raw).zfill(length)
        return raw_text(raw).replace(" ", "").strip()

    return parse


YES, NO = "Có", "Không"


def attribute_value(raw):
    """Có/Không → True/False, a whole number → int, anything else → text."""
    if isinstance(raw, bool):
        return raw
    value = raw_text(raw).strip()
    folded = fold(value)
    if folded in ("co", "true", "x"):
        return True
    if folded in ("khong", "false"):
        return False
    if re.fullmatch(r"-?[0-9]+", value):
        return int(value)
    if not value:
        raise CellError("Chưa nhập giá trị.", "Nhập Có hoặc Không (hoặc một số).")
    return nfc(value)


def write_attribute_value(value) -> str:
    if value is True:
        return YES
    if value is False:
        return NO
    return str(value)
