"""Next-number suggestions and numbers taken: one sequence per (type, symbol, committee term);
the committee and its standing committee share it, the UBKT has its own; a duplicate is refused."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from ktgs.documents.models import IssuerSymbol, NumberUse
from ktgs.documents.services import number_use, suggest_next_number
from ktgs.orgs.choices import BodyKind
from ktgs.orgs.models import Body, Term

IN_FIRST_TERM = date(2021, 4, 16)  # 22-NQ/ĐUK of the example report
IN_SECOND_TERM = date(2026, 2, 2)


@pytest.fixture
def bloc_bodies(db):
    bodies = Body.objects.filter(unit__code="HA.DBK").exclude(kind=BodyKind.ADVISORY)
    return {b.kind: b for b in bodies}


def test_demo_seeds_the_symbols_of_the_report(db, bloc_bodies):
    symbols = {
        (s.body.unit.code, s.body.kind): s.symbol
        for s in IssuerSymbol.objects.select_related("body__unit").filter(
            body__unit__code__in=["HA", "HA.DBK", "HA.DBK.001"]
        )
    }
    assert symbols[("HA.DBK", BodyKind.COMMITTEE)] == "ĐUK"
    assert symbols[("HA.DBK", BodyKind.STANDING)] == "ĐUK"
    assert symbols[("HA.DBK", BodyKind.INSPECTION)] == "UBKTĐUK"
    assert symbols[("HA", BodyKind.STANDING)] == "TU"  # 04-ĐA/TU: Ban Thường vụ Tỉnh ủy
    assert symbols[("HA.DBK.001", BodyKind.COMMITTEE)] == "ĐU"


def test_first_number_of_a_term_is_01(bloc_bodies):
    assert suggest_next_number(bloc_bodies[BodyKind.COMMITTEE], "CTr", IN_FIRST_TERM) == (
        "01-CTr/ĐUK"
    )


def test_committee_and_standing_committee_share_one_sequence(bloc_bodies):
    committee, standing = bloc_bodies[BodyKind.COMMITTEE], bloc_bodies[BodyKind.STANDING]
    number_use(committee, "21-NQ/ĐUK", date(2021, 3, 1))
    number_use(standing, "22-NQ/ĐUK", IN_FIRST_TERM)
    assert suggest_next_number(committee, "NQ", IN_FIRST_TERM) == "23-NQ/ĐUK"
    assert suggest_next_number(standing, "NQ", IN_FIRST_TERM) == "23-NQ/ĐUK"
    assert suggest_next_number(standing, "KH", IN_FIRST_TERM) == "01-KH/ĐUK"  # per type


def test_the_ubkt_has_its_own_symbol_and_sequence(bloc_bodies):
    number_use(bloc_bodies[BodyKind.COMMITTEE], "05-QĐ/ĐUK", IN_FIRST_TERM)
    ubkt = bloc_bodies[BodyKind.INSPECTION]
    assert suggest_next_number(ubkt, "QĐ", IN_FIRST_TERM) == "01-QĐ/UBKTĐUK"
    number_use(ubkt, "01-QĐ/UBKTĐUK", IN_FIRST_TERM)
    assert suggest_next_number(ubkt, "QĐ", IN_FIRST_TERM) == "02-QĐ/UBKTĐUK"


def test_a_new_committee_term_starts_again_at_01(bloc_bodies):
    committee = bloc_bodies[BodyKind.COMMITTEE]
    number_use(committee, "22-NQ/ĐUK", IN_FIRST_TERM)
    second = Term.objects.get(unit__code="HA.DBK", name="2025–2030")
    assert suggest_next_number(committee, "NQ", IN_SECOND_TERM) == "01-NQ/ĐUK"
    number_use(committee, "22-NQ/ĐUK", IN_SECOND_TERM)  # the same number, another term
    assert NumberUse.objects.filter(number="22-NQ/ĐUK").count() == 2
    assert NumberUse.objects.get(number="22-NQ/ĐUK", term=second).issued_on == IN_SECOND_TERM


def test_a_number_taken_twice_in_a_term_is_refused_with_the_next_free_one(bloc_bodies):
    committee, standing = bloc_bodies[BodyKind.COMMITTEE], bloc_bodies[BodyKind.STANDING]
    number_use(committee, "22-NQ/ĐUK", IN_FIRST_TERM)
    with pytest.raises(ValidationError) as caught:
        number_use(standing, " 22 - NQ/ĐUK", date(2021, 5, 2))
    message = caught.value.message_dict["number"][0]
    assert "22-NQ/ĐUK đã được dùng trong nhiệm kỳ 2020–2025" in message
    assert "23-NQ/ĐUK" in message
    assert NumberUse.objects.filter(number="22-NQ/ĐUK").count() == 1


def test_a_number_with_another_symbol_or_a_state_shape_is_refused(bloc_bodies):
    ubkt = bloc_bodies[BodyKind.INSPECTION]
    with pytest.raises(ValidationError, match="ký văn bản với ký hiệu UBKTĐUK"):
        number_use(ubkt, "03-QĐ/ĐUK", IN_FIRST_TERM)
    with pytest.raises(ValidationError, match="Số văn bản của Đảng viết là 03-QĐ/UBKTĐUK"):
        number_use(ubkt, "03/QĐ-UBKTĐUK", IN_FIRST_TERM)
    assert not NumberUse.objects.exists()


def test_no_symbol_or_no_term_on_the_day_is_said_plainly(bloc_bodies):
    advisory = Body.objects.filter(unit__code="HA.DBK", kind=BodyKind.ADVISORY).first()
    with pytest.raises(ValidationError, match="chưa có ký hiệu cơ quan ban hành"):
        suggest_next_number(advisory, "BC", IN_FIRST_TERM)
    with pytest.raises(ValidationError, match="không có nhiệm kỳ cấp ủy nào vào ngày 01/01/2019"):
        suggest_next_number(bloc_bodies[BodyKind.COMMITTEE], "BC", date(2019, 1, 1))
