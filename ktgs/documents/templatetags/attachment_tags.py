"""`{% load attachment_tags %}{% attachments_panel object %}`: the "Tài liệu đính kèm" panel.

The page that renders it has already decided the user may see `object`; the panel lists its
live files with download links and, for users who may change it, the upload form and the
void links."""

from django import template
from django.urls import reverse

from ktgs.documents import filecheck, selectors
from ktgs.documents.owners import owner_type

register = template.Library()


@register.inclusion_tag("documents/_attachments_panel.html", takes_context=True)
def attachments_panel(context, owner):
    request = context["request"]
    kind = owner_type(owner)
    return {
        "rows": list(selectors.attachments_of(owner)),
        "can_change": selectors.may_change(request.scope, owner),
        "add_url": reverse("documents:attachment_add", args=[kind, owner.pk]),
        "accept": ",".join(f".{e}" for e in filecheck.BY_EXTENSION),
        "allowed": filecheck.ALLOWED_TEXT,
        "csrf_token": context.get("csrf_token"),
    }


@register.filter
def file_size(size: int) -> str:
    """1536 → "1,5 KB"; 3.2 MB → "3,2 MB" (Vietnamese decimal comma)."""
    if size < 1024:
        return f"{size} byte"
    for unit in ("KB", "MB", "GB"):
        size /= 1024
        if size < 1024 or unit == "GB":
            return f"{size:.1f} {unit}".replace(".", ",")
    return ""
