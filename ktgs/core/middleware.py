"""Web-safety middleware: no copy of a page is kept by browsers or proxies, the baseline headers
are on every answer, and a request that carries a NUL character is refused before any view
reads it.

NoStoreMiddleware and BaselineHeadersMiddleware are the outermost layers (config/settings.py,
"web safety"), so an answer made before the view (a 400 for a bad Host or a NUL, a redirect)
carries the headers too; RejectNulMiddleware sits right after WhiteNoise.
"""

from django.conf import settings
from django.http import HttpResponseBadRequest
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers
from whitenoise.middleware import WhiteNoiseFileResponse

NUL = "\x00"
NUL_REFUSED = (
    "Địa chỉ hoặc nội dung tìm kiếm có ký tự không hợp lệ (ký tự rỗng). Hãy kiểm tra lại "
    "địa chỉ, hoặc gõ lại nội dung tìm kiếm."
)


class NoStoreMiddleware:
    """`Cache-Control: no-store` (with no-cache, must-revalidate, private, max-age=0) on every
    response the application produces — pages, htmx fragments, redirects, errors, and later
    downloads — so that a member's record, a case or a letter is never kept in a browser's or
    proxy's cache, nor shown again by the Back button after logging out. The rule has no
    exception to forget: every dynamic page either shows records or carries a CSRF token."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not isinstance(response, WhiteNoiseFileResponse):  # static files keep their caching
            add_never_cache_headers(response)
        return response


class BaselineHeadersMiddleware:
    """`X-Content-Type-Options: nosniff` and `Referrer-Policy` on an answer that lacks them.

    SecurityMiddleware sets both, but not on the 400 Django returns when SecurityMiddleware itself
    meets a bad Host (it reads the Host to redirect plain HTTP): that answer never passes back
    through it. Never overrides a header already set."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.SECURE_CONTENT_TYPE_NOSNIFF:
            response.headers.setdefault("X-Content-Type-Options", "nosniff")
        if settings.SECURE_REFERRER_POLICY:
            response.headers.setdefault("Referrer-Policy", settings.SECURE_REFERRER_POLICY)
        return response


def _has_nul(request) -> bool:
    if NUL in request.path_info:
        return True
    return any(NUL in key or any(NUL in v for v in values) for key, values in request.GET.lists())


class RejectNulMiddleware:
    """A 400 page in Vietnamese for a NUL (U+0000) in the path or the query string.

    PostgreSQL cannot hold NUL in text, so a search for "\\x00" or a record code containing it
    would otherwise end in a server error. Form fields already refuse it (Django's CharField).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _has_nul(request):
            body = render_to_string("400.html", {"reason": NUL_REFUSED}, request=request)
            return HttpResponseBadRequest(body)
        return self.get_response(request)
