"""Disk faults named for the user: a data folder that is read-only, a disk that is full.

`fault(exc)` looks at an exception (and what it was raised from: Django's database errors carry
the driver's error as their cause) and answers READ_ONLY, FULL or "" (another fault). The error
handler `server_error` (config/urls.py `handler500`, so it also covers an error raised in a
middleware, e.g. the session saved on the way out) answers a Vietnamese 503 page for the first
two instead of "Đã có lỗi trong hệ thống"; every other error keeps Django's 500 page. Pages that
store a file (the import upload, attachments) catch a full disk themselves and say so on the
form (`FULL_MESSAGE`).
"""

import errno
import logging
import sys

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.views import defaults

log = logging.getLogger(__name__)

READ_ONLY, FULL = "read_only", "full"
_ERRNOS = {
    errno.EROFS: READ_ONLY,
    errno.EACCES: READ_ONLY,
    errno.EPERM: READ_ONLY,
    errno.ENOSPC: FULL,
    errno.EDQUOT: FULL,
}
_TEXTS = {  # SQLite's and PostgreSQL's words for the same faults
    "attempt to write a readonly database": READ_ONLY,
    "unable to open database file": READ_ONLY,
    "read-only file system": READ_ONLY,
    "database or disk is full": FULL,
    "no space left on device": FULL,
    "disk quota exceeded": FULL,
}
_PG_DISK_FULL = "53100"

READ_ONLY_MESSAGE = (
    "Thư mục dữ liệu của KTGS trên máy chủ chỉ đọc được, nên máy chủ không ghi được dữ liệu "
    "(kể cả việc đăng nhập). Đồng chí hãy báo quản trị hệ thống."
)
FULL_MESSAGE = (
    "Ổ đĩa máy chủ đã đầy: thao tác vừa rồi chưa được ghi. Đồng chí hãy báo quản trị hệ thống "
    "giải phóng chỗ trống rồi làm lại."
)
MESSAGES = {READ_ONLY: READ_ONLY_MESSAGE, FULL: FULL_MESSAGE}


def fault(exc: BaseException | None) -> str:
    """READ_ONLY, FULL or "" for `exc` and the errors it was raised from."""
    seen = 0
    while exc is not None and seen < 10:
        found = _ERRNOS.get(exc.errno) if isinstance(exc, OSError) else None
        if found is None:
            found = _from_database(exc)
        if found:
            return found
        exc, seen = exc.__cause__, seen + 1
    return ""


def _from_database(exc: BaseException) -> str:
    code = getattr(exc, "sqlstate", None) or getattr(exc, "pgcode", None)
    if code == _PG_DISK_FULL:
        return FULL
    text = str(exc).lower()
    return next((kind for words, kind in _TEXTS.items() if words in text), "")


def is_full(exc: BaseException | None) -> bool:
    return fault(exc) == FULL


def server_error(request, template_name="500.html"):
    """handler500: a 503 naming the disk fault, else Django's own 500 page."""
    exc = sys.exc_info()[1]
    kind = fault(exc)
    if not kind:
        return defaults.server_error(request, template_name)
    log.error("disk fault (%s) on %s: %s", kind, request.path, exc)
    body = render_to_string("503_disk.html", {"message": MESSAGES[kind]})  # no request: no database
    return HttpResponse(body, status=503, headers={"Retry-After": "300"})
