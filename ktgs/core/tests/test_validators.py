"""Names and other free text refuse the characters that can forge a line or reorder text."""

import pytest
from django.core.exceptions import ValidationError

from ktgs.core.validators import reject_control_chars, reject_control_chars_in

# character → how the message names it (typed by hand)
REFUSED = {
    "\n": "xuống dòng, U+000A",
    "\r": "về đầu dòng, U+000D",
    "\t": "tab, U+0009",
    "\x00": "ký tự rỗng, U+0000",
    "\x1b": "ESC, U+001B",  # starts a terminal escape sequence
    "\x08": "U+0008",  # backspace
    "\x7f": "DEL, U+007F",
    "\x85": "U+0085",  # C1 next line
    "\x9b": "U+009B",  # C1 control sequence introducer
    "\u2028": "ngắt dòng, U+2028",
    "\u2029": "ngắt đoạn, U+2029",
    "\u202e": "U+202E",  # right-to-left override: "Hùng\u202eAN" reads backwards
    "\u2066": "U+2066",  # left-to-right isolate
}
ACCEPTED = [
    "Nguyễn Thị Minh Khai",
    "Hoà",  # decomposed tone mark (NFD), normalised later by nfc()
    "Đặng-Phạm",
    "H'Hen Niê",  # Ê Đê names carry an apostrophe
    "Y\u00a0Bih",  # no-break space: whitespace, collapsed by nfc()
    "Lê  Văn",
    "",
]


@pytest.mark.parametrize("char", list(REFUSED), ids=[f"U+{ord(c):04X}" for c in REFUSED])
def test_control_characters_are_refused_with_their_name(char):
    with pytest.raises(ValidationError) as refused:
        reject_control_chars(f"Nguyễn{char}Văn A", "Họ và tên")
    [message] = refused.value.messages
    assert message.startswith("Họ và tên có ký tự điều khiển")
    assert f"({REFUSED[char]})" in message
    assert refused.value.code == "control_character"


@pytest.mark.parametrize("value", ACCEPTED)
def test_ordinary_names_pass_unchanged(value):
    assert reject_control_chars(value, "Tên") == value


def test_none_is_empty():
    assert reject_control_chars(None, "Tên đệm") == ""


def test_multiline_text_keeps_line_breaks_but_not_other_controls():
    reason = "Nhập trùng hồ sơ.\r\n\tĐã có mã DV000001."
    assert reject_control_chars(reason, "Lý do", multiline=True) == reason
    with pytest.raises(ValidationError, match=r"Lý do có ký tự điều khiển \(ESC, U\+001B\)"):
        reject_control_chars("Nhập trùng\x1b[2J", "Lý do", multiline=True)
    with pytest.raises(ValidationError, match="U\\+2028"):
        reject_control_chars("a\u2028b", "Lý do", multiline=True)


def test_several_fields_are_reported_together_by_field():
    data = {"family_name": "Lê\n", "middle_name": "Văn", "given_name": "A\x00", "note": "x\ny"}
    labels = {"family_name": "Họ", "middle_name": "Tên đệm", "given_name": "Tên", "note": "Ghi chú"}
    with pytest.raises(ValidationError) as refused:
        reject_control_chars_in(data, labels, multiline={"note"})
    errors = refused.value.message_dict
    assert set(errors) == {"family_name", "given_name"}
    assert "Họ có ký tự điều khiển (xuống dòng" in errors["family_name"][0]
    assert "Tên có ký tự điều khiển (ký tự rỗng" in errors["given_name"][0]


def test_fields_that_are_not_text_are_skipped():
    reject_control_chars_in({"birth_date": None, "given_name": "An"}, {"birth_date": "Ngày sinh"})


# Invisible format characters (Unicode Cf): nothing on screen, yet stored (typed by hand).
INVISIBLE = {
    "\u200b": "khoảng trắng không độ rộng, U+200B",
    "\u200c": "ký tự ngăn nối, U+200C",
    "\u200d": "ký tự nối, U+200D",
    "\u2060": "ký tự nối từ, U+2060",
    "\ufeff": "dấu BOM, U+FEFF",
    "\u00ad": "gạch nối mềm, U+00AD",
    "\u200e": "U+200E",  # left-to-right mark
    "\u2063": "U+2063",  # invisible separator
}


@pytest.mark.parametrize("char", list(INVISIBLE), ids=[f"U+{ord(c):04X}" for c in INVISIBLE])
@pytest.mark.parametrize("multiline", [False, True])
def test_invisible_characters_are_refused_naming_field_and_character(char, multiline):
    with pytest.raises(ValidationError) as refused:
        reject_control_chars(f"Nguyễn{char}Văn A", "Họ và tên", multiline=multiline)
    [message] = refused.value.messages
    assert message.startswith(f"Họ và tên có ký tự ẩn ({INVISIBLE[char]})")
    assert "Hãy xóa ký tự ẩn này" in message
    assert refused.value.code == "invisible_character"


def test_a_topic_with_a_zero_width_space_is_refused_by_field():
    data = {"topic": "Giám sát\u200b việc thực hiện quy chế", "note": "ổn"}
    with pytest.raises(ValidationError) as refused:
        reject_control_chars_in(data, {"topic": "Nội dung", "note": "Ghi chú"}, multiline={"topic"})
    assert list(refused.value.message_dict) == ["topic"]
    assert "Nội dung có ký tự ẩn (khoảng trắng không độ rộng" in refused.value.messages[0]
