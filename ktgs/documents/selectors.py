"""Reads of the documents app, limited by what the user may see."""

from ktgs.documents.models import Attachment
from ktgs.documents.owners import owner_get, owner_type


def attachments_of(owner):
    """Live attachments of `owner`, newest first (the caller has shown the owner already)."""
    return (
        Attachment.objects.live()
        .filter(owner_type=owner_type(owner), owner_id=str(owner.pk))
        .select_related("uploaded_by")
        .order_by("-uploaded_at", "-id")
    )


def attachment_get(*, scope, pk: int) -> tuple[Attachment, object] | None:
    """(attachment, owner) when the attachment is live and the user sees its owner, else None."""
    attachment = Attachment.objects.live().filter(pk=pk).first()
    if attachment is None:
        return None
    owner = owner_get(attachment.owner_type, attachment.owner_id)
    if owner is None or not scope.sees(owner):
        return None
    return attachment, owner


def owner_visible(*, scope, kind: str, pk: str):
    owner = owner_get(kind, pk)
    return owner if owner is not None and scope.sees(owner) else None


def may_change(scope, owner) -> bool:
    """May the user add or void files of `owner`? The owner's own rule decides
    (`owner.change_unit_paths()`: e.g. an inspection step, the performing unit only), not every
    unit the owner concerns: a subject unit sees its superior's inspection but does not write it."""
    return scope.may_change(owner)
