"""The audit search page: read-only, for commission leaders and system administrators."""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from ktgs.audit import labels, selectors
from ktgs.audit.forms import SearchForm
from ktgs.audit.models import AuditEvent

PAGE_SIZE = 50
FORBIDDEN = "Chỉ lãnh đạo ủy ban kiểm tra và quản trị hệ thống được tra cứu nhật ký thao tác."


@never_cache
@require_GET
def search(request):
    scope = request.scope
    if not selectors.may_search(scope):
        raise PermissionDenied(FORBIDDEN)
    form = SearchForm(request.GET, scope=scope)
    events = AuditEvent.objects.none()
    if form.is_valid():
        events = selectors.event_search(scope=scope, search=form.search())
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    listed = selectors.annotate(list(page.object_list), scope=scope, panel=False)
    return render(
        request,
        "audit/search.html",
        {
            "form": form,
            "page": page,
            "rows": [labels.present(event) for event in listed],
            "values_anywhere": selectors.may_see_values(scope),
        },
    )
