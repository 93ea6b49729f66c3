"""Vietnamese order and diacritic-blind search give the same rows on SQLite and PostgreSQL."""

import random

import pytest

from ktgs.accounts.access import Grant, Scope
from ktgs.orgs import selectors
from ktgs.orgs.tests.factories import bloc, new_member, new_unit

pytestmark = pytest.mark.django_db

# Typed from the issue: a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y, tones
# none, huyền, hỏi, ngã, sắc, nặng.
EXPECTED = [
    "Anh", "Ành", "Ảnh", "Ãnh", "Ánh", "Ạnh", "Ân", "Bình", "Cường", "Dũng", "Duy", "Đức",
    "Giang", "Hà", "Hải", "Hòa", "Hùng", "Hưng", "Khánh", "Long", "Minh", "Ngọc", "Oanh", "Ơn",
    "Phúc", "Quân", "Sơn", "Thảo", "Tùng", "Uyên", "Ước", "Vân", "Xuân", "Yến",
]  # fmt: skip


def scope_of(unit):
    return Scope(grants=(Grant(unit.path, "inspector"),), roots=(unit.path,))


@pytest.fixture
def named_cell():
    cell = new_unit("base_cell", bloc(), name="Chi bộ thử sắp xếp")
    shuffled = EXPECTED[:]
    random.Random(7).shuffle(shuffled)
    for given in shuffled:
        new_member(cell, given=given)
    return cell


def test_member_list_is_in_vietnamese_order_on_this_engine(named_cell):
    rows = selectors.member_list(scope=scope_of(named_cell), unit=named_cell)
    assert [m.given_name for m in rows] == EXPECTED


def test_given_then_middle_then_family(named_cell):
    new_member(named_cell, given="Anh", middle_name="Văn Minh", family_name="Lê")
    new_member(named_cell, given="Anh", middle_name="Văn", family_name="Trần")
    new_member(named_cell, given="Anh", middle_name="Văn", family_name="Đặng")
    rows = selectors.member_list(scope=scope_of(named_cell), unit=named_cell, q="anh")
    assert [m.full_name for m in rows][:4] == [
        "Đặng Văn Anh",
        "Nguyễn Văn Anh",
        "Trần Văn Anh",
        "Lê Văn Minh Anh",
    ]


@pytest.mark.parametrize(
    "query", ["nguyen van", "NGUYEN VAN", "Nguyễn Văn", "Nguye\u0302\u0303n Va\u0306n"]
)
def test_search_ignores_diacritics_and_case(named_cell, query):
    rows = selectors.member_list(scope=scope_of(named_cell), unit=named_cell, q=query)
    assert len(rows) == len(EXPECTED)


def test_both_tone_placements_find_the_same_rows(named_cell):
    scope = scope_of(named_cell)
    a = list(selectors.member_list(scope=scope, unit=named_cell, q="hoà"))
    b = list(selectors.member_list(scope=scope, unit=named_cell, q="hòa"))
    assert a == b and [m.given_name for m in a] == ["Hòa"]


def test_search_stays_inside_the_scope(named_cell):
    other = new_unit("base_cell", bloc())
    new_member(other, given="Anh")
    rows = selectors.member_list(scope=scope_of(named_cell), q="nguyen van anh")
    assert {m.current_unit_id for m in rows} == {named_cell.pk}
