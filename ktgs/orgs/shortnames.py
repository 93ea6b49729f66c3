"""Names as the reports write them (docs/reports.md, «Tên gọi tắt»): "Đảng ủy Khối", "BTV Đảng ủy
Khối", "UBKT Đảng ủy Khối", "BTV Tỉnh ủy", "Chi bộ Văn phòng". Tables and reviews use them; the
record pages keep the full names (`Body.name`, `OrgUnit.name`).

* The committee's short name of a unit is a dated unit attribute
  (`UnitAttributeKey.COMMITTEE_SHORT_NAME`, text), recorded by `committee_short_name_record` or
  imported in the «Thuộc tính» sheet. The bodies' names derive from it: the committee is it,
  the standing committee "BTV " + it, the UBKT "UBKT " + it; a cell's meeting is the cell's name.
* Where none holds on the day, it is derived from the unit's name that day (`derive_committee`:
  "Đảng bộ tỉnh X" → "Tỉnh ủy X", "Đảng bộ Khối" → "Đảng ủy Khối", "Chi bộ X" → "Chi ủy X") and
  marked `derived`, so that a page can say it is not a recorded name.

Here (not in `reports`) because the figures pages of inspections and discipline use it too;
`ktgs.reports.names` re-exports it for the reports.
"""

import re
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, JSONField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from ktgs.audit.services import record
from ktgs.core.dates import reject_future
from ktgs.core.models import Dated
from ktgs.core.validators import reject_control_chars_in
from ktgs.core.vietnamese import format_date, nfc
from ktgs.orgs.choices import BodyKind, UnitAttributeKey
from ktgs.orgs.models import Body, OrgUnit, UnitAttribute, UnitName
from ktgs.orgs.services import decision_number

KEY = UnitAttributeKey.COMMITTEE_SHORT_NAME
MAX_LENGTH = 120
# the grassroots committees and cells taken together, as the reports write the group
GRASSROOTS_GROUP = "Đảng ủy, chi bộ cơ sở"
STANDING_PREFIX, INSPECTION_PREFIX = "BTV", "UBKT"

# "Đảng bộ <territory> X" → "<committee> X", as the territorial committees are called
_TERRITORIAL = (
    ("tỉnh", "Tỉnh ủy"),
    ("thành phố", "Thành ủy"),
    ("thị xã", "Thị ủy"),
    ("huyện", "Huyện ủy"),
    ("quận", "Quận ủy"),
)
_UNIT_WORD = re.compile(r"(đảng bộ|chi bộ)\s+(\S.*)", re.IGNORECASE)


@dataclass(frozen=True)
class ShortName:
    text: str
    derived: bool = False  # no recorded name held that day: derived from the unit's name

    def __str__(self) -> str:
        return self.text


def derive_committee(name: str, short_name: str = "") -> str:
    """The committee's usual name from the unit's: the short name first when it says what the
    unit is ("Đảng bộ Khối" → "Đảng ủy Khối"), else the name; "Cấp ủy " + name otherwise."""
    for source in (short_name, name):
        match = _UNIT_WORD.fullmatch(nfc(source or "").strip())
        if match is None:
            continue
        word, rest = match.group(1).lower(), match.group(2)
        if word == "chi bộ":
            return f"Chi ủy {rest}"
        for territory, committee in _TERRITORIAL:
            if rest.lower().startswith(territory + " "):
                return f"{committee} {rest[len(territory) + 1 :]}"
        return f"Đảng ủy {rest}"
    return f"Cấp ủy {name}"


def _committee(recorded, name_on: str, short_on: str) -> ShortName:
    if isinstance(recorded, str) and recorded.strip():
        return ShortName(recorded.strip())
    return ShortName(derive_committee(name_on, short_on), derived=True)


def _of_body(kind: str, body_name: str, committee: ShortName, name_on: str) -> ShortName:
    if kind == BodyKind.COMMITTEE:
        return committee
    if kind == BodyKind.STANDING:
        return ShortName(f"{STANDING_PREFIX} {committee.text}", committee.derived)
    if kind == BodyKind.INSPECTION:
        return ShortName(f"{INSPECTION_PREFIX} {committee.text}", committee.derived)
    if kind == BodyKind.CELL_MEETING:
        return ShortName(name_on)
    return ShortName(body_name)


# --- reads -------------------------------------------------------------------------------------


def _annotations(on: date, unit: str) -> dict:
    """Subqueries for the unit reached through `unit` ("" for OrgUnit itself, "unit__" for a
    Body): the recorded committee name on `on`, and the unit's name and short name that day
    (a closed `UnitName` row if one holds, else today's, as `asof.present_on` reads them)."""
    ref = OuterRef(f"{unit}pk")
    recorded = UnitAttribute.objects.filter(Dated.q_on(on), unit=ref, key=KEY).order_by(
        "-starts_on"
    )
    dated = UnitName.objects.filter(Dated.q_on(on), unit=ref, ends_on__isnull=False)
    return {
        "sn_recorded": Subquery(recorded.values("value")[:1], output_field=JSONField()),
        "sn_name": Coalesce(Subquery(dated.values("name")[:1]), F(f"{unit}name")),
        "sn_short": Coalesce(Subquery(dated.values("short_name")[:1]), F(f"{unit}short_name")),
    }


def with_short_names(bodies: QuerySet[Body], on: date) -> QuerySet[Body]:
    """`bodies` annotated for `short_name_of` / `committee_of` (no extra query per body)."""
    return bodies.annotate(**_annotations(on, "unit__"))


def committee_of(body: Body) -> ShortName:
    """The committee's short name of an annotated body's unit (`with_short_names`)."""
    return _committee(body.sn_recorded, body.sn_name, body.sn_short)


def short_name_of(body: Body) -> ShortName:
    """The short name of a body annotated by `with_short_names`."""
    return _of_body(body.kind, body.name, committee_of(body), body.sn_name)


def body_short_names(body_ids, on: date) -> dict[int, ShortName]:
    """{body id: its short name on `on`} in one query."""
    rows = with_short_names(Body.objects.filter(pk__in=list(body_ids)), on)
    return {body.pk: short_name_of(body) for body in rows}


def body_short_name(body: Body, on: date) -> ShortName:
    return body_short_names([body.pk], on)[body.pk]


def committee_short_names(unit_ids, on: date) -> dict[int, ShortName]:
    """{unit id: its committee's short name on `on`} in one query."""
    rows = OrgUnit.objects.filter(pk__in=list(unit_ids)).annotate(**_annotations(on, ""))
    return {u.pk: _committee(u.sn_recorded, u.sn_name, u.sn_short) for u in rows}


def committee_short_name(unit: OrgUnit, on: date) -> ShortName:
    return committee_short_names([unit.pk], on)[unit.pk]


def committee_formal_names(unit_ids, on: date) -> dict[int, ShortName]:
    """{unit id: its committee's name as a document's issuer block writes it on `on`}
    (docs/documents.md): derived from the unit's name that day ("Đảng bộ tỉnh Hòa An" → "Tỉnh
    ủy Hòa An", "Đảng bộ Khối Cơ quan …" → "Đảng ủy Khối Cơ quan …"), since the recorded short
    name is the report's in-text form ("Tỉnh ủy") and a heading needs the whole name; when the
    unit's name does not say what the unit is, the recorded short name, else "Cấp ủy " + name
    (`derived`). One query."""
    rows = OrgUnit.objects.filter(pk__in=list(unit_ids)).annotate(**_annotations(on, ""))
    out = {}
    for u in rows:
        name = nfc(u.sn_name or "").strip()
        if _UNIT_WORD.fullmatch(name):
            out[u.pk] = ShortName(derive_committee(name))
        else:
            out[u.pk] = _committee(u.sn_recorded, u.sn_name, u.sn_short)
    return out


def committee_formal_name(unit: OrgUnit, on: date) -> ShortName:
    return committee_formal_names([unit.pk], on)[unit.pk]


def recorded_names(unit: OrgUnit) -> QuerySet[UnitAttribute]:
    """The committee short names recorded for `unit`, latest first (the unit page's history)."""
    return UnitAttribute.objects.filter(unit=unit, key=KEY).order_by("-starts_on")


# --- the write ---------------------------------------------------------------------------------


def clean_short_name(value) -> str:
    """A recorded short name is text: not empty, no control characters, at most 120 letters."""
    if not isinstance(value, str):
        raise ValidationError({"name": "Tên gọi tắt của cấp ủy phải là chữ, ví dụ «Đảng ủy Khối»."})
    reject_control_chars_in({"name": value}, {"name": "Tên gọi tắt"})
    text = " ".join(nfc(value).split())
    if not text:
        raise ValidationError({"name": "Chưa nhập tên gọi tắt, ví dụ «Đảng ủy Khối»."})
    if len(text) > MAX_LENGTH:
        raise ValidationError({"name": f"Tên gọi tắt dài quá {MAX_LENGTH} ký tự."})
    return text


@transaction.atomic
def committee_short_name_record(
    *, unit: OrgUnit, name: str, on: date, decision: str = ""
) -> UnitAttribute:
    """From `on` the reports call `unit`'s committee `name`; the name recorded before ends the
    day before. A name recorded from the same day is corrected in place."""
    name = clean_short_name(name)
    decision = decision_number(decision)
    if on is None:
        raise ValidationError({"on": "Chưa nhập ngày bắt đầu dùng tên gọi tắt."})
    reject_future(on=on)
    unit = OrgUnit.objects.select_for_update().get(pk=unit.pk)
    if unit.is_voided or unit.closed_on is not None:
        raise ValidationError({"name": f"«{unit.name}» đã giải thể hoặc là hồ sơ đã hủy."})
    if on < unit.established_on:
        raise ValidationError(
            {
                "on": f"«{unit.name}» thành lập ngày {format_date(unit.established_on)}; "
                "ngày bắt đầu dùng tên gọi tắt không thể trước ngày đó."
            }
        )
    rows = UnitAttribute.objects.filter(unit=unit, key=KEY)
    later = rows.filter(starts_on__gt=on).order_by("starts_on").first()
    if later is not None:
        raise ValidationError(
            {
                "on": f"Đã ghi tên gọi tắt «{later.value}» từ ngày {format_date(later.starts_on)}, "
                "sau ngày này; hãy chọn ngày muộn hơn."
            }
        )
    current = rows.filter(Dated.q_on(on)).first()
    old = current.value if current is not None else None
    if old == name:
        raise ValidationError({"name": f"Cấp ủy đã mang tên gọi tắt «{name}» vào ngày đó."})
    if current is not None and current.starts_on == on:
        current.value, current.decision = name, decision
        current.save(update_fields=["value", "decision"])
        row = current
    else:
        if current is not None:
            current.ends_on = on
            current.save(update_fields=["ends_on"])
        row = UnitAttribute.objects.create(
            unit=unit, key=KEY, value=name, starts_on=on, decision=decision
        )
    record(
        "orgs.unit.committee_short_name",
        target=unit,
        unit_id=unit.pk,
        changes={"committee_short_name": [old, name]},
        details={"on": on, "decision": decision},
    )
    return row
