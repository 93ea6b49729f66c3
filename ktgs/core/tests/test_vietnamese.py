import random
import unicodedata
from datetime import date

import pytest

from ktgs.core.vietnamese import (
    fold,
    format_count,
    format_date,
    format_int,
    name_sort_key,
    nfc,
    parse_date,
    text_sort_key,
)


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


# --- nfc / fold ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (nfd("Nguyễn Văn A"), "Nguyễn Văn A"),
        ("  Trần   Thị\tBình \n", "Trần Thị Bình"),
        ("Lê\u00a0Văn  Tám", "Lê Văn Tám"),
        ("", ""),
    ],
)
def test_nfc_normalises_and_collapses_whitespace(raw, expected):
    result = nfc(raw)
    assert result == expected
    assert unicodedata.is_normalized("NFC", result)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Nguyễn Văn A", "nguyen van a"),
        (nfd("Nguyễn Văn A"), "nguyen van a"),
        ("nguyen van a", "nguyen van a"),
        ("hoà", "hoa"),
        ("hòa", "hoa"),
        ("ĐỨC", "duc"),
        ("đặng", "dang"),
        ("  Phạm   Thị  Ưng ", "pham thi ung"),
        ("Ơn Ước Ỷ", "on uoc y"),
    ],
)
def test_fold(raw, expected):
    assert fold(raw) == expected


# --- name_sort_key ---------------------------------------------------------------------------

GIVEN_NAMES_IN_ORDER = [
    "Anh", "Ành", "Ảnh", "Ãnh", "Ánh", "Ạnh", "Ân", "Bình", "Cường", "Dũng", "Duy", "Đức",
    "Giang", "Hà", "Hải", "Hòa", "Hùng", "Hưng", "Khánh", "Long", "Minh", "Ngọc", "Oanh", "Ơn",
    "Phúc", "Quân", "Sơn", "Thảo", "Tùng", "Uyên", "Ước", "Vân", "Xuân", "Yến",
]  # fmt: skip


def test_given_names_sort_in_vietnamese_order():
    shuffled = GIVEN_NAMES_IN_ORDER[:]
    random.Random(20230630).shuffle(shuffled)
    assert shuffled != GIVEN_NAMES_IN_ORDER
    result = sorted(shuffled, key=lambda given: name_sort_key("Nguyễn", "Văn", given))
    assert result == GIVEN_NAMES_IN_ORDER


def test_given_names_sort_in_order_from_nfd_input():
    shuffled = [nfd(name) for name in GIVEN_NAMES_IN_ORDER]
    random.Random(7).shuffle(shuffled)
    result = sorted(shuffled, key=lambda given: name_sort_key("Nguyễn", "Văn", given))
    assert result == [nfd(name) for name in GIVEN_NAMES_IN_ORDER]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        # same given name: the middle name decides
        (("Nguyễn", "Văn", "An"), ("Nguyễn", "Văn Minh", "An")),
        (("Nguyễn", "Văn Minh", "An"), ("Nguyễn", "Viết", "An")),
        (("Trần", "", "An"), ("Lê", "Văn", "An")),
        # same given and middle name: the family name decides
        (("Lê", "Văn", "An"), ("Nguyễn", "Văn", "An")),
        (("Nguyễn", "Văn", "An"), ("Trần", "Văn", "An")),
        (("Dương", "Văn", "An"), ("Đặng", "Văn", "An")),
        # the given name wins over middle and family names
        (("Vũ", "Văn", "An"), ("An", "An", "Bình")),
        (("Trần", "Văn", "Minh"), ("Lê", "Văn", "Minh Anh")),
        # foreign letters sit in their Latin places
        (("Lê", "", "Ênh"), ("Lê", "", "Fa")),
        (("Lê", "", "Fa"), ("Lê", "", "Gia")),
        (("Lê", "", "Vy"), ("Lê", "", "Wendy")),
        (("Lê", "", "Wendy"), ("Lê", "", "Xuân")),
        (("Lê", "", "Yến"), ("Lê", "", "Zoe")),
        # letters decide before tone, tone before the next word
        (("Lê", "", "Bá"), ("Lê", "", "Ban")),
        (("Lê", "", "Ba Anh"), ("Lê", "", "Bá")),
        (("Lê", "", "Ma"), ("Lê", "", "Mạ")),
    ],
)
def test_name_sort_key_orders_pairs(first, second):
    assert name_sort_key(*first) < name_sort_key(*second)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        (("Nguyễn", "Thị", "Hoà"), ("Nguyễn", "Thị", "Hòa")),
        (("Nguyễn", "Văn", "Thuỷ"), ("Nguyễn", "Văn", "Thủy")),
        (("Nguyễn", "Văn", "Đức"), tuple(nfd(part) for part in ("Nguyễn", "Văn", "Đức"))),
        (("Trần", "Thị", "Ngọc Ánh"), ("TRẦN", "THỊ", "NGỌC ÁNH")),
        (("Lê", "Văn", "Ước"), ("lê", "văn", "ước")),
        (("Lê", "Văn", "An"), ("  Lê ", "Văn  ", " An")),
        (("Lê", "Văn", "Hà-An"), ("Lê", "Văn", "HàAn")),
        (("Lê", "Văn", "Hạ"), ("Lê", "Văn", "Ha\u0323\u0300")),  # first tone mark counts
    ],
)
def test_name_sort_key_equal_for_equivalent_spellings(one, other):
    assert name_sort_key(*one) == name_sort_key(*other)


@pytest.mark.parametrize(
    "parts",
    [
        ("Nguyễn", "Văn", "An"),
        ("", "", ""),
        ("Tôn Nữ", "Thị Ngọc Bảo Khánh Như", "Hoàng Phương Anh"),
        ("Nghiêngnghiêngnghiêng", "", "X"),
    ],
)
def test_name_sort_key_is_200_ascii_digits(parts):
    key = name_sort_key(*parts)
    assert len(key) == 200
    assert key.isascii() and key.isdigit()


def test_name_sort_key_layout():
    key = name_sort_key("Đặng", "", "Ánh")
    # given "Ánh": a=01 n=18 h=12, padded to 12 letters, tone sắc = 4; then an empty block
    assert key[:50] == "011812" + "0" * 18 + "4" + "0" * 25
    # empty middle: four zero blocks
    assert key[50:150] == "0" * 100
    # family "Đặng": đ=07 ă=02 n=18 g=11, tone nặng = 5
    assert key[150:175] == "07021811" + "0" * 16 + "5"
    assert key[175:] == "0" * 25


# --- numbers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (0, "0"),
        (7, "7"),
        (999, "999"),
        (1000, "1.000"),
        (4759, "4.759"),
        (1234567, "1.234.567"),
        (-4759, "-4.759"),
        (-1234567, "-1.234.567"),
    ],
)
def test_format_int(n, expected):
    assert format_int(n) == expected


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (0, "0"),
        (1, "01"),
        (4, "04"),
        (9, "09"),
        (10, "10"),
        (40, "40"),
        (4759, "4.759"),
        (12000, "12.000"),
    ],
)
def test_format_count(n, expected):
    assert format_count(n) == expected


# --- dates -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("d", "expected"),
    [(date(2023, 6, 30), "30/06/2023"), (date(1965, 1, 5), "05/01/1965"), (None, "")],
)
def test_format_date(d, expected):
    assert format_date(d) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30/06/2023", date(2023, 6, 30)),
        ("5/1/1965", date(1965, 1, 5)),
        ("05-01-1965", date(1965, 1, 5)),
        ("05.01.1965", date(1965, 1, 5)),
        ("2023-06-30", date(2023, 6, 30)),
        ("  29/02/2024 ", date(2024, 2, 29)),
    ],
)
def test_parse_date_accepts(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("d", [date(2023, 6, 30), date(1901, 12, 1), date(2099, 1, 31)])
def test_parse_date_round_trips_format_date(d):
    assert parse_date(format_date(d)) == d


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("31/02/2023", "tháng 2/2023 không có ngày 31"),
        ("29/02/2023", "tháng 2/2023 không có ngày 29"),
        ("2023-13-01", 'Ngày "2023-13-01" không hợp lệ'),
        ("06/30/2023", 'Ngày "06/30/2023" không hợp lệ'),
        ("30/06/23", "đủ 4 chữ số"),
        ("1.2.85", "đủ 4 chữ số"),
        ("30/06/023", 'Ngày "30/06/023" không hợp lệ'),
        ("30/06-2023", 'Ngày "30/06-2023" không hợp lệ'),
        ("30 tháng 6 năm 2023", "ví dụ 30/06/2023"),
        ("hôm qua", "ví dụ 30/06/2023"),
        ("00/00/0000", 'Ngày "00/00/0000" không hợp lệ'),
        ("   ", "Chưa nhập ngày"),
    ],
)
def test_parse_date_rejects_with_vietnamese_message(text, fragment):
    with pytest.raises(ValueError) as excinfo:
        parse_date(text)
    assert fragment in str(excinfo.value)


def test_parse_date_message_matches_the_documented_wording():
    with pytest.raises(ValueError) as excinfo:
        parse_date("31/02/2023")
    assert str(excinfo.value) == (
        'Ngày "31/02/2023" không hợp lệ: tháng 2/2023 không có ngày 31; '
        "hãy kiểm tra lại ngày, tháng."
    )


def test_text_sort_key_orders_unit_names_the_vietnamese_way():
    names = [
        "Đảng bộ Báo Hòa An",
        "Đảng bộ Bảo hiểm xã hội tỉnh",
        "Đảng bộ Bưu điện tỉnh",
        "Đảng bộ Bệnh viện Đa khoa tỉnh",
        "Đảng bộ Ban Quản lý dự án",
        "Chi bộ Văn phòng",
    ]
    expected = [
        "Chi bộ Văn phòng",
        "Đảng bộ Ban Quản lý dự án",
        "Đảng bộ Bảo hiểm xã hội tỉnh",  # bảo (hỏi) before báo (sắc)
        "Đảng bộ Báo Hòa An",
        "Đảng bộ Bệnh viện Đa khoa tỉnh",
        "Đảng bộ Bưu điện tỉnh",
    ]
    assert sorted(names, key=text_sort_key) == expected
