"""The picker: one form field for a unit, a body or a member, chosen by name (`orgs.picking`).

Drawn as a text field. With JavaScript, htmx fetches suggestions as the user types
(`orgs:pick`, one profile per kind of choice) and `ktgs/picker.js` makes them an ARIA combobox
(arrows, Enter, Escape; the count read out). Without it, the field is a plain text field: what
was typed is read on submit, and a name matching several records gets an error listing them with
their codes. A profile fixes what may be picked (units where the user may change records, the
bodies that may act, members the user sees); the field and the suggestions use the same one, so
nothing is suggested that the form would refuse.

    class MyForm(VnForm):
        unit = PickField("don-vi", label="Tổ chức đảng")
        members = PickManyField("dang-vien", label="Đảng viên", required=False)

        def __init__(self, *args, scope, **kwargs):
            super().__init__(*args, **kwargs)
            bind_pickers(self, scope)
"""

import re
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse

from ktgs.accounts.access import RECORDS_DECIDE, USERS_MANAGE
from ktgs.orgs import picking
from ktgs.orgs.choices import BodyKind
from ktgs.orgs.selectors import RECORDS_CHANGE, RECORDS_VIEW, UNITS_CHANGE

ACTING = (
    BodyKind.COMMITTEE,
    BodyKind.STANDING,
    BodyKind.INSPECTION,
    BodyKind.CELL_MEETING,
)


@dataclass(frozen=True)
class Profile:
    """What one picker offers: `what` ("unit", "member", "body"), the page family the user
    needs in a unit for it to be offered (None: any unit in scope), and limits."""

    what: str
    action: str | None = None
    grassroots: bool = False
    cells: bool = (
        False  # suggest cells only (another unit typed is read, for the service to refuse)
    )
    kinds: tuple = ACTING
    placeholder: str = ""

    def suggest(self, scope, text: str) -> list[picking.Suggestion]:
        n = picking.SCREENFUL + 1  # one more: "còn nữa"
        if self.what == "unit":
            return picking.unit_suggestions(
                scope,
                text,
                action=self.action,
                grassroots=self.grassroots,
                cells=self.cells,
                limit=n,
            )
        if self.what == "member":
            return picking.member_suggestions(scope, text, limit=n)
        if not text.strip():
            return self.own(scope)
        return picking.body_suggestions(scope, text, action=self.action, kinds=self.kinds, limit=n)

    def own(self, scope) -> list[picking.Suggestion]:
        if self.what != "body":
            return []
        return picking.own_body_suggestions(scope, action=self.action, kinds=self.kinds)

    def pick(self, scope, text: str):
        if self.what == "unit":
            return picking.pick_unit(scope, text, action=self.action, grassroots=self.grassroots)
        if self.what == "member":
            return picking.pick_member(scope, text)
        return picking.pick_body(scope, text, action=self.action, kinds=self.kinds)

    def text(self, obj) -> str:
        """What the field shows for a chosen record."""
        if self.what == "unit":
            return picking.unit_label(obj)
        if self.what == "member":
            return picking.member_label(obj)
        return picking.body_label(obj)


PROFILES = {
    # filters and pages that read: any unit, member, body the user sees
    "don-vi": Profile("unit", placeholder="Gõ tên hoặc mã tổ chức, ví dụ: chi bo van phong"),
    "dang-vien": Profile("member", placeholder="Gõ họ tên hoặc mã đảng viên, không dấu cũng được"),
    "co-quan": Profile("body", placeholder="Gõ tên cơ quan, ví dụ: ubkt dang bo khoi"),
    # forms that record: where the user may change records
    "don-vi-ghi": Profile(
        "unit", RECORDS_CHANGE, placeholder="Gõ tên hoặc mã tổ chức, không dấu cũng được"
    ),
    "co-so-ghi": Profile(
        "unit", RECORDS_CHANGE, grassroots=True, placeholder="Gõ tên tổ chức cơ sở đảng"
    ),
    "co-quan-ghi": Profile(
        "body", RECORDS_CHANGE, placeholder="Gõ tên cơ quan khác, ví dụ: chi uy chi bo van phong"
    ),
    "co-quan-xem": Profile("body", RECORDS_VIEW),
    # where a member is registered: the cells where the user may change records
    "chi-bo-ghi": Profile(
        "unit", RECORDS_CHANGE, cells=True, placeholder="Gõ tên chi bộ, không dấu cũng được"
    ),
    # the tree itself: units the user may create under, move, merge
    "to-chuc-sua": Profile(
        "unit", UNITS_CHANGE, placeholder="Gõ tên hoặc mã tổ chức, không dấu cũng được"
    ),
    # where a system administrator gives a user a role (accounts.administration)
    "don-vi-quan-tri": Profile(
        "unit", USERS_MANAGE, placeholder="Gõ tên hoặc mã tổ chức, không dấu cũng được"
    ),
    # where a leader adjusts the rule pack for their office
    "to-chuc-quyet-dinh": Profile(
        "unit", RECORDS_DECIDE, placeholder="Gõ tên hoặc mã tổ chức, không dấu cũng được"
    ),
    # who issues a programme: committee, standing committee, UBKT
    "co-quan-chuong-trinh": Profile(
        "body",
        RECORDS_CHANGE,
        kinds=(BodyKind.COMMITTEE, BodyKind.STANDING, BodyKind.INSPECTION),
        placeholder="Gõ tên cơ quan khác, ví dụ: ubkt dang bo so y te",
    ),
    # who may perform an inspection or supervision: also an advisory body (ban tham mưu)
    "co-quan-tien-hanh": Profile(
        "body",
        RECORDS_CHANGE,
        kinds=(*ACTING, BodyKind.ADVISORY),
        placeholder="Gõ tên cơ quan khác, ví dụ: chi uy chi bo van phong",
    ),
    # discipline: the bodies that may suspend (suspensions.SUSPENDING_BODIES) and strike off
    # a probationary member (strike_off.CELL_BODIES), where the user may change records
    "co-quan-dinh-chi": Profile(
        "body",
        RECORDS_CHANGE,
        kinds=(BodyKind.COMMITTEE, BodyKind.STANDING, BodyKind.INSPECTION),
        placeholder="Gõ tên cơ quan khác, ví dụ: ubkt dang bo so y te",
    ),
    "co-quan-xoa-ten": Profile(
        "body",
        RECORDS_CHANGE,
        kinds=(BodyKind.CELL_MEETING, BodyKind.COMMITTEE, BodyKind.STANDING),
        placeholder="Gõ tên chi bộ hoặc cấp ủy, ví dụ: chi bo van phong",
    ),
}


# --- widgets ----------------------------------------------------------------------------------


class PickerInput(forms.TextInput):
    template_name = "orgs/widgets/picker.html"

    def __init__(self, profile: str, many: bool = False, own: bool = False):
        super().__init__(attrs={"autocomplete": "off", "spellcheck": "false"})
        self.profile = profile
        self.many = many
        self.own = own
        self.chosen: list[str] = []  # (many) texts resolved, shown as ticked entries
        self.leftover = ""  # (many) what was typed and could not be read, kept in the box
        self.own_choices: list[picking.Suggestion] = []

    def value_from_datadict(self, data, files, name):
        values = data.getlist(name) if hasattr(data, "getlist") else [data.get(name)]
        values = [v for v in values if v is not None]
        if self.many:
            return values
        if not values:
            return None
        typed = values[-1]  # the text field comes last; a ticked own body before it
        if typed.strip() or len(values) == 1:
            return typed
        return next((v for v in values[:-1] if v.strip()), "")

    def value_omitted_from_data(self, data, files, name):
        return name not in data

    def format_value(self, value):
        if self.many:
            return ""  # the text box starts empty; what was chosen is listed above it
        return super().format_value(value)

    def get_context(self, name, value, attrs):
        profile = PROFILES[self.profile]
        attrs = dict(attrs or {})
        if profile.placeholder and "placeholder" not in attrs:
            attrs["placeholder"] = profile.placeholder
        described = attrs.pop("aria-describedby", "")
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        widget["describedby"] = " ".join(
            filter(None, [f"{widget['attrs'].get('id', name)}_trang_thai", described])
        )
        widget["url"] = reverse("orgs:pick", args=[self.profile]) + f"?o={name}"
        widget["many"] = self.many
        if self.many:
            texts = value if isinstance(value, list) else []
            widget["chosen"] = self.chosen or [t for t in texts if t.strip()]
            widget["leftover"] = self.leftover
        if self.own:
            typed = picking.trailing_code(widget.get("value") or "")
            typed = typed.upper()
            own = [(s.text, s, bool(typed) and s.token.upper() == typed) for s in self.own_choices]
            widget["own"] = own
            mine = any(checked for _t, _s, checked in own)
            if mine:
                widget["value"] = ""  # shown as the ticked own body, not typed again
            widget["other_checked"] = not mine
        return context


# --- fields -----------------------------------------------------------------------------------


class _Picker(forms.Field):
    """What both pickers share: the profile, and the user's scope given by `bind_pickers`."""

    picks = True  # "Chưa chọn …" when left empty (VnForm)

    def __init__(self, profile: str, widget: "PickerInput", **kwargs):
        self.profile = profile
        kwargs.setdefault("widget", widget)
        super().__init__(**kwargs)
        self.scope = None

    def bind(self, scope) -> None:
        self.scope = scope


class PickField(_Picker):
    """One unit, body or member, picked by name or code; cleans to the record (or None)."""

    def __init__(self, profile: str, *, own: bool = False, **kwargs):
        super().__init__(profile, PickerInput(profile, own=own), **kwargs)

    def bind(self, scope) -> None:
        super().bind(scope)
        if self.widget.own:
            self.widget.own_choices = PROFILES[self.profile].own(scope)

    def prepare_value(self, value):
        if value is None or isinstance(value, str):
            return value
        return PROFILES[self.profile].text(value)

    def to_python(self, value):
        text = (value or "").strip()
        if not text:
            return None
        return PROFILES[self.profile].pick(self.scope, text)


_SEPARATORS = re.compile(r"[;\n]+")


class PickManyField(_Picker):
    """Several records picked one by one (each a ticked entry; unticking removes it), or typed
    in the text box separated by ";"; cleans to a list without repeats, in the order picked."""

    hidden_widget = forms.MultipleHiddenInput  # an edit form's opened-with values, one each

    def __init__(self, profile: str, **kwargs):
        super().__init__(profile, PickerInput(profile, many=True), **kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple) and value and not isinstance(value[0], str):
            return [PROFILES[self.profile].text(v) for v in value]
        return value

    def to_python(self, value):
        entries = [e.strip() for v in value or [] for e in _SEPARATORS.split(v or "")]
        entries = [e for e in entries if e]
        profile = PROFILES[self.profile]
        picked, chosen, errors, leftover = [], [], [], []
        for entry in entries:
            try:
                obj = profile.pick(self.scope, entry)
            except ValidationError as exc:
                errors.extend(exc.messages)
                leftover.append(entry)
                continue
            if obj is not None and obj not in picked:
                picked.append(obj)
                chosen.append(profile.text(obj))
        self.widget.chosen = chosen
        self.widget.leftover = "; ".join(leftover)
        if errors:
            raise ValidationError(errors)
        return picked

    def validate(self, value):
        if self.required and not value:
            raise ValidationError(self.error_messages["required"], code="required")


def bind_pickers(form: forms.Form, scope) -> None:
    """Give the form's pickers the user's scope: what they suggest and accept."""
    for field in form.fields.values():
        if isinstance(field, _Picker):
            field.bind(scope)
