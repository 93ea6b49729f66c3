"""The canonical row form: what each engine hands back for the same data hashes alike."""

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

from ktgs.ops.checksums import canonical_row, differences

HANOI = timezone(timedelta(hours=7))


def test_the_same_moment_in_any_time_zone_is_the_same_row():
    utc = datetime(2023, 6, 30, 1, 2, 3, tzinfo=UTC)
    assert canonical_row([utc]) == canonical_row([utc.astimezone(HANOI)])
    assert canonical_row([utc]) == b'["2023-06-30T01:02:03.000000"]\n'


def test_values_have_one_written_form():
    row = [True, False, Decimal("12.50"), date(2023, 6, 30), b"\x00\xff", None, "Nguyễn"]
    assert canonical_row(row) == b'[1,0,"12.50","2023-06-30","00ff",null,"Nguy\xe1\xbb\x85n"]\n'
    assert canonical_row([memoryview(b"\x00\xff")]) == canonical_row([b"\x00\xff"])


def test_json_values_hash_alike_whatever_their_key_order():
    assert canonical_row([{"b": 1, "a": [1, "x"]}]) == canonical_row([{"a": [1, "x"], "b": 1}])


def test_differences_name_each_table_and_what_differs():
    expected = {"a": {"rows": 2, "sha256": "x"}, "b": {"rows": 1, "sha256": "y"}}
    actual = {"a": {"rows": 3, "sha256": "z"}, "b": {"rows": 1, "sha256": "w"}, "c": expected["a"]}
    assert differences(expected, actual) == [
        "Bảng a: 3 dòng, bản sao lưu ghi 2 dòng.",
        "Bảng b: cùng 1 dòng nhưng nội dung khác (checksum).",
        "Bảng c có sau khôi phục nhưng không có trong bản sao lưu.",
    ]
    assert differences(expected, expected) == []
