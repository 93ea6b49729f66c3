"""Programme services: good input, and each refusal (nothing written)."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from ktgs.audit.models import AuditEvent
from ktgs.core.choices import InspectionKind
from ktgs.inspections.services import SubjectInput, inspection_create
from ktgs.orgs.models import Body, Member, Term
from ktgs.programmes import services
from ktgs.programmes.models import Programme, ProgrammeItem
from ktgs.programmes.tests.conftest import add_item, body_of, unit

pytestmark = pytest.mark.django_db


def create(**kw) -> Programme:
    args = dict(
        body=body_of("HA.DBK.001"),
        year=2026,
        number="01-CTr/UBKTĐU",
        issued_on=date(2025, 12, 20),
        title="Chương trình kiểm tra, giám sát năm 2026",
    )
    args.update(kw)
    return services.programme_create(**args)


def messages(exc) -> str:
    return " ".join(exc.value.messages)


def test_create_stores_canonical_number_and_audits():
    p = create(number=" 1 - CTr / UBKTĐU ")
    assert p.number == "01-CTr/UBKTĐU" and p.body.kind == "inspection"
    event = AuditEvent.objects.get(action="programmes.programme.created", target_id=str(p.pk))
    assert event.details["year"] == 2026


@pytest.mark.parametrize("kind", ["committee", "standing"])
def test_committee_and_standing_committee_may_issue(kind):
    assert create(body=body_of("HA.DBK", kind), number="05-CTr/ĐUK").body.kind == kind


def test_other_document_type_is_refused_with_the_expected_shape():
    with pytest.raises(ValidationError) as exc:
        create(number="03-KH/UBKTĐU")
    text = messages(exc)
    assert "kế hoạch (KH)" in text and "NN-CTr/<ký hiệu>" in text and "03-CTr/UBKTĐU" not in text
    assert "02-CTr/UBKTĐU" in text  # the example uses the issuer typed
    assert not Programme.objects.filter(body__unit__code="HA.DBK.001").exists()


def test_state_style_number_is_refused():
    with pytest.raises(ValidationError) as exc:
        create(number="01/2026/CTr-UBKTĐU")
    assert "nhà nước" in messages(exc) and "NN-CTr" in messages(exc)


def test_body_that_issues_no_programme_is_refused():
    advisory = Body.objects.filter(unit__code="HA.DBK", kind="advisory").first()
    with pytest.raises(ValidationError) as exc:
        create(body=advisory)
    assert "không ban hành chương trình" in messages(exc)


def test_second_live_programme_for_body_and_year_is_refused_until_the_first_is_voided():
    first = create()
    with pytest.raises(ValidationError) as exc:
        create(number="02-CTr/UBKTĐU")
    assert "đã có chương trình năm 2026 (01-CTr/UBKTĐU)" in messages(exc)
    services.programme_void(first, reason="Nhập nhầm")
    assert create(number="02-CTr/UBKTĐU").year == 2026
    assert create(year=2025, number="09-CTr/UBKTĐU", issued_on=date(2025, 1, 5)).year == 2025


@pytest.mark.parametrize(
    ("issued_on", "ok"),
    [(date(2025, 12, 1), True), (date(2026, 6, 30), True), (date(2025, 11, 30), False)],
)
def test_issued_in_the_year_or_the_december_before(issued_on, ok):
    if ok:
        assert create(issued_on=issued_on).issued_on == issued_on
    else:
        with pytest.raises(ValidationError) as exc:
            create(issued_on=issued_on)
        assert "tháng 12/2025" in messages(exc)


def test_item_add_numbers_items_and_month_implies_quarter(programme):
    a = add_item(programme, 1)
    b = add_item(programme, 2, quarter=None, month=8)
    assert (a.position, b.position) == (1, 2)
    assert (b.quarter, b.month) == (3, 8)
    assert [s.unit.code for s in a.subjects.all()] == ["HA.DBK.001"]
    assert (
        AuditEvent.objects.filter(
            action="programmes.item.added", target_id=str(programme.pk)
        ).count()
        == 2
    )


def test_item_with_members_and_units_of_the_subtree(programme):
    member = Member.objects.live().filter(current_unit__code="HA.DBK.003.01").first()
    item = add_item(programme, subjects=[unit("HA.DBK.002"), member, member])
    assert item.subjects.count() == 2  # the member given twice is kept once


@pytest.mark.parametrize("outside", ["HA.CQD.001", "HA"])
def test_subject_unit_outside_the_bodys_subtree_is_refused(programme, outside):
    with pytest.raises(ValidationError) as exc:
        add_item(programme, subjects=[unit(outside)])
    assert "không thuộc" in messages(exc) and "Điều 30" in messages(exc)
    assert not programme.items.exists()


def test_subject_member_outside_the_bodys_subtree_is_refused(programme):
    member = Member.objects.live().filter(current_unit__code__startswith="HA.CQD.").first()
    with pytest.raises(ValidationError) as exc:
        add_item(programme, subjects=[member])
    assert member.code in messages(exc)


@pytest.mark.parametrize(
    ("quarter", "month", "field"),
    [
        (0, None, "quarter"),
        (5, None, "quarter"),
        (None, 13, "month"),
        (None, 0, "month"),
        (None, None, "quarter"),
        (1, 5, "quarter"),
    ],
)
def test_bad_quarter_or_month_is_refused(programme, quarter, month, field):
    with pytest.raises(ValidationError) as exc:
        add_item(programme, quarter=quarter, month=month)
    assert field in exc.value.error_dict
    assert not programme.items.exists()


def test_item_needs_subjects_or_a_note_and_a_known_kind(programme):
    with pytest.raises(ValidationError) as exc:
        add_item(programme, subjects=[])
    assert "subjects" in exc.value.error_dict
    assert add_item(programme, subjects=[], subject_note="Một số chi bộ trực thuộc").subject_note
    with pytest.raises(ValidationError):
        add_item(programme, kind="audit")


def test_an_item_topic_with_an_invisible_character_is_refused(programme):
    with pytest.raises(ValidationError) as exc:
        add_item(programme, topic="Giám sát\ufeff chuyên đề")
    assert "Nội dung có ký tự ẩn (dấu BOM, U+FEFF)" in exc.value.message_dict["topic"][0]
    assert not programme.items.exists()


def test_item_update_replaces_subjects_and_records_changes(programme):
    item = add_item(programme)
    services.item_update(
        item,
        kind=InspectionKind.COMPLIANCE,
        topic="Kiểm tra việc chấp hành quy chế",
        month=11,
        subjects=[unit("HA.DBK.005")],
    )
    item.refresh_from_db()
    assert (item.kind, item.quarter, item.month) == ("compliance", 4, 11)
    assert [s.unit.code for s in item.subjects.all()] == ["HA.DBK.005"]
    event = AuditEvent.objects.get(action="programmes.item.updated")
    assert set(event.changes) >= {"kind", "topic", "subjects", "month", "quarter"}


def test_item_remove_renumbers_and_is_refused_once_an_inspection_exists(programme):
    items = [add_item(programme, n) for n in (1, 2, 3)]
    services.item_remove(items[0])
    assert list(programme.items.values_list("position", "topic")) == [
        (1, "Giám sát chuyên đề số 2"),
        (2, "Giám sát chuyên đề số 3"),
    ]
    inspection_create(
        body=programme.body,
        kind=items[1].kind,
        decided_on=date(2026, 4, 2),
        decision_number="41-QĐ/UBKTĐUK",
        topic=items[1].topic,
        subjects=[SubjectInput(unit=unit("HA.DBK.002"))],
        programme_item=items[1],
    )
    with pytest.raises(ValidationError) as exc:
        services.item_remove(items[1])
    assert "Đã có cuộc kiểm tra, giám sát" in messages(exc)
    assert ProgrammeItem.objects.filter(pk=items[1].pk).exists()


def test_void_needs_a_reason_and_is_refused_with_a_live_inspection(programme):
    item = add_item(programme)
    with pytest.raises(ValidationError):
        services.programme_void(programme, reason="  ")
    inspection_create(
        body=programme.body,
        kind=item.kind,
        decided_on=date(2026, 4, 2),
        decision_number="42-QĐ/UBKTĐUK",
        topic=item.topic,
        subjects=[SubjectInput(unit=unit("HA.DBK.001"))],
        programme_item=item,
    )
    with pytest.raises(ValidationError) as exc:
        services.programme_void(programme, reason="Nhập nhầm")
    assert "nội dung 1" in messages(exc)
    programme.refresh_from_db()
    assert not programme.is_voided


def test_voided_programme_takes_no_items(programme):
    services.programme_void(programme, reason="Nhập nhầm")
    with pytest.raises(ValidationError) as exc:
        add_item(programme)
    assert "đã bị hủy" in messages(exc)


def test_same_number_refused_within_a_term_allowed_in_the_next():
    terms = list(Term.objects.filter(unit__code="HA.DBK.001").order_by("starts_on"))
    assert len(terms) == 2 and terms[0].ends_on.year == 2025
    create(year=2024, issued_on=date(2024, 1, 5))
    with pytest.raises(ValidationError) as exc:
        create(year=2025, issued_on=date(2025, 1, 5))
    assert "cùng nhiệm kỳ" in messages(exc)
    assert create(year=2026, issued_on=date(2026, 1, 5)).number == "01-CTr/UBKTĐU"
