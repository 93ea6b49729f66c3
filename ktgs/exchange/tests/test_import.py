"""`run_import` on real files built with openpyxl or written as CSV bytes, against the demo."""

import zipfile
from datetime import date

import pytest
from django.test import override_settings

from ktgs.audit.models import AuditEvent
from ktgs.core.citizen_id import make_citizen_id
from ktgs.exchange.errors import FileRefused
from ktgs.exchange.importer import ACTION, run_import
from ktgs.exchange.reader import read_book
from ktgs.exchange.tests.helpers import (
    EXTERNAL,
    LAUGHS,
    SHARED_STRINGS,
    SHEET,
    entity_workbook,
    headers,
    workbook,
)
from ktgs.orgs.choices import MembershipEnd
from ktgs.orgs.models import Member, Membership, OrgUnit

pytestmark = pytest.mark.django_db

CELL = "HA.DBK.001.01"
MEMBER_HEADERS = headers("Đảng viên")
MEMBERSHIP_HEADERS = headers("Sinh hoạt")


def member_row(code, given, birth, cid="", admitted="02/09/2015"):
    return [code, "Trần", "Văn", given, birth, "Nam", cid, "", admitted, "", ""]


def twin_of(member):
    """A new member carrying `member`'s citizen ID (with a birth date and sex that fit it)."""
    row = member_row("NV0002", "Bình", member.birth_date, member.citizen_id)
    row[5] = member.get_sex_display()
    return row


def two_new_members(tmp_path):
    """Two new members, dates typed three ways: a date cell, dd/mm/yyyy and d/m/yyyy."""
    cid = make_citizen_id("001", date(1990, 9, 5), "M", 424242)
    return workbook(
        tmp_path / "dang-vien.xlsx",
        {
            "Đảng viên": [
                MEMBER_HEADERS,
                member_row("NV0001", "An", date(1990, 9, 5), cid),
                member_row("NV0002", "Bình", "5/9/1991", admitted="2/9/2016"),
            ],
            "Sinh hoạt": [
                MEMBERSHIP_HEADERS,
                ["NV0001", CELL, "02/09/2015", "", "", "", ""],
                ["NV0002", CELL, date(2016, 9, 2), "", "", "", ""],
            ],
        },
    )


def test_new_members_are_written_once_and_a_second_import_changes_nothing(tmp_path):
    path = two_new_members(tmp_path)
    events = AuditEvent.objects.filter(action=ACTION).count()
    result = run_import(path, file_name=path.name)
    assert result.ok, result.problems
    assert result.counts["Đảng viên"] == {"created": 2, "updated": 0, "unchanged": 0}
    an = Member.objects.select_related("current_unit").get(code="NV0001")
    assert (an.full_name, an.search_key, an.current_unit.code) == (
        "Trần Văn An",
        "tran van an",
        CELL,
    )
    assert Member.objects.get(code="NV0002").birth_date == date(1991, 9, 5)
    event = AuditEvent.objects.filter(action=ACTION).latest("seq")
    assert event.details["sha256"] == result.sha256
    assert event.details["counts"]["Sinh hoạt"]["created"] == 2

    again = run_import(path, file_name=path.name)
    assert again.ok
    assert again.counts["Đảng viên"] == {"created": 0, "updated": 0, "unchanged": 2}
    assert again.counts["Sinh hoạt"] == {"created": 0, "updated": 0, "unchanged": 2}
    assert Membership.objects.filter(member__code__in=["NV0001", "NV0002"]).count() == 2
    assert AuditEvent.objects.filter(action=ACTION).count() == events + 2


def test_dry_run_checks_without_writing(tmp_path):
    path = two_new_members(tmp_path)
    result = run_import(path, file_name=path.name, dry_run=True)
    assert result.ok and result.counts["Đảng viên"]["created"] == 2
    assert not Member.objects.filter(code="NV0001").exists()


def test_progress_goes_through_the_three_phases(tmp_path):
    path = two_new_members(tmp_path)
    seen = []
    run_import(path, file_name=path.name, progress=lambda phase, done, total: seen.append(phase))
    assert [p for i, p in enumerate(seen) if i == 0 or seen[i - 1] != p] == [
        "doc",
        "kiemtra",
        "ghi",
    ]


def test_a_bad_workbook_names_every_problem_and_writes_nothing(tmp_path):
    other = Member.objects.get(code="DV000002")
    book = workbook(
        tmp_path / "loi.xlsx",
        {
            "Đảng viên": [
                MEMBER_HEADERS,
                member_row("NV0001", "An", "1990-09-05"),  # ISO date: refused
                twin_of(other),
                member_row("NV0003", "Cường", "05/09/1990"),
                member_row("NV0004", "=1+2", "05/09/1990"),  # a formula, row 5
                member_row("NV0005", "Dũng", "05/09/1990"),
            ],
            "Sinh hoạt": [
                MEMBERSHIP_HEADERS,
                ["NV0003", CELL, "02/09/2015", "", "", "", ""],
                ["NV0003", "HA.DBK.001.02", "01/01/2020", "", "", "", ""],  # two cells at once
                ["NV0005", "HA.DBK.001", "02/09/2015", "", "", "", ""],  # not a cell
            ],
            "Nhiệm kỳ": [["Mã tổ chức", "Tên nhiệm kỳ", "Từ ngày", "Đến trước ngày"]],
            "Ghi chú": [["ghi chú của tôi"]],
        },
    )
    from openpyxl import load_workbook

    wb = load_workbook(book)
    wb["Đảng viên"].merge_cells("B6:C6")
    wb.save(book)

    count = Member.objects.count()
    result = run_import(book, file_name=book.name)
    assert not result.ok
    found = {(p.sheet, p.row, p.column) for p in result.problems}
    assert ("Đảng viên", 2, "Ngày sinh") in found
    assert ("Đảng viên", 3, "Số CCCD") in found
    assert ("Đảng viên", 5, "D") in found  # the formula cell
    assert ("Đảng viên", 6, "B") in found  # the merged range
    assert ("Sinh hoạt", 3, "Từ ngày") in found
    assert ("Sinh hoạt", 4, "Mã chi bộ") in found
    assert ("Nhiệm kỳ", 1, "B") in found and ("Nhiệm kỳ", 1, "Nhiệm kỳ") in found
    assert ("Ghi chú", None, None) in found
    by_place = {(p.sheet, p.row, p.column): p for p in result.problems}
    # A stored member holding the number may lie outside the importer's scope: named by nothing.
    taken = by_place["Đảng viên", 3, "Số CCCD"].message
    assert "đã được đăng ký cho một đảng viên khác" in taken and "DV000002" not in taken
    assert "hai nơi cùng lúc" in by_place["Sinh hoạt", 3, "Từ ngày"].message
    assert "Dán giá trị" in by_place["Đảng viên", 5, "D"].fix
    assert all(p.fix for p in result.problems)
    assert Member.objects.count() == count


def test_a_latin1_csv_is_refused_with_how_to_save_as_utf8(tmp_path):
    path = tmp_path / "Đảng viên.csv"
    path.write_bytes(",".join(MEMBER_HEADERS).encode("cp1258", errors="replace"))
    with pytest.raises(FileRefused, match="CSV UTF-8"):
        run_import(path, file_name=path.name)


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_a_utf8_csv_with_or_without_bom_updates_by_member_code(tmp_path, bom):
    m = Member.objects.get(code="DV000001")
    row = [m.code, m.family_name, m.middle_name, "Thư Mới", m.birth_date.strftime("%d/%m/%Y")]
    row += ["Nữ", m.citizen_id, m.old_id_number, m.admitted_on.strftime("%-d/%-m/%Y"), "", ""]
    if m.official_on:
        row[9] = m.official_on.strftime("%d/%m/%Y")
    path = tmp_path / "Dang vien.csv"
    path.write_bytes(bom + "\n".join([",".join(MEMBER_HEADERS), ",".join(row)]).encode())
    result = run_import(path, file_name=path.name)
    assert result.ok, result.problems
    assert result.counts["Đảng viên"] == {"created": 0, "updated": 1, "unchanged": 0}
    m.refresh_from_db()
    assert m.given_name == "Thư Mới" and m.search_key.endswith("thu moi")


def test_a_zip_bomb_is_refused_before_parsing(tmp_path):
    path = tmp_path / "bom.zip"
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("Đảng viên.csv", "w") as f,
    ):
        for _ in range(60):
            f.write(b"0" * (1 << 20))
    assert path.stat().st_size < 1 << 20
    with pytest.raises(FileRefused, match="giải nén"):
        run_import(path, file_name=path.name)


def test_oversize_and_unknown_files_are_refused(tmp_path):
    path = two_new_members(tmp_path)
    with override_settings(KTGS_IMPORT_MAX_MB=0), pytest.raises(FileRefused, match="giới hạn"):
        run_import(path, file_name=path.name)
    old = tmp_path / "cu.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    with pytest.raises(FileRefused, match=".xlsx"):
        run_import(old, file_name=old.name)
    odd = tmp_path / "ghichu.csv"
    odd.write_text("a,b\n", encoding="utf-8")
    with pytest.raises(FileRefused, match="tên của một sheet"):
        run_import(odd, file_name=odd.name)


def membership_csv(tmp_path, member, unit, transfer=""):
    current = member.memberships.get(ends_on__isnull=True)
    path = tmp_path / "Sinh hoạt.csv"
    row = [member.code, unit, current.starts_on.strftime("%d/%m/%Y"), "", "", "QĐ 12", transfer]
    path.write_text(",".join(MEMBERSHIP_HEADERS) + "\n" + ",".join(row), encoding="utf-8")
    return path


def test_a_new_cell_with_a_transfer_date_is_a_transfer(tmp_path):
    member = Member.objects.get(code="DV000001")
    old_unit = member.current_unit
    path = membership_csv(tmp_path, member, CELL, transfer="01/03/2024")
    result = run_import(path, file_name=path.name)
    assert result.ok, result.problems
    rows = list(
        member.memberships.order_by("starts_on").values_list("unit__code", "ends_on", "end_reason")
    )
    assert rows == [
        (old_unit.code, date(2024, 3, 1), MembershipEnd.TRANSFERRED),
        (CELL, None, ""),
    ]
    member.refresh_from_db()
    assert member.current_unit.code == CELL
    again = run_import(path, file_name=path.name)
    assert again.counts["Sinh hoạt"] == {"created": 0, "updated": 0, "unchanged": 1}
    assert member.memberships.count() == 2


def test_a_new_cell_without_a_transfer_date_corrects_the_row(tmp_path):
    member = Member.objects.get(code="DV000001")
    path = membership_csv(tmp_path, member, CELL)
    result = run_import(path, file_name=path.name)
    assert result.counts["Sinh hoạt"] == {"created": 0, "updated": 1, "unchanged": 0}
    assert list(member.memberships.values_list("unit__code", "ends_on")) == [(CELL, None)]
    member.refresh_from_db()
    assert member.current_unit.code == CELL


def test_a_move_that_makes_a_cycle_and_a_seat_on_a_missing_body_are_refused(tmp_path):
    member = Member.objects.get(code="DV000001")
    book = workbook(
        tmp_path / "cay.xlsx",
        {
            "Trực thuộc": [
                headers("Trực thuộc"),
                ["HA.DBK", "HA.DBK.001", "01/01/2024", "", ""],
            ],
            "Cấp ủy viên": [
                headers("Cấp ủy viên"),
                [member.code, CELL, "Ủy ban kiểm tra", "Ủy viên UBKT", "", "01/01/2024", ""],
            ],
            "Người đứng đầu": [
                headers("Người đứng đầu"),
                ["HA.DBK.001", member.code, "01/06/2025", ""],
            ],
        },
    )
    result = run_import(book, file_name=book.name)
    messages = {(p.sheet, p.column): p.message for p in result.problems}
    assert "không thuộc «" in messages["Người đứng đầu", "Mã đảng viên"]
    assert "thành vòng" in " ".join(p.message for p in result.problems if p.sheet == "Trực thuộc")
    assert "không có ủy ban kiểm tra" in messages["Cấp ủy viên", "Cơ quan"]
    assert OrgUnit.objects.get(code="HA.DBK").links.count() == 1


def test_problem_report_lists_where_what_and_how(tmp_path):
    import python_calamine

    from ktgs.exchange.importer import Problem
    from ktgs.exchange.report import write_problem_report

    out = write_problem_report(
        [Problem("Đảng viên", 3, "Ngày sinh", "=sai", "Nhập ngày dạng ngày/tháng/năm")],
        tmp_path / "loi.xlsx",
    )
    rows = python_calamine.CalamineWorkbook.from_path(str(out)).get_sheet_by_index(0).to_python()
    assert rows[0] == ["Sheet", "Dòng", "Cột", "Lỗi", "Cách sửa"]
    assert rows[1][:4] == ["Đảng viên", 3.0, "Ngày sinh", "'=sai"]


def test_an_updated_file_changes_linked_fields_by_key(tmp_path):
    from ktgs.exchange.format import SHEETS
    from ktgs.exchange.orgdata import load_rows, sorted_rows
    from ktgs.orgs.models import CommitteeSeat, Term, UnitLink

    loaded = load_rows()
    seat = sorted_rows(SHEETS["Cấp ủy viên"], loaded["Cấp ủy viên"])[0]
    other_term = Term.objects.filter(unit__code=seat["unit"]).exclude(name=seat["term"]).first()
    link = sorted_rows(SHEETS["Trực thuộc"], loaded["Trực thuộc"])[0]

    def cells(sheet_name, values):
        sheet = SHEETS[sheet_name]
        out = []
        for column in sheet.columns:
            value = column.cell(values.get(column.field))
            out.append(value if value is not None else "")
        return out

    book = workbook(
        tmp_path / "sua.xlsx",
        {
            "Cấp ủy viên": [
                headers("Cấp ủy viên"),
                cells("Cấp ủy viên", {**seat, "term": other_term.name}),
            ],
            "Trực thuộc": [
                headers("Trực thuộc"),
                cells("Trực thuộc", {**link, "decision": "QĐ 9"}),
            ],
        },
    )
    result = run_import(book, file_name=book.name)
    assert result.ok, result.problems
    assert result.counts["Cấp ủy viên"]["updated"] == 1
    assert CommitteeSeat.objects.get(pk=seat["pk"]).term == other_term
    assert UnitLink.objects.get(pk=link["pk"]).decision == "QĐ 9"
    assert UnitLink.objects.get(pk=link["pk"]).parent.code == link["parent"]


def test_xml_with_entities_is_refused_and_openpyxl_reads_through_defusedxml(tmp_path):
    from openpyxl.xml import DEFUSEDXML

    from ktgs.exchange.exporter import write_template

    assert DEFUSEDXML  # openpyxl parses with defusedxml when it is installed (it is pinned)
    template = write_template(tmp_path / "mau.xlsx")
    evil = tmp_path / "thuc-the.xlsx"
    with zipfile.ZipFile(template) as src, zipfile.ZipFile(evil, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/workbook.xml":
                body = data.split(b"?>", 1)[-1]
                data = b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaa">]>' + body
            dst.writestr(info, data)
    with pytest.raises(FileRefused, match="khai báo DTD hoặc thực thể XML"):
        run_import(evil, file_name=evil.name)


def _problem(*args):
    return args


def test_the_hand_made_workbook_is_read_without_a_dtd(tmp_path):
    """The crafted files below differ from this one only by their DTD: the refusal is for it."""
    book = read_book(entity_workbook(tmp_path / "sach.xlsx", part=None), "sach.xlsx", _problem)
    assert [(raw.sheet.name, raw.rows[0][1][:2]) for raw in book.sheets] == [
        ("Đảng viên", ["DV990001", "Nguyễn"])
    ]


@pytest.mark.parametrize("part", [SHARED_STRINGS, SHEET])
@pytest.mark.parametrize("dtd", [LAUGHS, EXTERNAL], ids=["billion-laughs", "xxe"])
def test_a_workbook_declaring_entities_is_refused_with_a_clear_message(tmp_path, part, dtd):
    path = entity_workbook(tmp_path / "thuc-the.xlsx", part=part, dtd=dtd)
    with pytest.raises(FileRefused) as refused:
        run_import(path, file_name=path.name)
    message = str(refused.value)
    assert "khai báo DTD hoặc thực thể XML" in message and f"«{part}»" in message
    assert "chép dữ liệu sang một sổ tính mới" in message
    assert not Member.objects.filter(code="DV990001").exists()


def test_a_sheet_calamine_cannot_read_is_refused_not_a_crash(tmp_path):
    """Whatever else calamine fails on while reading a sheet is a refusal, not a traceback."""
    good = entity_workbook(tmp_path / "sach.xlsx", part=None)
    broken = tmp_path / "hong.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(broken, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == SHEET:
                data = data.replace(b"Nguy", b"&undeclared;Nguy")
            dst.writestr(info, data)
    with pytest.raises(FileRefused, match="hỏng"):
        run_import(broken, file_name=broken.name)
