"""Pages of programmes: list, create, the programme page (progress, items, add an item), edit or
remove an item, void the programme.

Thin: find through a scoped selector (not visible → 404), check the role (→ 403), read a form,
call a service, redirect.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from ktgs.programmes import forms, selectors, services
from ktgs.programmes.models import Programme, ProgrammeItem
from ktgs.programmes.selectors import RECORDS_CHANGE, RECORDS_VIEW

NOT_WRITABLE = "Vai trò của đồng chí chỉ được xem chương trình này."


def _programme_or_404(request, pk: int) -> Programme:
    row = selectors.programme_get(scope=request.scope, pk=pk)
    if row is None:
        raise Http404("Không tìm thấy chương trình kiểm tra, giám sát.")
    return row


def _editable(request, pk: int) -> Programme:
    row = _programme_or_404(request, pk)
    if not selectors.may_change(request.scope, row):
        raise PermissionDenied(NOT_WRITABLE)
    return row


def _item_or_404(programme: Programme, item_pk: int) -> ProgrammeItem:
    item = programme.items.filter(pk=item_pk).first()
    if item is None:
        raise Http404("Không có nội dung này trong chương trình.")
    return item


def programme_url(programme: Programme) -> str:
    return reverse("programmes:detail", args=[programme.pk])


def _call(form, service, *args, **kwargs):
    try:
        return service(*args, **kwargs) or True
    except ValidationError as exc:
        forms.attach(form, exc)
        return None


def _year(text: str) -> int | None:
    return int(text) if text.isdigit() and len(text) == 4 else None


@require_GET
def programme_list(request):
    if not request.scope.may_anywhere(RECORDS_VIEW):
        raise PermissionDenied("Vai trò của đồng chí không xem chương trình kiểm tra, giám sát.")
    g = request.GET
    year = _year(g.get("nam", "").strip())
    body_id = int(g["co_quan"]) if g.get("co_quan", "").isdigit() else None
    rows = list(selectors.programme_list(scope=request.scope, year=year, body_id=body_id)[:500])
    return render(
        request,
        "programmes/list.html",
        {
            "rows": rows,
            "year": year,
            "body_id": body_id,
            "bodies": selectors.programme_bodies(scope=request.scope),
            "years": selectors.programme_years(scope=request.scope),
            "can_create": request.scope.may_anywhere(RECORDS_CHANGE),
        },
    )


def programme_create(request):
    if not request.scope.may_anywhere(RECORDS_CHANGE):
        raise PermissionDenied(
            "Vai trò của đồng chí không được lập chương trình kiểm tra, giám sát."
        )
    form = forms.ProgrammeForm(request.POST or None, scope=request.scope)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        programme = _call(
            form,
            services.programme_create,
            body=d["body"],
            year=d["year"],
            number=d["number"],
            issued_on=d["issued_on"],
            title=d["title"],
        )
        if programme is not None:
            messages.success(request, f"Đã lập chương trình {programme.number}.")
            return redirect("programmes:detail", pk=programme.pk)
    return render(request, "programmes/form.html", {"form": form})


def programme_detail(request, pk: int):
    programme = _programme_or_404(request, pk)
    return render(
        request,
        "programmes/detail.html",
        {
            "programme": programme,
            "items": selectors.item_list(scope=request.scope, programme=programme),
            "progress": selectors.programme_progress(programme),
            "can_change": selectors.may_change(request.scope, programme),
            "form": forms.ItemForm(scope=request.scope),
        },
    )


def item_add(request, pk: int):
    programme = _editable(request, pk)
    form = forms.ItemForm(request.POST or None, scope=request.scope)
    if request.method == "POST" and form.is_valid():
        item = _call(form, services.item_add, programme, **form.service_args())
        if item is not None:
            messages.success(request, f"Đã thêm nội dung {item.position}.")
            return redirect(f"{programme_url(programme)}#noi-dung-{item.pk}")
    return render(
        request,
        "programmes/item_form.html",
        {"form": form, "programme": programme, "title": "Thêm nội dung chương trình"},
    )


def item_edit(request, pk: int, item_pk: int):
    programme = _editable(request, pk)
    item = _item_or_404(programme, item_pk)
    form = forms.ItemEditForm(
        request.POST or None, initial=forms.ItemEditForm.values_of(item), scope=request.scope
    )
    if request.method == "POST" and form.is_valid():
        done = _call(form, services.item_update, item, **form.service_args())
        if done is not None:
            messages.success(request, f"Đã sửa nội dung {item.position}.")
            return redirect(f"{programme_url(programme)}#noi-dung-{item.pk}")
    return render(
        request,
        "programmes/item_form.html",
        {
            "form": form,
            "programme": programme,
            "item": item,
            "title": f"Sửa nội dung {item.position}",
        },
    )


def item_remove(request, pk: int, item_pk: int):
    programme = _editable(request, pk)
    item = _item_or_404(programme, item_pk)
    form = forms.VnForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        done = _call(form, services.item_remove, item)
        if done is not None:
            messages.success(request, f"Đã xóa nội dung {item.position}.")
            return redirect("programmes:detail", pk=programme.pk)
    return render(
        request,
        "programmes/item_remove.html",
        {"form": form, "programme": programme, "item": item},
    )


def programme_void(request, pk: int):
    programme = _editable(request, pk)
    form = forms.VoidForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = _call(form, services.programme_void, programme, reason=form.cleaned_data["reason"])
        if done is not None:
            messages.success(request, f"Đã hủy chương trình {programme.number}.")
            return redirect("programmes:list")
    return render(request, "programmes/void.html", {"form": form, "programme": programme})
