"""Pages of letters: the register (list), register a letter, a letter's page, and the action
that shows the filer's identity to the authorised (logged; `identity.py`).

Thin: find through a scoped selector (not visible → 404), check the role (→ 403), read a form,
call a service, redirect. No page but the identity action ever decrypts a filer field.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from ktgs.audit.reads import record_read, record_reads
from ktgs.letters import filters, forms, identity, selectors, services
from ktgs.letters.selectors import RECORDS_CHANGE

PAGE_SIZE = 50


def _letter_or_404(request, pk: int):
    letter = selectors.letter_get(scope=request.scope, pk=pk)
    if letter is None:
        raise Http404("Không tìm thấy đơn thư.")
    return letter


@require_GET
def letter_list(request):
    """The register, filtered (`filters.py`; docs/letters.md «Tìm, lọc sổ đơn thư»), a page at
    a time; opened from a figure (`so-lieu=1`), every letter the figure counts."""
    q = filters.read_list_query(request)
    rows = selectors.letter_list(scope=request.scope, f=q.f, figures=q.figures)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    shown = [letter for letter in page.object_list if not letter.restricted]
    record_reads(shown, unit_id=lambda letter: letter.unit_id)
    items = selectors.items_count(rows, q.f.item_verdict) if q.f.item_verdict else None
    return render(
        request,
        "letters/list.html",
        {
            "page": page,
            "rows": page.object_list,
            "q": q,
            "items": items,
            "pager_query": q.unit_filter.pager_query(request.GET, q.unit),
            "fields": filters.form_fields(q, request.GET),
            "can_create": request.scope.may_anywhere(RECORDS_CHANGE),
        },
    )


def letter_create(request):
    if not request.scope.may_anywhere(RECORDS_CHANGE):
        raise PermissionDenied("Vai trò của đồng chí không được vào sổ đơn thư.")
    form = forms.LetterForm(request.POST or None, scope=request.scope)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            done = services.letter_register(
                scope=request.scope,
                body=d["body"],
                received_on=d["received_on"],
                channel=d["channel"],
                kind=d["kind"],
                anonymous=d["anonymous"],
                filer=services.Filer(
                    name=d["filer_name"],
                    address=d["filer_address"],
                    phone=d["filer_phone"],
                    citizen_id=d["filer_citizen_id"],
                ),
                summary=d["summary"],
                items=(d["items"] or "").splitlines(),
                accused_members=d["accused_members"] or [],
                accused_units=d["accused_units"] or [],
                accused_text=d["accused_text"],
                number=d["number"] or None,
                secrecy=d["secrecy"],
                filer_kind=d["filer_kind"],
                anonymous_kind=d["anonymous_kind"],
            )
        except ValidationError as exc:
            forms.attach_errors(form, exc)
        else:
            letter = done.letter
            messages.success(request, f"Đã vào sổ đơn số {letter.number}/{letter.year}.")
            if done.links:
                messages.warning(
                    request,
                    f"Đơn này có thể trùng hoặc lặp lại {len(done.links)} đơn đã nhận: xem phần "
                    "«Đơn liên quan».",
                )
            for warning in done.warnings:
                messages.warning(request, warning)
            return redirect("letters:detail", pk=letter.pk)
    return render(request, "letters/form.html", {"form": form})


def _detail(request, letter, shown=None):
    record_read(letter, unit_id=letter.unit_id)
    return render(
        request,
        "letters/detail.html",
        {
            "letter": letter,
            "items": list(letter.items.all()),
            "links": selectors.links_visible(request.scope, letter),
            "may_see_identity": identity.may_see_identity(request.scope, letter),
            "identity": shown,
        },
    )


@require_GET
def letter_detail(request, pk: int):
    return _detail(request, _letter_or_404(request, pk))


@require_POST
def letter_identity(request, pk: int):
    letter = _letter_or_404(request, pk)
    shown = identity.identity_read(request.scope, letter)
    if shown is None:
        raise PermissionDenied(
            "Chỉ người được giao xử lý đơn và lãnh đạo UBKT của cơ quan tiếp nhận xem được "
            "thông tin người gửi."
        )
    return _detail(request, letter, shown)
