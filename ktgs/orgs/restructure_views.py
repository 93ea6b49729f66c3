"""Pages of the dated restructuring operations: rename, merge into this unit, close (giải thể).

Every one is the call of the body that manages the unit, its superior (`Scope.manages`:
units.change above the unit, or a system administrator covering it); a merge also needs
`units.change` on every unit merged (the form offers only those, and refuses any other)."""

from django.contrib import messages
from django.shortcuts import redirect

from ktgs.core.vietnamese import format_date
from ktgs.orgs import restructure
from ktgs.orgs.restructure_forms import UnitCloseForm, UnitMergeForm, UnitRenameForm
from ktgs.orgs.views import _form_page, _managed_unit, _run

TEMPLATE = "orgs/unit_form.html"


def unit_rename(request, code: str):
    unit = _managed_unit(request, code)
    form = UnitRenameForm(request.POST or None, initial={"short_name": unit.short_name})
    if request.method == "POST" and form.is_valid():
        old = unit.name
        done = _run(form, restructure.unit_rename, aliases={"unit": None}, unit=unit)
        if done is not None:
            day = format_date(form.cleaned_data["on"])
            messages.success(request, f"Đã đổi tên «{old}» thành «{done.name}» từ ngày {day}.")
            return redirect("orgs:unit_detail", code=unit.code)
    return _form_page(
        request, form, TEMPLATE, unit=unit, title=f"Đổi tên: {unit.name}", submit="Đổi tên"
    )


def unit_merge(request, code: str):
    unit = _managed_unit(request, code)
    form = UnitMergeForm(request.POST or None, scope=request.scope, unit=unit)
    if request.method == "POST" and form.is_valid():
        done = _run(form, restructure.unit_merge, aliases={"into": None}, into=unit)
        if done is not None:
            names = ", ".join(f"«{u.name}»" for u in form.cleaned_data["units"])
            day = format_date(form.cleaned_data["on"])
            messages.success(request, f"Đã sáp nhập {names} vào «{done.name}» từ ngày {day}.")
            return redirect("orgs:unit_detail", code=unit.code)
    return _form_page(
        request,
        form,
        TEMPLATE,
        unit=unit,
        title=f"Sáp nhập vào: {unit.name}",
        submit="Sáp nhập",
    )


def unit_close(request, code: str):
    unit = _managed_unit(request, code)
    form = UnitCloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = _run(form, restructure.unit_close, aliases={"unit": None}, unit=unit)
        if done is not None:
            day = format_date(done.closed_on)
            messages.success(request, f"Đã giải thể «{done.name}» từ ngày {day}.")
            return redirect("orgs:tree")
    return _form_page(
        request,
        form,
        TEMPLATE,
        unit=unit,
        title=f"Giải thể: {unit.name}",
        submit="Giải thể",
        intro="Giải thể là chấm dứt hoạt động của tổ chức đảng theo quyết định tổ chức (không "
        "phải hình thức kỷ luật giải tán). Tổ chức phải không còn đảng viên và tổ chức trực "
        "thuộc: hãy chuyển sinh hoạt hoặc sáp nhập trước.",
    )
