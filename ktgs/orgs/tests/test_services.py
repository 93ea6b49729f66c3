"""Service rules: what is refused, with which Vietnamese message, and that nothing is written."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from ktgs.audit.models import AuditEvent
from ktgs.core.citizen_id import make_citizen_id
from ktgs.orgs import selectors, services
from ktgs.orgs.choices import BodyKind, MembershipEnd, MemberStatus, SeatRole
from ktgs.orgs.models import Member, Membership, OrgUnit, UnitLink
from ktgs.orgs.tests.factories import bloc, kind, new_member, new_unit

pytestmark = pytest.mark.django_db


def errors_of(exc_info) -> dict:
    return exc_info.value.message_dict


def test_unit_create_places_unit_in_tree_with_bodies_and_audit():
    base = new_unit("base_committee", bloc(), name="Đảng bộ Sở Thử nghiệm")
    assert base.path.startswith(bloc().path) and base.depth == bloc().depth + 1
    assert UnitLink.objects.get(unit=base).parent == bloc()
    kinds = set(base.bodies.values_list("kind", flat=True))
    assert kinds == {BodyKind.COMMITTEE, BodyKind.STANDING, BodyKind.INSPECTION}
    assert AuditEvent.objects.filter(action="orgs.unit.created", target_id=str(base.pk)).exists()


def test_unit_parent_kind_not_allowed_is_refused_and_nothing_written():
    cell = new_unit("base_cell", bloc())
    before = OrgUnit.objects.count()
    with pytest.raises(ValidationError) as exc:
        new_unit("base_committee", cell)
    assert "không thể trực thuộc" in errors_of(exc)["parent"][0]
    assert OrgUnit.objects.count() == before


def test_unit_move_refuses_a_cycle():
    base = new_unit("base_committee", bloc())
    part = new_unit("partial_committee", base)
    with pytest.raises(ValidationError) as exc:
        services.unit_move(unit=base, new_parent=part, on=date(2024, 1, 1))
    assert "thành vòng" in errors_of(exc)["parent"][0]


def test_unit_move_is_dated_and_subtree_follows():
    province = OrgUnit.objects.get(code="HA")
    other = new_unit("superior", province, name="Đảng ủy thử")
    base = new_unit("base_committee", bloc())
    cell = new_unit("cell", base)
    services.unit_move(unit=base, new_parent=other, on=date(2024, 1, 1))
    cell.refresh_from_db()
    assert cell.path.startswith(other.path)
    assert selectors.parent_on(base, date(2023, 12, 31)) == bloc()
    assert selectors.parent_on(base, date(2024, 1, 1)) == other
    assert selectors.unit_contains_on(bloc(), cell, date(2023, 6, 30))
    assert not selectors.unit_contains_on(bloc(), cell, date(2024, 6, 30))


def test_member_names_are_normalised_and_keys_derived():
    cell = new_unit("base_cell", bloc())
    nfd = "Nguye\u0302\u0303n"
    member = new_member(cell, given="Ho\u0300a", family_name=nfd)
    assert member.full_name == "Nguyễn Văn Hòa"
    assert member.search_key == "nguyen van hoa"
    assert member.status_on(date(2005, 12, 31)) == MemberStatus.PROBATIONARY
    assert member.status_on(date(2006, 5, 6)) == MemberStatus.FULL
    assert member.status_on(date(2000, 1, 1)) is None


@pytest.mark.parametrize(
    ("fields", "field", "fragment"),
    [
        ({"citizen_id": "001080"}, "citizen_id", "12"),
        ({"citizen_id": "003080012345"}, "citizen_id", "003"),
        ({"citizen_id": "001180012345"}, "citizen_id", "1"),  # female digit for a man
        ({"old_id_number": "12345"}, "old_id_number", "9"),
        ({"given_name": "  "}, "given_name", "Tên"),
        ({"official_on": date(2004, 1, 1)}, "official_on", "trước ngày vào Đảng"),
        ({"admitted_on": date(1970, 1, 1)}, "admitted_on", "sau ngày sinh"),
    ],
)
def test_member_bad_input_is_refused_by_field(fields, field, fragment):
    cell = new_unit("base_cell", bloc())
    before = Member.objects.count()
    with pytest.raises(ValidationError) as exc:
        new_member(cell, **fields)
    assert fragment in " ".join(errors_of(exc)[field])
    assert Member.objects.count() == before


def test_citizen_id_of_another_member_is_refused_but_voided_frees_it():
    cell = new_unit("base_cell", bloc())
    cid = make_citizen_id("001", date(1980, 3, 4), "M", 424242)
    first = new_member(cell, citizen_id=cid)
    with pytest.raises(ValidationError) as exc:
        new_member(cell, citizen_id=cid)
    # The service names no one: the pages name a member the user sees (orgs.lookups).
    message = errors_of(exc)["citizen_id"][0]
    assert "đã được đăng ký cho một đảng viên khác" in message
    assert first.full_name not in message
    services.member_void(member=first, reason="Nhập trùng hồ sơ")
    assert new_member(cell, citizen_id=cid).citizen_id == cid


def test_member_must_be_registered_in_a_cell():
    base = new_unit("base_committee", bloc())
    with pytest.raises(ValidationError) as exc:
        new_member(base)
    assert "chi bộ" in errors_of(exc)["unit"][0]


def test_transfer_keeps_history_and_moves_current_unit():
    base = new_unit("base_committee", bloc())
    a, b = new_unit("cell", base), new_unit("cell", base)
    member = new_member(a)
    services.member_transfer(member=member, to_unit=b, on=date(2020, 1, 1), decision="12-QĐ/ĐU")
    member.refresh_from_db()
    assert member.current_unit == b
    history = list(Membership.objects.filter(member=member).order_by("starts_on"))
    assert [(m.unit, m.ends_on, m.end_reason) for m in history] == [
        (a, date(2020, 1, 1), MembershipEnd.TRANSFERRED),
        (b, None, ""),
    ]
    with pytest.raises(ValidationError):
        services.member_transfer(member=member, to_unit=a, on=date(2019, 1, 1))


def test_membership_end_removes_member_from_current_counts():
    cell = new_unit("base_cell", bloc())
    member = new_member(cell)
    services.membership_end(member=member, on=date(2024, 2, 1), reason=MembershipEnd.DECEASED)
    member.refresh_from_db()
    assert member.current_unit is None
    assert selectors.unit_glance(cell).members_total == 0


def test_seat_outside_the_bodys_subtree_is_refused():
    base_a = new_unit("base_committee", bloc())
    base_b = new_unit("base_committee", bloc())
    member = new_member(new_unit("cell", base_b))
    body = base_a.bodies.get(kind=BodyKind.COMMITTEE)
    with pytest.raises(ValidationError) as exc:
        services.seat_add(
            member=member, body=body, role=SeatRole.COMMITTEE_MEMBER, starts_on=date(2020, 7, 1)
        )
    assert "không thuộc" in errors_of(exc)["member"][0]
    own = base_b.bodies.get(kind=BodyKind.INSPECTION)
    with pytest.raises(ValidationError) as exc:
        services.seat_add(
            member=member, body=own, role=SeatRole.SECRETARY, starts_on=date(2020, 7, 1)
        )
    assert "role" in errors_of(exc)
    seat = services.seat_add(
        member=member, body=own, role=SeatRole.INSPECTION_CHAIR, starts_on=date(2020, 7, 1)
    )
    assert seat.holds_on(date(2023, 6, 30))


def test_seat_before_the_member_was_registered_is_refused():
    cell = new_unit("base_cell", bloc())
    member = new_member(cell)  # admitted 06/05/2005
    body = cell.bodies.get(kind=BodyKind.COMMITTEE)
    with pytest.raises(ValidationError) as exc:
        services.seat_add(
            member=member, body=body, role=SeatRole.SECRETARY, starts_on=date(2004, 1, 1)
        )
    assert "01/01/2004" in errors_of(exc)["member"][0]


def test_two_heads_at_once_are_refused():
    cell = new_unit("base_cell", bloc())
    first, second = new_member(cell), new_member(cell, given="Bình")
    services.head_set(unit=cell, member=first, starts_on=date(2020, 1, 1), ends_on=date(2025, 1, 1))
    with pytest.raises(ValidationError) as exc:
        services.head_set(unit=cell, member=second, starts_on=date(2024, 1, 1))
    assert first.full_name in errors_of(exc)["starts_on"][0]
    assert services.head_set(unit=cell, member=second, starts_on=date(2025, 1, 1))


def test_void_needs_a_reason_and_hides_the_member():
    cell = new_unit("base_cell", bloc())
    member = new_member(cell)
    with pytest.raises(ValidationError):
        services.member_void(member=member, reason=" ")
    services.member_void(member=member, reason="Nhập nhầm")
    assert Member.objects.filter(pk=member.pk).exists()
    assert not Member.objects.live().filter(pk=member.pk).exists()
    event = AuditEvent.objects.get(action="orgs.member.voided", target_id=str(member.pk))
    assert event.details["reason"] == "Nhập nhầm"


def test_member_update_audits_changes_and_redacts_citizen_id():
    cell = new_unit("base_cell", bloc())
    member = new_member(cell)
    cid = make_citizen_id("048", date(1980, 3, 4), "M", 777)
    services.member_update(member=member, given_name="Bảo", citizen_id=cid)
    event = AuditEvent.objects.filter(action="orgs.member.updated").latest("id")
    assert event.changes["given_name"] == ["An", "Bảo"]
    assert event.changes["citizen_id"] == ["***", "***"]
    assert cid not in str(event.changes)


def test_kinds_are_data_with_allowed_parents():
    assert set(kind("cell").allowed_parents.values_list("code", flat=True)) == {
        "base_committee",
        "partial_committee",
        "sub_base_committee",
    }
    assert kind("base_committee").has_inspection_commission
    assert not kind("cell").is_grassroots and kind("base_cell").is_grassroots


def test_a_membership_overlapping_another_is_refused():
    base = new_unit("base_committee", bloc())
    a, b = new_unit("cell", base), new_unit("cell", base)
    # admitted 01/02/2000, registered in a from 06/05/2005 (open)
    member = services.member_create(
        code="TESTOVERLAP",
        unit=a,
        starts_on=date(2005, 5, 6),
        family_name="Lê",
        middle_name="Thị",
        given_name="Hoa",
        birth_date=date(1975, 1, 1),
        sex="F",
        admitted_on=date(2000, 2, 1),
        official_on=date(2001, 2, 1),
    )
    past = {"member": member, "unit": b, "end_reason": MembershipEnd.TRANSFERRED}
    with pytest.raises(ValidationError) as exc:
        services.membership_add(**past, starts_on=date(2004, 1, 1), ends_on=date(2006, 1, 1))
    assert "trùng" in errors_of(exc)["starts_on"][0]
    with pytest.raises(ValidationError) as exc:
        services.membership_add(**past, starts_on=date(1999, 1, 1), ends_on=date(2001, 1, 1))
    assert "01/02/2000" in errors_of(exc)["starts_on"][0]
    earlier = services.membership_add(**past, starts_on=date(2000, 2, 1), ends_on=date(2005, 5, 6))
    assert earlier.unit == b and member.memberships.count() == 2


@pytest.mark.parametrize(
    ("fields", "field", "fragment"),
    [
        ({"family_name": "Nguyễn\nVăn"}, "family_name", "Họ có ký tự điều khiển (xuống dòng"),
        ({"middle_name": "V\u202ean"}, "middle_name", "Tên đệm có ký tự điều khiển (U+202E"),
        ({"given_name": "An\x00"}, "given_name", "Tên có ký tự điều khiển (ký tự rỗng"),
        ({"given_name": "A\u200bn"}, "given_name", "Tên có ký tự ẩn (khoảng trắng không độ"),
        ({"family_name": "\ufeffLê"}, "family_name", "Họ có ký tự ẩn (dấu BOM, U+FEFF)"),
    ],
)
def test_member_names_with_control_characters_are_refused_not_cleaned(fields, field, fragment):
    cell = new_unit("base_cell", bloc())
    before = Member.objects.count(), AuditEvent.objects.count()
    with pytest.raises(ValidationError) as exc:
        new_member(cell, **fields)
    assert fragment in errors_of(exc)[field][0]
    assert (Member.objects.count(), AuditEvent.objects.count()) == before


def test_unit_names_with_invisible_characters_are_refused():
    base = new_unit("base_committee", bloc())
    cell = new_unit("cell", base)
    with pytest.raises(ValidationError) as exc:
        services.unit_update(unit=cell, name="Chi bộ\u200d 1")
    assert "Tên tổ chức có ký tự ẩn (ký tự nối, U+200D)" in errors_of(exc)["name"][0]
    with pytest.raises(ValidationError) as exc:
        services.unit_create(
            code="T.X1",
            name="Chi bộ\u2060thử",
            kind=kind("cell"),
            parent=base,
            starts_on=date(2001, 1, 1),
        )
    assert "Tên tổ chức có ký tự ẩn (ký tự nối từ, U+2060)" in errors_of(exc)["name"][0]


def test_unit_and_decision_text_with_control_characters_is_refused():
    base = new_unit("base_committee", bloc())
    cell_a, cell_b = new_unit("cell", base), new_unit("cell", base)
    with pytest.raises(ValidationError) as exc:
        services.unit_create(
            code="T.X\r1",
            name="Chi bộ\u2028thử",
            kind=kind("cell"),
            parent=base,
            starts_on=date(2001, 1, 1),
        )
    assert set(errors_of(exc)) == {"code", "name"}
    with pytest.raises(ValidationError) as exc:
        services.unit_update(unit=cell_a, name="Chi bộ \x1b[31m")
    assert "ESC" in errors_of(exc)["name"][0]
    member = new_member(cell_a)
    with pytest.raises(ValidationError) as exc:
        services.member_transfer(
            member=member, to_unit=cell_b, on=date(2020, 1, 1), decision="12-QĐ/ĐU\n"
        )
    assert "Số quyết định" in errors_of(exc)["decision"][0]
    member.refresh_from_db()
    assert member.current_unit == cell_a
    with pytest.raises(ValidationError) as exc:
        services.unit_move(unit=cell_b, new_parent=bloc(), on=date(2020, 1, 1), decision="\t1")
    assert "decision" in errors_of(exc)


def test_void_reason_may_span_lines_but_not_hold_other_control_characters():
    cell = new_unit("base_cell", bloc())
    member = new_member(cell)
    with pytest.raises(ValidationError) as exc:
        services.member_void(member=member, reason="Nhập trùng\x07")
    assert "Lý do hủy hồ sơ" in errors_of(exc)["reason"][0]
    services.member_void(member=member, reason="Nhập trùng.\nHồ sơ đúng là TEST00001.")
    member.refresh_from_db()
    assert member.is_voided and "\n" in member.void_reason


def test_membership_end_reason_must_be_one_of_the_listed_reasons():
    cell = new_unit("base_cell", bloc())
    member = new_member(cell)
    with pytest.raises(ValidationError) as exc:
        services.membership_end(member=member, on=date(2021, 1, 1), reason="bỏ đi")
    assert "lý do" in errors_of(exc)["reason"][0]


def test_decision_numbers_are_party_document_numbers_in_canonical_form():
    base = new_unit("base_committee", bloc())
    cell_a, cell_b = new_unit("cell", base), new_unit("cell", base)
    member = new_member(cell_a)
    with pytest.raises(ValidationError) as exc:
        services.member_transfer(
            member=member, to_unit=cell_b, on=date(2020, 1, 1), decision="12/QĐ-ĐUK"
        )
    assert "12-QĐ/ĐUK" in errors_of(exc)["decision"][0]  # the Party form is suggested
    services.member_transfer(
        member=member, to_unit=cell_b, on=date(2020, 1, 1), decision=" 5 - QĐ / ĐUK "
    )
    assert Membership.objects.get(member=member, unit=cell_b).decision == "05-QĐ/ĐUK"
