"""A re-import never undoes what a decision did to a membership (issue 11, defect 1): the
«Sinh hoạt» row of a member whose membership an expulsion, a strike-off or a transfer ended
cannot reopen it. The same file imported twice changes nothing; another file is refused, naming
the sheet, the row, the column and the decision."""

from datetime import date

import pytest

from ktgs.discipline.exchange import DECISIONS
from ktgs.exchange.importer import run_import
from ktgs.exchange.tests.helpers import headers, workbook
from ktgs.exchange.tests.test_discipline_import import EXPELLED_ON, decision_row, members
from ktgs.inspections.services import office_in_use_since_set
from ktgs.orgs.choices import MembershipEnd
from ktgs.orgs.models import Member, Membership, OrgUnit
from ktgs.orgs.services import member_transfer, membership_end

pytestmark = pytest.mark.django_db

CELL = "HA.DBK.001.01"
OTHER_CELL = "HA.DBK.001.02"
MEMBERSHIPS = "Sinh hoạt"
NUMBER = "07-QĐ/ĐU"


@pytest.fixture
def in_use_since_2020():
    """The 2019 expulsion by a cell is history: imported with a warning."""
    office_in_use_since_set(date(2020, 1, 1))


def open_row(code: str) -> list:
    """The member's stored open period in CELL, as a file still lists it (no end)."""
    starts = Membership.objects.get(member__code=code, unit__code=CELL).starts_on
    return [code, CELL, starts, "", "", "", ""]


def expulsion_book(tmp_path, code: str, name="khai-tru.xlsx"):
    """One file: the member's open «Sinh hoạt» row and a decision expelling them in 2019."""
    expel = {
        "Hình thức": "Khai trừ",
        "Số quyết định": NUMBER,
        "Ngày ký": EXPELLED_ON,
        "Ngày công bố": EXPELLED_ON,
        "Ngày nhận": "",
        "Vi phạm từ ngày": "01/01/2019",
        "Vi phạm đến ngày": "01/03/2019",
    }
    return workbook(
        tmp_path / name,
        {
            MEMBERSHIPS: [headers(MEMBERSHIPS), open_row(code)],
            DECISIONS.name: [headers(DECISIONS.name), decision_row("KL-02", code, **expel)],
        },
    )


def memberships_only(tmp_path, code: str):
    return workbook(
        tmp_path / "sinh-hoat.xlsx", {MEMBERSHIPS: [headers(MEMBERSHIPS), open_row(code)]}
    )


def ended(code: str) -> tuple:
    row = Membership.objects.get(member__code=code, unit__code=CELL)
    return row.ends_on, row.end_reason, row.decision


def test_the_same_file_twice_keeps_the_expulsion(tmp_path, in_use_since_2020):
    _first, code = members()
    path = expulsion_book(tmp_path, code)
    result = run_import(path, file_name=path.name)
    assert result.ok, result.problems
    assert ended(code) == (EXPELLED_ON, MembershipEnd.EXPELLED, NUMBER)

    again = run_import(path, file_name=path.name)
    assert again.ok, again.problems
    assert again.counts[MEMBERSHIPS] == {"created": 0, "updated": 0, "unchanged": 1}
    assert again.counts[DECISIONS.name] == {"created": 0, "updated": 0, "unchanged": 1}
    assert ended(code) == (EXPELLED_ON, MembershipEnd.EXPELLED, NUMBER)
    assert Member.objects.get(code=code).current_unit is None


def test_another_file_may_not_reopen_an_expulsion(tmp_path, in_use_since_2020):
    _first, code = members()
    assert run_import(expulsion_book(tmp_path, code), file_name="a.xlsx").ok
    path = memberships_only(tmp_path, code)
    result = run_import(path, file_name=path.name)
    assert not result.ok
    [p] = result.problems
    assert (p.sheet, p.row, p.column) == (MEMBERSHIPS, 2, "Đến trước ngày")
    assert code in p.message and "10/05/2019" in p.message
    assert f"quyết định khai trừ số {NUMBER}" in p.message and "không thể mở lại" in p.message
    assert "10/05/2019" in p.fix and "Khai trừ" in p.fix and "bỏ dòng này" in p.fix
    assert ended(code) == (EXPELLED_ON, MembershipEnd.EXPELLED, NUMBER)


@pytest.mark.parametrize(
    ("reason", "said"),
    [(MembershipEnd.STRUCK_OFF, "xóa tên"), (MembershipEnd.EXPELLED, "khai trừ")],
)
def test_a_strike_off_or_expulsion_entered_on_ktgs_is_not_reopened(tmp_path, reason, said):
    _first, code = members()
    membership_end(
        member=Member.objects.get(code=code), on=date(2021, 4, 1), reason=reason, decision=NUMBER
    )
    result = run_import(memberships_only(tmp_path, code), file_name="b.xlsx")
    assert not result.ok
    [p] = result.problems
    assert f"quyết định {said} số {NUMBER}" in p.message and "01/04/2021" in p.message
    assert ended(code) == (date(2021, 4, 1), reason, NUMBER)
    assert Member.objects.get(code=code).current_unit is None


def test_a_transfer_is_not_undone_by_an_old_file(tmp_path):
    _first, code = members()
    member_transfer(
        member=Member.objects.get(code=code),
        to_unit=OrgUnit.objects.get(code=OTHER_CELL),
        on=date(2021, 4, 1),
        decision=NUMBER,
    )
    result = run_import(memberships_only(tmp_path, code), file_name="c.xlsx")
    assert not result.ok
    [p] = result.problems  # not also «sinh hoạt ở hai nơi cùng lúc»: one reason, said once
    assert "chuyển sinh hoạt" in p.message and "01/04/2021" in p.message
    assert ended(code) == (date(2021, 4, 1), MembershipEnd.TRANSFERRED, NUMBER)
    assert Member.objects.get(code=code).current_unit.code == OTHER_CELL


def test_a_first_import_creating_the_member_then_the_same_file_again_changes_nothing(tmp_path):
    """The cell, the member, their open «Sinh hoạt» row and the expulsion all in one file (a
    2022 decision kept with its warnings as history before in_use_since 2023)."""
    from ktgs.exchange.tests.test_dry_run import NEW_MEMBER, first_import

    office_in_use_since_set(date(2023, 1, 1))
    path = first_import(tmp_path, "Khai trừ", "lan-dau.xlsx")
    first = run_import(path, file_name=path.name)
    assert first.ok and first.written, first.problems
    period = Membership.objects.get(member__code=NEW_MEMBER)
    assert period.end_reason == MembershipEnd.EXPELLED

    again = run_import(path, file_name=path.name)
    assert again.ok, again.problems
    assert {c["created"] + c["updated"] for c in again.counts.values()} == {0}
    assert Membership.objects.get(member__code=NEW_MEMBER).ends_on == period.ends_on
    assert Member.objects.get(code=NEW_MEMBER).current_unit is None
