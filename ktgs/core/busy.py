"""A write that finds the SQLite database held by another writer (an import) gets a 503 page.

SQLite lets one writer at a time. An import writes in one transaction that may last longer than
a user's write waits for it (KTGS_SQLITE_WAIT seconds, the connection's busy timeout); the user's
write then fails with OperationalError «database is locked». Instead of the 500 page, the user
gets a 503 saying when to try again, with `Retry-After`, and, for a form, what they typed kept in
the page: «Gửi lại» posts it again as it was (a file chosen in the form has to be chosen again).
Nothing of the failed request was written: services write in one transaction, rolled back.

`BusyDatabaseMiddleware` answers for exceptions of views; `server_error` (handler500) for those
of middlewares (a session saved after the view), so neither ends as a 500.
"""

import sys

from django.conf import settings
from django.db import OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string

from ktgs.core import diskfaults

LOCKED = ("database is locked", "database table is locked")
BUSY_MESSAGE = (
    "Hệ thống đang ghi dữ liệu nhập từ tệp; đồng chí thử lại sau khoảng {seconds} giây. "
    "Nội dung đồng chí vừa nhập chưa được lưu."
)
NOT_RESENT = ("csrfmiddlewaretoken",)  # a fresh token goes in the page
SECRET_FIELDS = ("password", "otp", "token")  # never written back into a page


def is_busy(exc: BaseException | None) -> bool:
    """Is `exc` SQLite's answer to a write that waited its busy timeout for another writer?"""
    return isinstance(exc, OperationalError) and str(exc).lower().startswith(LOCKED)


def retry_seconds() -> int:
    return settings.KTGS_SQLITE_RETRY


def kept_fields(request) -> list[tuple[str, str]]:
    """(name, value) of the posted form, to post again; secrets and the CSRF token left out."""
    if request.method != "POST":
        return []
    return [
        (name, value)
        for name, values in request.POST.lists()
        if name not in NOT_RESENT and not any(s in name.lower() for s in SECRET_FIELDS)
        for value in values
    ]


def busy_response(request) -> HttpResponse:
    seconds = retry_seconds()
    context = {
        "message": BUSY_MESSAGE.format(seconds=seconds),
        "fields": kept_fields(request),
        "files": bool(request.method == "POST" and request.FILES),
        "action": request.get_full_path(),
        "back": _same_site_referer(request),
    }
    response = HttpResponse(render_to_string("503.html", context, request=request), status=503)
    response["Retry-After"] = str(seconds)
    return response


def _same_site_referer(request) -> str:
    referer = request.headers.get("Referer", "")
    origin = f"{request.scheme}://{request.get_host()}/"
    return referer if referer.startswith(origin) else "/"


class BusyDatabaseMiddleware:
    """The 503 page for a view that met the import's write lock (see the module)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_busy(exception):
            return None
        session = getattr(request, "session", None)
        if session is not None:
            session.modified = False  # saving it would wait the busy timeout a second time
        return busy_response(request)


def server_error(request, template_name="500.html"):
    """handler500: the 503 page when the error is the import's write lock; a disk fault's 503
    (read-only folder, full disk: core.diskfaults); else Django's 500 page."""
    if is_busy(sys.exc_info()[1]):
        return busy_response(request)
    return diskfaults.server_error(request, template_name)
