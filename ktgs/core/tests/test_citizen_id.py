from datetime import date

import pytest
from django.core.exceptions import ValidationError

from ktgs.core.citizen_id import (
    PROVINCE_CODES,
    check_citizen_id,
    check_old_id,
    make_citizen_id,
)

ALL_CODES = [
    "001", "002", "004", "006", "008", "010", "011", "012", "014", "015", "017", "019", "020",
    "022", "024", "025", "026", "027", "030", "031", "033", "034", "035", "036", "037", "038",
    "040", "042", "044", "045", "046", "048", "049", "051", "052", "054", "056", "058", "060",
    "062", "064", "066", "067", "068", "070", "072", "074", "075", "077", "079", "080", "082",
    "083", "084", "086", "087", "089", "091", "092", "093", "094", "095", "096",
]  # fmt: skip


def rejection(value, *, birth_date=None, sex=None) -> ValidationError:
    with pytest.raises(ValidationError) as excinfo:
        check_citizen_id(value, birth_date=birth_date, sex=sex)
    assert len(excinfo.value.messages) == 1
    return excinfo.value


def test_province_codes_are_the_63_official_codes():
    assert sorted(PROVINCE_CODES) == ALL_CODES
    assert len(set(PROVINCE_CODES.values())) == 63


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("001", "Hà Nội"),
        ("031", "Hải Phòng"),
        ("038", "Thanh Hóa"),
        ("046", "Thừa Thiên Huế"),
        ("048", "Đà Nẵng"),
        ("066", "Đắk Lắk"),
        ("079", "Thành phố Hồ Chí Minh"),
        ("092", "Cần Thơ"),
        ("096", "Cà Mau"),
    ],
)
def test_province_names(code, name):
    assert PROVINCE_CODES[code] == name


@pytest.mark.parametrize(
    ("value", "birth_date", "sex", "expected"),
    [
        ("001085012345", date(1985, 3, 2), "M", "001085012345"),
        ("001185012345", date(1985, 3, 2), "F", "001185012345"),
        ("079201000001", date(2001, 12, 31), "M", "079201000001"),
        ("079301000001", date(2001, 12, 31), "F", "079301000001"),
        ("036165999999", date(1965, 7, 1), "F", "036165999999"),
        ("096099000000", date(1999, 1, 1), None, "096099000000"),
        (" 001 085 012 345 ", date(1985, 3, 2), "M", "001085012345"),
        ("001085012345", None, None, "001085012345"),
        ("001185012345", None, "M", "001185012345"),  # sex alone is not checked
    ],
)
def test_valid_ids_accepted(value, birth_date, sex, expected):
    assert check_citizen_id(value, birth_date=birth_date, sex=sex) == expected


@pytest.mark.parametrize(
    ("value", "fragments"),
    [
        ("00108501234", ["11 chữ số", "12 chữ số", "Số CMND cũ"]),
        ("0010850123456", ["13 chữ số", "12 chữ số"]),
        ("123456789", ["9 chữ số", '"Số CMND cũ"']),
        ("00108501234A", ['"A"', "không phải chữ số", "Số CMND cũ"]),
        ("001-085-012-345", ['"-"', "không phải chữ số"]),
        ("", ["để trống", "12 chữ số"]),
    ],
)
def test_wrong_shape_rejected(value, fragments):
    error = rejection(value)
    for fragment in fragments:
        assert fragment in error.messages[0]


@pytest.mark.parametrize("code", ["003", "000", "063", "097", "999"])
def test_unknown_province_rejected(code):
    error = rejection(f"{code}085012345")
    assert error.code == "cccd_province"
    assert f'"{code}"' in error.messages[0]


@pytest.mark.parametrize(
    ("value", "birth_date", "sex", "fragments"),
    [
        # wrong century for the year
        ("001085012345", date(2085, 1, 1), "M", ['"0"', "1900–1999", "sinh năm 2085"]),
        ("001201012345", date(1901, 1, 1), None, ['"2"', "2000–2099", "sinh năm 1901"]),
        ("001485012345", date(1985, 1, 1), "M", ['"4"', "2100–2199", "ngày sinh"]),
        # wrong sex digit
        ("001085012345", date(1985, 1, 1), "F", ['"0"', "(nam,", "là nữ sinh năm 1985"]),
        ("001301012345", date(2001, 1, 1), "M", ['"3"', "(nữ,", "là nam sinh năm 2001"]),
    ],
)
def test_century_and_sex_digit_checked(value, birth_date, sex, fragments):
    error = rejection(value, birth_date=birth_date, sex=sex)
    assert error.code == "cccd_century"
    for fragment in fragments:
        assert fragment in error.messages[0]


def test_century_message_wording():
    error = rejection("001099012345", birth_date=date(1985, 5, 1), sex="F")
    assert error.messages[0] == (
        'Số CCCD 001099012345: chữ số thứ 4 là "0" (nam, sinh 1900–1999) nhưng đảng viên là '
        "nữ sinh năm 1985 — kiểm tra lại số CCCD hoặc giới tính, ngày sinh."
    )


@pytest.mark.parametrize(
    ("value", "birth_date", "wrong", "right"),
    [
        ("001086012345", date(1985, 1, 1), '"86"', '"85"'),
        ("001100012345", date(1965, 1, 1), '"00"', '"65"'),
        ("079210012345", date(2001, 1, 1), '"10"', '"01"'),
    ],
)
def test_year_digits_checked(value, birth_date, wrong, right):
    error = rejection(value, birth_date=birth_date, sex=None)
    assert error.code == "cccd_year"
    assert wrong in error.messages[0]
    assert right in error.messages[0]
    assert str(birth_date.year) in error.messages[0]


def test_checks_run_in_order():
    # bad length wins over an unknown province; unknown province over a wrong century
    assert rejection("0030850123", birth_date=date(2001, 1, 1), sex="F").code == "cccd_length"
    assert rejection("003085012345", birth_date=date(2001, 1, 1)).code == "cccd_province"
    assert rejection("001085012345", birth_date=date(2001, 1, 1)).code == "cccd_century"


@pytest.mark.parametrize(
    ("province", "birth_date", "sex", "serial", "expected"),
    [
        ("001", date(1965, 4, 12), "F", 12345, "001165012345"),
        ("079", date(2001, 9, 2), "M", 7, "079201000007"),
        ("096", date(2000, 1, 1), "F", 999999, "096300999999"),
        ("048", date(1999, 12, 31), "M", 0, "048099000000"),
        ("066", date(2105, 6, 1), "F", 42, "066505000042"),
    ],
)
def test_make_citizen_id_round_trips(province, birth_date, sex, serial, expected):
    number = make_citizen_id(province, birth_date, sex, serial)
    assert number == expected
    assert check_citizen_id(number, birth_date=birth_date, sex=sex) == number


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("003", date(1985, 1, 1), "M", 1), "province"),
        (("001", date(1985, 1, 1), "X", 1), "sex"),
        (("001", date(1899, 1, 1), "M", 1), "1899"),
        (("001", date(1985, 1, 1), "M", 1_000_000), "serial"),
    ],
)
def test_make_citizen_id_refuses_bad_input(args, fragment):
    with pytest.raises(ValueError, match=fragment):
        make_citizen_id(*args)


@pytest.mark.parametrize(
    ("value", "expected"), [("123456789", "123456789"), (" 012 345 678 ", "012345678")]
)
def test_old_id_accepted(value, expected):
    assert check_old_id(value) == expected


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("12345678", "9 chữ số"),
        ("1234567890", "9 chữ số"),
        ("12345678A", "9 chữ số"),
        ("001085012345", '"Số CCCD"'),
        ("", "9 chữ số"),
    ],
)
def test_old_id_rejected(value, fragment):
    with pytest.raises(ValidationError) as excinfo:
        check_old_id(value)
    assert fragment in excinfo.value.messages[0]
    assert "Số CMND cũ" in excinfo.value.messages[0]
