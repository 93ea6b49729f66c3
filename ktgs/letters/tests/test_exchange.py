"""Historical letters through the interchange format (sheet «Đơn thư»): the filer encrypted on
the way in, all or nothing with Vietnamese messages that never repeat a filer cell, idempotent
by (body, year, number), no export of letters."""

import pytest

from ktgs.audit.models import AuditEvent
from ktgs.exchange.exporter import sheet_rows
from ktgs.exchange.importer import run_import
from ktgs.exchange.tests.helpers import headers, workbook
from ktgs.letters import crypto
from ktgs.letters.choices import LetterStatus
from ktgs.letters.exchange import LETTERS
from ktgs.letters.models import Letter
from ktgs.orgs.models import Member, OrgUnit

pytestmark = pytest.mark.django_db

SHEET = LETTERS.name
UNIT = "HA.DBK.001"
SECRET_NAME = "Lê Văn Bímật"
SECRET_ADDRESS = "Số 9 ngõ Kínđáo"
SECRET_PHONE = "0977111222"
SECRET_ID = "001188777666"


def accused() -> str:
    return (
        Member.objects.live()
        .filter(current_unit__code__startswith=UNIT)
        .order_by("code")
        .values_list("code", flat=True)
        .first()
    )


def letter_row(number=1, **kw):
    values = {
        "Mã tổ chức": UNIT,
        "Cơ quan tiếp nhận": "Ủy ban kiểm tra",
        "Số đơn": number,
        "Ngày nhận": "15/04/2026",
        "Hình thức tiếp nhận": "Qua bưu điện",
        "Loại đơn": "Tố cáo",
        "Nặc danh": "",
        "Loại đơn không rõ người gửi": "",
        "Người gửi là": "Đảng viên",
        "Họ tên người gửi": SECRET_NAME,
        "Địa chỉ người gửi": SECRET_ADDRESS,
        "Điện thoại người gửi": SECRET_PHONE,
        "Số CCCD người gửi": SECRET_ID,
        "Tóm tắt nội dung": "Tố cáo sử dụng xe công và nhận quà.",
        "Nội dung đơn": "Sử dụng xe công vào việc riêng | Nhận quà của doanh nghiệp",
        "Đảng viên bị tố cáo": accused(),
        "Tổ chức bị tố cáo": "",
        "Bị tố cáo (ghi bằng chữ)": "",
        "Phân loại nội dung": "Tham nhũng, cố ý làm trái | ",
        "Tình trạng": "Đã kết luận",
        "Ngày xử lý đơn": "16/04/2026",
        "Lý do không xem xét": "",
        "Chuyển đến": "",
        "Ngày thụ lý": "20/04/2026",
        "Số quyết định thụ lý": "12-QĐ/UBKT",
        "Ngày kết luận": "20/05/2026",
        "Số kết luận": "30-TB/UBKT",
        "Kết luận": "Nội dung 1 đúng, nội dung 2 sai.",
        "Kết luận từng nội dung": "Tố cáo đúng, có vi phạm | Tố cáo sai",
        "Ngày trả lời": "25/05/2026",
        "Trả lời người gửi": "Đã thông báo kết quả.",
        "Độ mật": "",
    }
    values.update(kw)
    return [values[h] for h in headers(SHEET)]


def book(tmp_path, *rows, name="don-thu.xlsx"):
    return workbook(tmp_path / name, {SHEET: [headers(SHEET), *rows]})


def problems_text(result) -> str:
    return "\n".join(f"{p.row} {p.column} {p.message} {p.fix}" for p in result.problems)


def test_a_historical_letter_comes_in_encrypted_with_its_verdicts_and_once(tmp_path):
    path = book(tmp_path, letter_row(1), letter_row(2, **{"Tình trạng": "", "Ngày xử lý đơn": "",
        "Ngày thụ lý": "", "Số quyết định thụ lý": "", "Ngày kết luận": "", "Số kết luận": "",
        "Kết luận": "", "Kết luận từng nội dung": "", "Ngày trả lời": "",
        "Trả lời người gửi": "", "Nặc danh": "Có", "Họ tên người gửi": "",
        "Người gửi là": "", "Loại đơn không rõ người gửi": "Mạo tên"}))  # fmt: skip
    result = run_import(path, file_name=path.name)
    assert result.ok and result.written, problems_text(result)
    assert result.counts[SHEET]["created"] == 2
    letter = Letter.objects.get(number=1, year=2026, body__unit__code=UNIT)
    assert letter.status == LetterStatus.CONCLUDED
    assert [(i.content, i.verdict) for i in letter.items.all()] == [
        ("Sử dụng xe công vào việc riêng", "true_violation"),
        ("Nhận quà của doanh nghiệp", "false"),
    ]
    assert [m.code for m in letter.accused_members.all()] == [accused()]
    assert letter.filer_kind == "party_member"
    assert [i.content_category for i in letter.items.all()] == ["dv_tham_nhung", ""]
    for stored, plain in (
        (letter.filer_name, SECRET_NAME),
        (letter.filer_address, SECRET_ADDRESS),
        (letter.filer_phone, SECRET_PHONE),
        (letter.filer_citizen_id, SECRET_ID),
    ):
        assert plain not in stored and crypto.decrypt(stored) == plain
    assert letter.filer_name_index == crypto.blind_index(name=SECRET_NAME)[0]
    anonymous = Letter.objects.get(number=2, year=2026, body__unit__code=UNIT)
    assert anonymous.anonymous and anonymous.status == LetterStatus.REGISTERED
    assert (anonymous.anonymous_kind, anonymous.filer_kind) == ("false_name", "")
    assert anonymous.links.filter(earlier=letter).exists()  # same filer and accused: flagged
    events = AuditEvent.objects.filter(action="letters.letter.imported")
    assert events.count() == 2
    for secret in (SECRET_NAME, SECRET_ADDRESS, SECRET_PHONE, SECRET_ID):
        assert secret not in str(list(AuditEvent.objects.values_list("details", flat=True)))
    again = run_import(path, file_name=path.name)  # idempotent
    assert again.ok, problems_text(again)
    assert again.counts[SHEET] == {"created": 0, "updated": 0, "unchanged": 2}
    assert Letter.objects.filter(body__unit__code=UNIT, year=2026).count() == 2


def test_a_changed_row_names_the_columns_never_the_filer(tmp_path):
    run_import(book(tmp_path, letter_row(1)), file_name="don-thu.xlsx")
    changed = book(tmp_path, letter_row(1, **{"Họ tên người gửi": "Người Khác Hẳn"}), name="b.xlsx")
    result = run_import(changed, file_name="b.xlsx")
    assert not result.ok
    text = problems_text(result)
    assert "Họ tên người gửi" in text and "nội dung khác" in text
    assert "Người Khác Hẳn" not in text and SECRET_NAME not in text


def test_bad_rows_are_refused_with_their_column_and_nothing_is_written(tmp_path):
    before = Letter.objects.count()
    path = book(
        tmp_path,
        letter_row(1),  # a good row: not written either
        letter_row(2, **{"Số CCCD người gửi": "12ab" + SECRET_ID}),
        letter_row(3, **{"Điện thoại người gửi": "gọi " + SECRET_PHONE}),
        letter_row(
            4,
            **{
                "Tình trạng": "Đang giải quyết",
                "Ngày kết luận": "",
                "Số kết luận": "",
                "Kết luận": "",
                "Ngày trả lời": "",
                "Trả lời người gửi": "",
            },
        ),  # fmt: skip
        letter_row(5, **{"Kết luận từng nội dung": "Tố cáo sai"}),
        letter_row(6, **{"Ngày nhận": ""}),
        letter_row(7, **{"Mã tổ chức": "KHONG.CO"}),
        letter_row(8, **{"Họ tên người gửi": ""}),
        letter_row(9, **{"Ngày trả lời": "01/05/2026"}),
        letter_row(10, **{"Tình trạng": "Không xem xét, lưu đơn"}),
        letter_row(11, **{"Đảng viên bị tố cáo": "KHONGCO99"}),
        letter_row(12, **{"Ngày nhận": "02/03/2026"}),  # QĐ 296: only true / false per item
        letter_row(13, **{"Loại đơn không rõ người gửi": "Giấu tên"}),  # not anonymous
        letter_row(14, **{"Phân loại nội dung": "Công tác cán bộ"}),  # 1 category, 2 items
        letter_row(15, **{"Phân loại nội dung": "Chuyện khác | "}),  # not in the lists
    )
    result = run_import(path, file_name=path.name)
    assert not result.ok and not result.written
    assert Letter.objects.count() == before
    by_row = {}
    for p in result.problems:
        by_row.setdefault(p.row, []).append((p.column, p.message))
    assert by_row[3] == [("Số CCCD người gửi", "Số CCCD không đúng dạng.")]
    assert by_row[4] == [("Điện thoại người gửi", "Số điện thoại có ký tự không phải chữ số.")]
    assert any("chưa kết luận" in m for _c, m in by_row[5])  # a verdict before concluding
    assert by_row[6][0][0] == "Kết luận từng nội dung" and "1 kết luận cho 2" in by_row[6][0][1]
    assert by_row[7][0][0] == "Ngày nhận"
    assert by_row[8][0][0] == "Mã tổ chức"
    assert by_row[9] == [("Họ tên người gửi", "Chưa ghi họ tên người gửi.")]
    assert by_row[10][0][0] == "Ngày trả lời"
    assert {c for c, _m in by_row[11]} >= {"Lý do không xem xét"}
    assert by_row[12][0][0] == "Đảng viên bị tố cáo"
    assert by_row[13][0][0] == "Kết luận từng nội dung" and "QĐ 296" in by_row[13][0][1]
    assert by_row[14] == [
        ("Loại đơn không rõ người gửi", "Có loại đơn không rõ người gửi mà cột «Nặc danh» không "
         "ghi Có.")
    ]  # fmt: skip
    assert by_row[15] == [("Phân loại nội dung", "Có 1 mục phân loại cho 2 nội dung.")]
    assert by_row[16][0][0] == "Phân loại nội dung"
    assert 2 not in by_row
    text = problems_text(result)
    for secret in (SECRET_ID, SECRET_PHONE, SECRET_NAME, SECRET_ADDRESS):
        assert secret not in text


def test_no_export_carries_a_letter(tmp_path):
    run_import(book(tmp_path, letter_row(1)), file_name="don-thu.xlsx")
    assert Letter.objects.filter(number=1, body__unit__code=UNIT).exists()
    rows = sheet_rows()
    assert rows[SHEET] == []
    assert SECRET_NAME not in str(rows) and SECRET_ID not in str(rows)


def test_the_upload_reaches_only_the_units_and_accused_the_user_may_change(tmp_path):
    from ktgs.accounts.access import Grant, Scope
    from ktgs.exchange.importer import Problem
    from ktgs.exchange.reach import outside_reach

    home = OrgUnit.objects.get(code=UNIT)
    scope = Scope(grants=(Grant(home.path, "inspector"),), roots=(home.path,))
    elsewhere = (
        Member.objects.live()
        .filter(current_unit__code__startswith="HA.DBK.002")
        .order_by("code")
        .values_list("code", flat=True)
        .first()
    )
    path = book(
        tmp_path,
        letter_row(1),
        letter_row(2, **{"Đảng viên bị tố cáo": f"{accused()}, {elsewhere}"}),
        letter_row(3, **{"Mã tổ chức": "HA.DBK.002"}),
    )
    problems = outside_reach(path, path.name, scope, Problem)
    assert sorted((p.row, p.column) for p in problems) == [
        (3, "Đảng viên bị tố cáo"),
        (4, "Mã tổ chức"),
    ]
    assert elsewhere in " ".join(p.message for p in problems)
