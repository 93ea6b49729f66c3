"""Vietnamese citizen ID (số CCCD, 12 digits) and old ID (số CMND, 9 digits) checks.

Layout of a CCCD number ``PPP C YY RRRRRR``:

* ``PPP``    province code of the place of birth registration (63 codes, see PROVINCE_CODES);
* ``C``      century of birth and sex: 1900–1999 male 0 / female 1, 2000–2099 2/3,
             2100–2199 4/5, 2200–2299 6/7, 2300–2399 8/9;
* ``YY``     last two digits of the year of birth;
* ``RRRRRR`` random serial.
"""

from __future__ import annotations

import re
from datetime import date

from django.core.exceptions import ValidationError

__all__ = ["PROVINCE_CODES", "check_citizen_id", "check_old_id", "make_citizen_id"]

# The 63 provinces and centrally-run cities as before the 2025 merger.
PROVINCE_CODES: dict[str, str] = {
    "001": "Hà Nội",
    "002": "Hà Giang",
    "004": "Cao Bằng",
    "006": "Bắc Kạn",
    "008": "Tuyên Quang",
    "010": "Lào Cai",
    "011": "Điện Biên",
    "012": "Lai Châu",
    "014": "Sơn La",
    "015": "Yên Bái",
    "017": "Hòa Bình",
    "019": "Thái Nguyên",
    "020": "Lạng Sơn",
    "022": "Quảng Ninh",
    "024": "Bắc Giang",
    "025": "Phú Thọ",
    "026": "Vĩnh Phúc",
    "027": "Bắc Ninh",
    "030": "Hải Dương",
    "031": "Hải Phòng",
    "033": "Hưng Yên",
    "034": "Thái Bình",
    "035": "Hà Nam",
    "036": "Nam Định",
    "037": "Ninh Bình",
    "038": "Thanh Hóa",
    "040": "Nghệ An",
    "042": "Hà Tĩnh",
    "044": "Quảng Bình",
    "045": "Quảng Trị",
    "046": "Thừa Thiên Huế",
    "048": "Đà Nẵng",
    "049": "Quảng Nam",
    "051": "Quảng Ngãi",
    "052": "Bình Định",
    "054": "Phú Yên",
    "056": "Khánh Hòa",
    "058": "Ninh Thuận",
    "060": "Bình Thuận",
    "062": "Kon Tum",
    "064": "Gia Lai",
    "066": "Đắk Lắk",
    "067": "Đắk Nông",
    "068": "Lâm Đồng",
    "070": "Bình Phước",
    "072": "Tây Ninh",
    "074": "Bình Dương",
    "075": "Đồng Nai",
    "077": "Bà Rịa - Vũng Tàu",
    "079": "Thành phố Hồ Chí Minh",
    "080": "Long An",
    "082": "Tiền Giang",
    "083": "Bến Tre",
    "084": "Trà Vinh",
    "086": "Vĩnh Long",
    "087": "Đồng Tháp",
    "089": "An Giang",
    "091": "Kiên Giang",
    "092": "Cần Thơ",
    "093": "Hậu Giang",
    "094": "Sóc Trăng",
    "095": "Bạc Liêu",
    "096": "Cà Mau",
}

_FIRST_CENTURY = 1900  # century digit 0/1
_SEX_NAMES = {"M": "nam", "F": "nữ"}
_OLD_ID_HINT = 'Nếu đây là số CMND cũ 9 chữ số, hãy nhập vào ô "Số CMND cũ".'


def _century_digit(year: int, sex: str) -> int:
    """The 4th CCCD digit for someone of this sex born in this year (no range check)."""
    return 2 * ((year - _FIRST_CENTURY) // 100) + (sex == "F")


def _digit_meaning(digit: int) -> tuple[str, int]:
    """(sex, first year of the century) that a 4th CCCD digit stands for."""
    return ("F" if digit % 2 else "M"), _FIRST_CENTURY + 100 * (digit // 2)


def _compact(value: str) -> str:
    return re.sub(r"\s+", "", value)


def _check_shape(number: str) -> None:
    if not number:
        raise ValidationError(
            f"Số CCCD đang để trống: hãy nhập đủ 12 chữ số. {_OLD_ID_HINT}", code="cccd_format"
        )
    bad = "".join(dict.fromkeys(ch for ch in number if ch not in "0123456789"))
    if bad:
        raise ValidationError(
            f'Số CCCD "{number}" có ký tự không phải chữ số ("{bad}"): '
            f"số CCCD chỉ gồm đúng 12 chữ số. {_OLD_ID_HINT}",
            code="cccd_format",
        )
    if len(number) == 9:
        raise ValidationError(
            f'"{number}" có 9 chữ số: đây là số CMND cũ, hãy nhập vào ô "Số CMND cũ"; '
            "ô Số CCCD cần đúng 12 chữ số.",
            code="cccd_length",
        )
    if len(number) != 12:
        raise ValidationError(
            f'Số CCCD "{number}" có {len(number)} chữ số nhưng số CCCD phải có đúng 12 chữ số. '
            + _OLD_ID_HINT,
            code="cccd_length",
        )


def _check_province(number: str) -> None:
    code = number[:3]
    if code not in PROVINCE_CODES:
        raise ValidationError(
            f'Số CCCD {number}: 3 chữ số đầu "{code}" không phải mã tỉnh, thành phố nào '
            "(mã nơi đăng ký khai sinh) — kiểm tra lại số CCCD.",
            code="cccd_province",
        )


def _check_century_and_sex(number: str, birth_date: date, sex: str | None) -> None:
    digit = int(number[3])
    digit_sex, first_year = _digit_meaning(digit)
    year = birth_date.year
    century_ok = first_year <= year < first_year + 100
    sex_ok = sex not in _SEX_NAMES or sex == digit_sex
    if century_ok and sex_ok:
        return
    person = f"là {_SEX_NAMES[sex]} sinh năm {year}" if sex in _SEX_NAMES else f"sinh năm {year}"
    to_check = "giới tính, ngày sinh" if sex in _SEX_NAMES else "ngày sinh"
    raise ValidationError(
        f'Số CCCD {number}: chữ số thứ 4 là "{digit}" ({_SEX_NAMES[digit_sex]}, sinh '
        f"{first_year}–{first_year + 99}) nhưng đảng viên {person} — kiểm tra lại số CCCD "
        f"hoặc {to_check}.",
        code="cccd_century",
    )


def _check_year(number: str, birth_date: date) -> None:
    expected = f"{birth_date.year % 100:02d}"
    if number[4:6] != expected:
        raise ValidationError(
            f'Số CCCD {number}: chữ số thứ 5–6 là "{number[4:6]}" nhưng đảng viên sinh năm '
            f'{birth_date.year} (phải là "{expected}") — kiểm tra lại số CCCD hoặc ngày sinh.',
            code="cccd_year",
        )


def check_citizen_id(value: str, *, birth_date: date | None, sex: str | None) -> str:
    """Return the CCCD number without spaces, or raise ValidationError with one Vietnamese message.

    ``sex`` is "M" (nam) or "F" (nữ); any other value, like None, means unknown and is not checked.
    """
    number = _compact(value)
    _check_shape(number)
    _check_province(number)
    if birth_date is not None:
        _check_century_and_sex(number, birth_date, sex)
        _check_year(number, birth_date)
    return number


def check_old_id(value: str) -> str:
    """Return the old 9-digit ID number (số CMND) without spaces, or raise ValidationError."""
    number = _compact(value)
    if not re.fullmatch(r"[0-9]{9}", number):
        hint = ' Số 12 chữ số là số CCCD: hãy nhập vào ô "Số CCCD".' if len(number) == 12 else ""
        raise ValidationError(
            f'Số CMND cũ "{number}" không hợp lệ: số CMND cũ phải gồm đúng 9 chữ số.{hint}',
            code="cmnd_format",
        )
    return number


def make_citizen_id(province_code: str, birth_date: date, sex: str, serial: int) -> str:
    """Build a structurally valid CCCD number (for demo data): PPP + C + YY + 6-digit serial."""
    if province_code not in PROVINCE_CODES:
        raise ValueError(f"unknown province code {province_code!r}")
    if sex not in _SEX_NAMES:
        raise ValueError(f"sex must be 'M' or 'F', not {sex!r}")
    if not _FIRST_CENTURY <= birth_date.year < _FIRST_CENTURY + 500:
        raise ValueError(f"birth year {birth_date.year} has no CCCD century digit (1900–2399)")
    if not 0 <= serial <= 999_999:
        raise ValueError(f"serial must be 0..999999, not {serial}")
    digit = _century_digit(birth_date.year, sex)
    return f"{province_code}{digit}{birth_date.year % 100:02d}{serial:06d}"
