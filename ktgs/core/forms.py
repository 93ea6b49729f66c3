"""Form pieces shared by the apps' edit pages: optimistic concurrency (`VersionedForm`)."""

from datetime import date

from django import forms
from django.http import QueryDict

from ktgs.core.vietnamese import format_date

VERSION_MISSING = "Trang này đã cũ; đồng chí hãy mở lại trang sửa rồi nhập lại."
EMPTY = "(trống)"


class VersionedForm(forms.Form):
    """An edit form of a `Versioned` record: carries the version it was opened at (hidden
    `version`) and, beside every input, the value it was opened with (Django's hidden initial),
    so a save refused as stale (`StaleEdit`) can say what the other user changed and be
    re-shown with the stored values as the new baseline and the user's own changes kept.

    The view gives `initial=form_values(record)`. Field names are the record's attributes, or
    a subclass overrides `values_of(record)`."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.edited_fields():
            self.fields[name].show_hidden_initial = True

    def clean(self):
        """A hidden field's error would not show beside any input: said above the form."""
        cleaned = super().clean()
        if cleaned.get("version") is None:
            raise forms.ValidationError(VERSION_MISSING, code="version")
        return cleaned

    def edited_fields(self) -> list[str]:
        return [name for name in self.fields if name != "version"]

    @classmethod
    def values_of(cls, record) -> dict:
        """The record's values for the form's inputs, and its version."""
        names = [name for name in cls.base_fields if name != "version"]
        return {**{name: getattr(record, name) for name in names}, "version": record.version}

    def opened_with(self) -> dict:
        """The values the user saw when the form was opened (from the hidden initials)."""
        out = {}
        for name in self.edited_fields():
            field = self.fields[name]
            raw = self._widget_data_value(field.hidden_widget(), self[name].html_initial_name)
            try:
                out[name] = field.to_python(raw)
            except forms.ValidationError:
                out[name] = raw
        return out

    def shown(self, name: str, value) -> str:
        """A value as the user reads it: dd/mm/yyyy, a choice's label, «(trống)»."""
        if value in (None, "", [], ()):
            return EMPTY
        if isinstance(value, list | tuple):  # several records picked: their names
            return ", ".join(str(v) for v in value)
        if isinstance(value, date):
            return format_date(value)
        choices = {str(k): v for k, v in getattr(self.fields[name], "choices", ()) or ()}
        return str(choices.get(str(value), value))

    def rebase(self, current) -> None:
        """After a `StaleEdit`: load the stored values (`current`) as the new baseline and
        version, keep the user's entries for the fields they changed, and say above the form,
        and beside each field also changed by the user, what the other user changed."""
        mine, then = set(self.changed_data) - {"version"}, self.opened_with()
        now = self.values_of(current)
        theirs = [
            n for n in self.edited_fields() if self.shown(n, then[n]) != self.shown(n, now[n])
        ]
        data = QueryDict(mutable=True)
        for name in self.edited_fields():
            prefixed, stored = self.add_prefix(name), self.fields[name].prepare_value(now[name])
            stored = [""] if stored is None else stored
            stored = list(stored) if isinstance(stored, list | tuple) else [stored]
            if name in mine:
                data.setlist(prefixed, self.data.getlist(prefixed))
            else:
                data.setlist(prefixed, stored)
            data.setlist(self.add_initial_prefix(name), stored)
        data[self.add_prefix("version")] = now["version"]
        self.data, self.initial = data, now
        self._errors, self._bound_fields_cache = None, {}
        self.full_clean()
        self.add_error(None, self.stale_message(theirs, then, now))
        for name in sorted(set(theirs) & mine):
            self.add_error(
                name,
                f"Người khác vừa sửa thành «{self.shown(name, now[name])}»; ô này đang giữ giá "
                "trị đồng chí nhập, bấm Lưu sẽ ghi đè.",
            )

    def stale_message(self, theirs: list[str], then: dict, now: dict) -> str:
        lines = "; ".join(
            f"{self.fields[n].label}: «{self.shown(n, then[n])}» khi đồng chí mở trang, nay là "
            f"«{self.shown(n, now[n])}»"
            for n in theirs
        )
        what = f"Người khác đã sửa: {lines}." if theirs else "Không trường nào trên trang đổi."
        return (
            "Trong lúc đồng chí sửa, hồ sơ này đã được người khác lưu; thay đổi của đồng chí "
            f"chưa được ghi. {what} Trang đã nạp giá trị đang lưu và giữ những ô đồng chí đã "
            "sửa; đồng chí kiểm tra lại rồi bấm Lưu để ghi."
        )
