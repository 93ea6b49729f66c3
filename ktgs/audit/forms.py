"""The audit search filters: input shape only; the unit must lie where the user may search.

The unit is chosen with the picker of every filter (a name, without diacritics if you like, a
chosen suggestion "Tên (MÃ)" or a code). `audit` comes before `orgs` and imports none of its
code: `orgs` plugs its picker in at start-up (`plug_unit_picker`, from its AppConfig.ready);
without it the field takes a code.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django import forms

from ktgs.audit import selectors
from ktgs.audit.labels import ACTION_LABELS
from ktgs.core.vietnamese import parse_date

ANY = [("", "Tất cả")]


@dataclass(frozen=True)
class UnitPicker:
    widget: Callable[[], forms.Widget]  # a new widget for the field
    pick: Callable  # (scope, text) -> the unit named, or ValidationError (ambiguous, none)


UNIT_PICKER: list[UnitPicker] = []  # the one plugged in by `orgs`


def plug_unit_picker(picker: UnitPicker) -> None:
    UNIT_PICKER[:] = [picker]


DAY = forms.TextInput(attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"})


class SearchForm(forms.Form):
    tu_ngay = forms.CharField(label="Từ ngày", required=False, max_length=10, widget=DAY)
    den_ngay = forms.CharField(label="Đến ngày", required=False, max_length=10, widget=DAY)
    hanh_dong = forms.ChoiceField(label="Thao tác", required=False)
    nguoi_dung = forms.CharField(label="Người thực hiện", required=False, max_length=150)
    loai = forms.ChoiceField(label="Loại bản ghi", required=False)
    ma = forms.CharField(label="Số hiệu bản ghi", required=False, max_length=60)
    don_vi = forms.CharField(label="Tổ chức đảng", required=False, max_length=200)

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope = scope
        actions = sorted(ACTION_LABELS.items(), key=lambda item: item[1])
        self.fields["hanh_dong"].choices = ANY + actions
        self.fields["loai"].choices = ANY + selectors.record_types()
        if UNIT_PICKER:
            self.fields["don_vi"].widget = UNIT_PICKER[0].widget()

    def _date(self, name: str):
        text = self.cleaned_data[name].strip()
        if not text:
            return None
        try:
            return parse_date(text)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc

    def clean_tu_ngay(self):
        return self._date("tu_ngay")

    def clean_den_ngay(self):
        return self._date("den_ngay")

    def clean_don_vi(self):
        code = self.cleaned_data["don_vi"].strip()
        if not code:
            return None
        if UNIT_PICKER:  # a name or a code, within the user's scope (else ValidationError)
            code = UNIT_PICKER[0].pick(self.scope, code).code
        unit = selectors.search_unit(scope=self.scope, code=code)
        if unit is None:
            raise forms.ValidationError(
                f"Không có tổ chức đảng mã «{code}» trong phạm vi đồng chí được xem nhật ký."
            )
        return unit

    def clean(self):
        data = super().clean()
        since, until = data.get("tu_ngay"), data.get("den_ngay")
        if since and until and until < since:
            self.add_error("den_ngay", "«Đến ngày» phải từ «Từ ngày» trở về sau.")
        return data

    def search(self) -> selectors.Search:
        data = self.cleaned_data
        return selectors.Search(
            since=data["tu_ngay"],
            until=data["den_ngay"],
            action=data["hanh_dong"],
            actor=data["nguoi_dung"].strip(),
            target_type=data["loai"],
            target_id=data["ma"].strip(),
            unit=data["don_vi"],
        )
