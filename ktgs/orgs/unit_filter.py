"""The unit filter of a list or figures page: the picker in a GET form, read with `pick_unit`.

A page reads its unit parameter (`don-vi` or `don_vi`) with `read_unit_filter`: a code, a chosen
suggestion "Tên (MÃ)" or a unique name (without diacritics if you like) selects the unit, within
the user's scope only (a unit elsewhere reads as one that does not exist). A name matching
several units, or none, is no 404: the filter carries the message, shown next to the field, and
the page renders without that unit (or with its default unit). The links the page builds
(drill-downs, pagination) carry the unit's code, never the typed name, so they stay stable.

    uf = read_unit_filter(request, "don-vi", label="Tổ chức đảng (gồm cấp dưới)")
    ... uf.unit, uf.error ...
    {% include "orgs/_unit_filter.html" with uf=uf %}

A member filter (`read_member_filter`, the member picker) works the same way: the same field
template, the member's code in the page's links.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.http import QueryDict

from ktgs.orgs import picking
from ktgs.orgs.models import OrgUnit
from ktgs.orgs.pickers import PickerInput

MAX_TYPED = 100  # what is read of the typed text, as the suggestions read it


@dataclass
class UnitFilter:
    name: str  # the query parameter: "don-vi", "don_vi"
    label: str  # the field's label
    text: str  # what was typed
    unit: OrgUnit | None  # the unit picked (None: none typed, or not read)
    error: str = ""  # why the typed text selects no unit: ambiguous, not found
    field_id: str = "id_don_vi"
    profile: str = "don-vi"

    @property
    def value(self) -> str:
        """What the field shows: the unit as a chosen suggestion, else what was typed."""
        return picking.unit_label(self.unit) if self.unit is not None else self.text

    @property
    def error_id(self) -> str:
        return f"{self.field_id}_error"

    def widget(self) -> str:
        attrs = {"id": self.field_id}
        if self.error:
            attrs |= {"aria-invalid": "true", "aria-describedby": self.error_id}
        return PickerInput(self.profile).render(self.name, self.value, attrs)

    def query(self, params: QueryDict, unit: OrgUnit | None = None) -> QueryDict:
        """`params` with the unit parameter written as the code of `unit` (default: the unit
        picked), for the page's own links; a text that selected no unit is left out (the page
        lists without it), never carried on."""
        unit = unit if unit is not None else self.unit
        params = params.copy()
        if unit is not None:
            params[self.name] = unit.code
        elif self.name in params:
            del params[self.name]
        return params

    def pager_query(self, params: QueryDict, unit: OrgUnit | None = None) -> QueryDict:
        """`query()` for `orgs/_pager.html` (as `pager_query`), which writes `page` itself:
        never empty, so that the pager uses it rather than the request's own query."""
        params = self.query(params, unit)
        params.setdefault("page", "1")
        return params


def read_unit_filter(
    request,
    name: str,
    *,
    label: str,
    field_id: str = "id_don_vi",
    action: str | None = None,
) -> UnitFilter:
    """The unit typed in the query parameter `name`, picked within the user's scope (and where
    the user may do `action`, when given)."""
    text = request.GET.get(name, "").strip()[:MAX_TYPED]
    try:
        unit = picking.pick_unit(request.scope, text, action=action)
    except ValidationError as exc:
        return UnitFilter(name, label, text, None, " ".join(exc.messages), field_id)
    return UnitFilter(name, label, text, unit, "", field_id)


@dataclass
class MemberFilter(UnitFilter):
    """The member filter of a list ("Đảng viên là đối tượng"): the same field and message as a
    unit's, with the member picker; `member` is the member picked (within scope and clearance,
    a code elsewhere reads as one that exists nowhere)."""

    field_id: str = "id_dang_vien"
    profile: str = "dang-vien"

    @property
    def member(self):
        return self.unit

    @property
    def value(self) -> str:
        return picking.member_label(self.unit) if self.unit is not None else self.text


def read_member_filter(
    request, name: str, *, label: str, field_id: str = "id_dang_vien"
) -> MemberFilter:
    """The member typed in the query parameter `name`, picked among those the user sees."""
    text = request.GET.get(name, "").strip()[:MAX_TYPED]
    try:
        member = picking.pick_member(request.scope, text)
    except ValidationError as exc:
        return MemberFilter(name, label, text, None, " ".join(exc.messages), field_id)
    return MemberFilter(name, label, text, member, "", field_id)
