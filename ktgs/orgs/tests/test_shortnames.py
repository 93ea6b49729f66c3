"""Names as the reports write them (docs/reports.md «Tên gọi tắt»): recorded and dated, derived
where none is recorded, looked up for many bodies in one query, recorded through the service."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ktgs.audit.models import AuditEvent
from ktgs.orgs import restructure
from ktgs.orgs.choices import BodyKind, UnitAttributeKey
from ktgs.orgs.models import Body, OrgUnit, UnitAttribute
from ktgs.orgs.shortnames import (
    ShortName,
    body_short_name,
    body_short_names,
    committee_short_name,
    committee_short_name_record,
    derive_committee,
)
from ktgs.reports import names

pytestmark = pytest.mark.django_db
REFERENCE = date(2023, 6, 30)
KEY = UnitAttributeKey.COMMITTEE_SHORT_NAME
KINDS = (BodyKind.COMMITTEE, BodyKind.STANDING, BodyKind.INSPECTION)


def body(code: str, kind: str) -> Body:
    return Body.objects.get(unit__code=code, kind=kind)


# --- the derived default: how the committees are usually called ---------------------------------


@pytest.mark.parametrize(
    ("name", "short_name", "expected"),
    [
        ("Đảng bộ tỉnh Hòa An", "", "Tỉnh ủy Hòa An"),
        ("Đảng bộ Thành phố Hồ Chí Minh", "", "Thành ủy Hồ Chí Minh"),
        ("Đảng bộ huyện Kim Sơn", "", "Huyện ủy Kim Sơn"),
        ("Đảng bộ quận Ba Đình", "", "Quận ủy Ba Đình"),
        ("Đảng bộ thị xã Sơn Tây", "", "Thị ủy Sơn Tây"),
        ("Đảng bộ xã Yên Lạc", "", "Đảng ủy xã Yên Lạc"),
        # the short name, when it says what the unit is, is what the reports shorten
        ("Đảng bộ Khối Cơ quan và Doanh nghiệp tỉnh", "Đảng bộ Khối", "Đảng ủy Khối"),
        ("Đảng bộ Công ty Điện lực", "PC Hòa An", "Đảng ủy Công ty Điện lực"),
        ("Chi bộ Văn phòng", "", "Chi ủy Văn phòng"),
        ("Ban Cán sự đảng Tòa án", "", "Cấp ủy Ban Cán sự đảng Tòa án"),
    ],
)
def test_derived_committee_name(name, short_name, expected):
    assert derive_committee(name, short_name) == expected


# --- the demo's recorded names ------------------------------------------------------------------


def test_demo_bodies_read_like_the_example_report():
    ids = {(code, kind): body(code, kind).pk for code in ("HA", "HA.DBK") for kind in KINDS}
    found = body_short_names(ids.values(), REFERENCE)
    assert {key: found[pk] for key, pk in ids.items()} == {
        ("HA", BodyKind.COMMITTEE): ShortName("Tỉnh ủy"),
        ("HA", BodyKind.STANDING): ShortName("BTV Tỉnh ủy"),
        ("HA", BodyKind.INSPECTION): ShortName("UBKT Tỉnh ủy"),
        ("HA.DBK", BodyKind.COMMITTEE): ShortName("Đảng ủy Khối"),
        ("HA.DBK", BodyKind.STANDING): ShortName("BTV Đảng ủy Khối"),
        ("HA.DBK", BodyKind.INSPECTION): ShortName("UBKT Đảng ủy Khối"),
    }


def test_without_a_record_the_name_is_derived_and_marked():
    base = OrgUnit.objects.get(code="HA.DBK.001")
    assert not UnitAttribute.objects.filter(unit=base, key=KEY).exists()
    expected = derive_committee(base.name, base.short_name)
    assert committee_short_name(base, REFERENCE) == ShortName(expected, derived=True)
    assert body_short_name(body("HA.DBK.001", BodyKind.INSPECTION), REFERENCE) == ShortName(
        f"UBKT {expected}", derived=True
    )
    # a cell's meeting is the cell, by its name
    cell = OrgUnit.objects.get(code="HA.DBK.001.01")
    assert body_short_name(body(cell.code, BodyKind.CELL_MEETING), REFERENCE).text == cell.name


def test_the_derived_name_follows_the_units_name_on_the_day():
    base = OrgUnit.objects.get(code="HA.DBK.002")
    old = base.name
    on = timezone.localdate() - timedelta(days=10)
    restructure.unit_rename(unit=base, name="Đảng bộ Công ty Cấp nước Hòa An", on=on)
    assert committee_short_name(base, on - timedelta(days=1)).text == derive_committee(old)
    assert committee_short_name(base, on).text == "Đảng ủy Công ty Cấp nước Hòa An"


def test_many_bodies_in_one_query():
    ids = list(Body.objects.values_list("pk", flat=True))
    with CaptureQueriesContext(connection) as ctx:
        found = body_short_names(ids, REFERENCE)
    assert len(ctx.captured_queries) == 1
    assert len(found) == len(ids) > 100


def test_reports_names_reexports_and_labels_the_grassroots_group():
    assert names.body_short_names is body_short_names
    assert names.grassroots_group() == "Đảng ủy, chi bộ cơ sở"
    assert names.grassroots_group(lower=True) == "đảng ủy, chi bộ cơ sở"


# --- recording a name from a date ---------------------------------------------------------------


def test_a_new_name_ends_the_previous_one_and_is_audited():
    bloc = OrgUnit.objects.get(code="HA.DBK")
    on = date(2024, 1, 1)
    row = committee_short_name_record(unit=bloc, name="  Đảng ủy  Khối tỉnh ", on=on)
    assert row.value == "Đảng ủy Khối tỉnh" and row.starts_on == on and row.ends_on is None
    previous = UnitAttribute.objects.get(unit=bloc, key=KEY, value="Đảng ủy Khối")
    assert previous.ends_on == on
    assert committee_short_name(bloc, on - timedelta(days=1)).text == "Đảng ủy Khối"
    assert committee_short_name(bloc, on).text == "Đảng ủy Khối tỉnh"
    staff = body_short_name(body("HA.DBK", BodyKind.STANDING), on)
    assert staff == ShortName("BTV Đảng ủy Khối tỉnh")
    event = AuditEvent.objects.get(action="orgs.unit.committee_short_name")
    assert event.changes == {"committee_short_name": ["Đảng ủy Khối", "Đảng ủy Khối tỉnh"]}
    # the same day again corrects the row instead of adding one
    committee_short_name_record(unit=bloc, name="Đảng ủy Khối CQ&DN", on=on)
    assert UnitAttribute.objects.filter(unit=bloc, key=KEY).count() == 2
    assert committee_short_name(bloc, on).text == "Đảng ủy Khối CQ&DN"


@pytest.mark.parametrize(
    ("name", "on", "field", "words"),
    [
        ("", date(2024, 1, 1), "name", "Chưa nhập"),
        ("Đảng ủy\x07Khối", date(2024, 1, 1), "name", "ký tự"),
        ("x" * 121, date(2024, 1, 1), "name", "120"),
        ("Đảng ủy Khối", date(2024, 1, 1), "name", "đã mang"),
        ("Đảng ủy Khối mới", date(1970, 1, 1), "on", "thành lập"),
        ("Đảng ủy Khối mới", None, "on", "Chưa nhập"),
        ("Đảng ủy Khối mới", date.today() + timedelta(days=400), "on", "chưa đến"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(name, on, field, words):
    bloc = OrgUnit.objects.get(code="HA.DBK")
    before = list(UnitAttribute.objects.filter(unit=bloc, key=KEY).values())
    with pytest.raises(ValidationError) as error:
        committee_short_name_record(unit=bloc, name=name, on=on)
    assert words in " ".join(error.value.message_dict[field])
    assert list(UnitAttribute.objects.filter(unit=bloc, key=KEY).values()) == before
    assert not AuditEvent.objects.filter(action="orgs.unit.committee_short_name").exists()


def test_a_name_before_a_later_recorded_one_is_refused():
    bloc = OrgUnit.objects.get(code="HA.DBK")
    committee_short_name_record(unit=bloc, name="Đảng ủy Khối mới", on=date(2024, 1, 1))
    with pytest.raises(ValidationError) as error:
        committee_short_name_record(unit=bloc, name="Đảng ủy Khối cũ", on=date(2023, 1, 1))
    assert "muộn hơn" in error.value.message_dict["on"][0]
