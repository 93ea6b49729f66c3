"""Pages of attachments: add (to a record), download, void.

The owner decides access: not seen → 404; seen but not changeable → 403 for add and void.
Downloads of files of a record marked mật or above go to the access log.
"""

import logging
import unicodedata
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from ktgs.audit.reads import record_read
from ktgs.core import diskfaults
from ktgs.documents import forms, selectors, services
from ktgs.documents.models import Attachment
from ktgs.documents.owners import owner_page, owner_unit
from ktgs.documents.storage import open_stored

log = logging.getLogger(__name__)
DISK_FULL = (
    "Ổ đĩa máy chủ đã đầy: tệp chưa được đính kèm. Đồng chí hãy báo quản trị hệ thống giải "
    "phóng chỗ trống rồi đính kèm lại."
)
_D_STROKE = str.maketrans({"đ": "d", "Đ": "D"})
UPLOAD_OVERHEAD = 64 * 1024  # multipart headers and the note, beyond the file itself


def _owner_or_404(request, kind: str, pk: str):
    owner = selectors.owner_visible(scope=request.scope, kind=kind, pk=pk)
    if owner is None:
        raise Http404("Không tìm thấy hồ sơ.")
    return owner


def _require_change(request, owner) -> None:
    if not selectors.may_change(request.scope, owner):
        raise PermissionDenied("Vai trò của đồng chí chỉ được xem hồ sơ này.")


def _attachment_or_404(request, pk: int) -> tuple[Attachment, object]:
    found = selectors.attachment_get(scope=request.scope, pk=pk)
    if found is None:
        raise Http404("Không tìm thấy tài liệu đính kèm.")
    return found


def _too_large(request) -> bool:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    return length > services.max_bytes() + UPLOAD_OVERHEAD


def attachment_add(request, owner_type: str, owner_id: str):
    owner = _owner_or_404(request, owner_type, owner_id)
    _require_change(request, owner)
    refused = ""
    if request.method == "POST" and _too_large(request):  # by its declared length
        limit = services.max_bytes() // 1024 // 1024
        refused = f"Tệp vượt giới hạn {limit} MB của một tệp đính kèm."
        form = forms.AttachmentForm()
    else:
        posted = request.method == "POST"
        form = forms.AttachmentForm(*((request.POST, request.FILES) if posted else ()))
    if request.method == "POST" and form.is_valid():
        try:
            added = services.attachment_add(
                owner, form.cleaned_data["file"], note=form.cleaned_data["note"]
            )
        except ValidationError as exc:
            for key, errors in exc.message_dict.items():
                form.add_error(key if key in form.fields else None, errors)
        except OSError as exc:
            if not diskfaults.is_full(exc):
                raise
            log.error("attachment not stored, disk full: %s", exc)
            refused = DISK_FULL
        else:
            messages.success(request, f"Đã đính kèm tệp “{added.name}”.")
            return redirect(owner_page(owner) + "#tai-lieu")
    return render(
        request,
        "documents/attachment_add.html",
        {"form": form, "owner": owner, "owner_url": owner_page(owner), "refused": refused},
    )


@require_GET
def attachment_download(request, pk: int):
    attachment, owner = _attachment_or_404(request, pk)
    handle = open_stored(attachment)
    if handle is None:
        raise Http404("Tệp không còn trên máy chủ; hãy báo quản trị hệ thống.")
    attachment.secrecy = owner.secrecy  # the access log records the file, at its owner's level
    unit = owner_unit(owner)
    record_read(attachment, unit_id=unit.pk if unit is not None else None)
    response = FileResponse(handle, content_type=attachment.content_type)
    response["Content-Disposition"] = content_disposition(attachment.name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Length"] = str(attachment.size)
    return response


def content_disposition(name: str) -> str:
    """`attachment` with an ASCII fallback and the UTF-8 name (RFC 6266 / RFC 5987)."""
    bare = unicodedata.normalize("NFD", name.translate(_D_STROKE))
    ascii_name = "".join(ch for ch in bare if ch.isascii() and ch.isprintable() and ch not in '"\\')
    ascii_name = ascii_name.strip() or "tep-dinh-kem"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


def attachment_void(request, pk: int):
    attachment, owner = _attachment_or_404(request, pk)
    _require_change(request, owner)
    form = forms.AttachmentVoidForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.attachment_void(attachment, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            for key, errors in exc.message_dict.items():
                form.add_error(key if key in form.fields else None, errors)
        else:
            messages.success(request, f"Đã hủy tài liệu “{attachment.name}”.")
            return redirect(owner_page(owner) + "#tai-lieu")
    return render(
        request,
        "documents/attachment_void.html",
        {"form": form, "attachment": attachment, "owner": owner, "owner_url": owner_page(owner)},
    )
