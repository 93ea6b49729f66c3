"""The administration pages of the issuer symbols (ký hiệu cơ quan ban hành) of a unit's bodies.

Here, not in accounts, because accounts comes before documents; the access is the administration
pages' (`accounts.administration`: users.manage, the unit in the administrator's subtrees, else
404) and the writes are `documents.symbols` (checked, one transaction, one audit event).
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from ktgs.accounts import administration as admin
from ktgs.accounts.admin_views import GET_POST, _require
from ktgs.core.vietnamese import format_date
from ktgs.documents import symbols as services
from ktgs.documents.models import IssuerSymbol
from ktgs.orgs.forms import VnDateField, VnForm, attach_errors


class SymbolForm(VnForm):
    body = forms.ModelChoiceField(label="Cơ quan", queryset=None, empty_label=None)
    symbol = forms.CharField(
        label="Ký hiệu", max_length=30, help_text="Chữ in hoa và chữ số, ví dụ ĐUK, UBKTĐUK."
    )
    starts_on = VnDateField(label="Dùng từ ngày")

    def __init__(self, *args, unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = unit.bodies.order_by("kind", "name")


class EndForm(VnForm):
    ends_on = VnDateField(label="Thôi dùng từ ngày")


def _page(request, unit, form, *, title, submit, warning=""):
    return render(
        request,
        "accounts/admin/form.html",
        {
            "form": form,
            "title": title,
            "submit": submit,
            "settings_unit": unit,
            "warning": warning,
        },
    )


@require_http_methods(["GET"])
def symbols(request, code: str):
    _require(request)
    unit = admin.unit_get(request.scope, code)
    today = timezone.localdate()
    rows = services.symbols_of(unit)
    for _body, history in rows:
        for row in history:
            row.current = row.holds_on(today) or row.starts_on > today
    return render(request, "documents/symbols.html", {"unit": unit, "bodies": rows})


@GET_POST
def symbol_add(request, code: str):
    _require(request)
    unit = admin.unit_get(request.scope, code)
    initial = {"body": request.GET.get("co-quan"), "starts_on": timezone.localdate()}
    form = SymbolForm(request.POST or None, unit=unit, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            row = services.issuer_symbol_set(**form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(
                request,
                f"{row.body.name} dùng ký hiệu «{row.symbol}» từ ngày "
                f"{format_date(row.starts_on)}; ký hiệu trước đó (nếu có) thôi dùng từ ngày đó.",
            )
            return redirect("issuer_symbols:list", code=unit.code)
    return _page(
        request,
        unit,
        form,
        title="Ghi ký hiệu cơ quan ban hành",
        submit="Ghi ký hiệu",
        warning="Số văn bản đã cấp giữ nguyên ký hiệu cũ; ký hiệu mới dùng cho văn bản từ ngày "
        "đã chọn.",
    )


@GET_POST
def symbol_end(request, pk: int):
    _require(request)
    row = admin.dated_get(request.scope, IssuerSymbol, pk, unit="body__unit")
    unit = row.body.unit
    form = EndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.issuer_symbol_end(row=row, **form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, f"Ký hiệu «{row.symbol}» của {row.body.name} đã thôi dùng.")
            return redirect("issuer_symbols:list", code=unit.code)
    return _page(
        request,
        unit,
        form,
        title=f"Thôi dùng ký hiệu «{row.symbol}» — {row.body.name}",
        submit="Thôi dùng",
    )
