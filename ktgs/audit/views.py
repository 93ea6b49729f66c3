"""The audit search page: read-only, for commission leaders and system administrators."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from ktgs.audit import labels, selectors
from ktgs.audit.forms import SearchForm
from ktgs.audit.models import AuditEvent
from ktgs.core import keyset

PAGE_SIZE = 50
ORDER = ("-seq",)  # newest first: the trail's own order, its unique sequence number
FORBIDDEN = "Chỉ lãnh đạo ủy ban kiểm tra và quản trị hệ thống được tra cứu nhật ký thao tác."
GONE = (
    "Thao tác làm mốc của trang này không thuộc kết quả lọc hiện tại; danh sách hiện lại từ "
    "thao tác mới nhất."
)


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
    # keyset pages on the sequence number, the count capped (ktgs.core.keyset): a trail of
    # millions of events costs what its first page costs, on any page
    page = keyset.keyset_page(events, request.GET, order=ORDER, size=PAGE_SIZE, gone=GONE)
    listed = selectors.annotate(list(page.object_list), scope=scope, panel=False)
    return render(
        request,
        "audit/search.html",
        {
            "form": form,
            "page": page,
            "pager": keyset.pager(request.GET, page),
            "rows": [labels.present(event) for event in listed],
            "values_anywhere": selectors.may_see_values(scope),
        },
    )
