"""What a file may touch when a user imports it from the page (ktgs/exchange/reach.py)."""

import openpyxl
import pytest

from ktgs.accounts.access import visible_to
from ktgs.exchange import format
from ktgs.exchange.importer import Problem, _concerned_unit
from ktgs.exchange.reach import covers_everything, outside_reach
from ktgs.exchange.reader import read_book
from ktgs.orgs.models import Member, OrgUnit


def _book(path, units: list[str], links: list[tuple[str, str]]):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = format.UNITS.name
    sheet.append(format.UNITS.headers)
    for code in units:
        row = {"Mã tổ chức": code, "Tên tổ chức": f"Chi bộ {code}", "Mã loại": "cell",
               "Ngày thành lập": "01/01/2020"}  # fmt: skip
        sheet.append([row.get(h, "") for h in format.UNITS.headers])
    linked = book.create_sheet(format.LINKS.name)
    linked.append(format.LINKS.headers)
    for unit, parent in links:
        row = {"Mã tổ chức": unit, "Mã cấp trên": parent, "Từ ngày": "01/01/2020"}
        linked.append([row.get(h, "") for h in format.LINKS.headers])
    book.save(path)
    return path


@pytest.mark.django_db
def test_new_units_must_hang_under_a_unit_the_user_may_change(cast, tmp_path):
    scope = visible_to(cast["grassroots_officer"])  # HA.DBK.001
    path = _book(
        tmp_path / "to-chuc.xlsx",
        ["HA.DBK.001.98", "HA.DBK.001.99", "HA.DBK.002.99", "MOI.GOC"],
        [
            ("HA.DBK.001.98", "HA.DBK.001"),
            ("HA.DBK.001.99", "HA.DBK.001.98"),
            ("HA.DBK.002.99", "HA.DBK.002"),
        ],  # fmt: skip
    )
    problems = outside_reach(path, path.name, scope, Problem)
    named = {p.message.split("«")[1].split("»")[0] for p in problems}
    assert named == {"HA.DBK.002.99", "HA.DBK.002", "MOI.GOC"}
    assert all(p.sheet in ("Tổ chức", "Trực thuộc") and p.row and p.fix for p in problems)


@pytest.mark.django_db
def test_no_demo_user_covers_the_whole_tree_so_every_page_import_is_checked(cast):
    assert not any(covers_everything(visible_to(user)) for user in cast.values())


def _many_members(tmp_path, known: list[str], total: int = 300_000):
    """«Đảng viên.csv» naming the `known` codes, then new codes up to `total`."""
    codes = known + [f"MOI{n:06d}" for n in range(total - len(known))]
    path = tmp_path / f"{format.MEMBERS.name}.csv"
    path.write_text("Mã đảng viên\n" + "\n".join(codes) + "\n", encoding="utf-8")
    return path


def _first_member_in(prefix: str) -> str:
    return Member.objects.filter(current_unit__code__startswith=prefix).first().code


@pytest.mark.django_db
def test_a_file_of_300_000_member_codes_is_checked_without_too_many_sql_variables(cast, tmp_path):
    """One `code IN (…)` of 300.000 codes is past SQLite's limit (32.766; 999 on old builds)."""
    scope = visible_to(cast["grassroots_officer"])  # HA.DBK.001
    inside, outside = _first_member_in("HA.DBK.001."), _first_member_in("HA.DBK.002.")
    path = _many_members(tmp_path, [inside, outside])
    problems = outside_reach(path, path.name, scope, Problem)
    named = {p.message.split("«")[1].split("»")[0] for p in problems}
    assert named == {outside}  # new codes of the file are new members; the inside one is allowed


@pytest.mark.django_db
def test_the_unit_an_import_of_300_000_member_codes_concerns_is_found(cast, tmp_path):
    """The audit event of the import names the lowest unit above what the file touches."""
    known = [_first_member_in("HA.DBK.001."), _first_member_in("HA.DBK.002.")]
    path = _many_members(tmp_path, known)
    book = read_book(path, path.name, Problem)
    unit_id = _concerned_unit(book, cast["grassroots_officer"])
    assert unit_id == OrgUnit.objects.get(code="HA.DBK").pk
