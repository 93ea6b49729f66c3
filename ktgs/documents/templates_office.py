"""Offices' own Word templates: upload (checked, versioned, audited) and the one in force.

The template in force for a unit is the newest version uploaded for that unit or, failing that,
for the nearest unit above it (today's tree, `OrgUnit.path`); else the shipped one.
"""

import hashlib
import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from ktgs.audit.context import current_actor
from ktgs.audit.services import record
from ktgs.documents import printing
from ktgs.documents.models import OfficeTemplate
from ktgs.documents.services import max_bytes
from ktgs.orgs.models import ancestor_paths

TEMPLATE_DIR = "mau-van-ban"  # under MEDIA_ROOT


def in_force(doc_type: str, unit) -> OfficeTemplate | None:
    """The office template of `doc_type` that prints for `unit`, or None (the shipped one)."""
    if unit is None:
        return None
    paths = ancestor_paths(unit.path)[::-1]  # the unit's own first
    rows = list(
        OfficeTemplate.objects.filter(doc_type=doc_type, unit__path__in=paths)
        .select_related("unit")
        .order_by("-version")
    )
    for path in paths:  # nearest unit first
        for row in rows:
            if row.unit.path == path:
                return row
    return None


def stored(row: OfficeTemplate) -> Path:
    root = Path(settings.MEDIA_ROOT).resolve()
    path = (root / row.path).resolve()
    if not path.is_relative_to(root):
        raise ValueError(row.path)
    return path


def template_bytes(doc_type: str, unit) -> bytes | None:
    """The bytes of the office template in force for `unit`, None for the shipped one."""
    row = in_force(doc_type, unit)
    return stored(row).read_bytes() if row is not None else None


def template_upload(unit, doc_type: str, uploaded_file) -> OfficeTemplate:
    """Store a new version of `unit`'s template of `doc_type` after checking it: not a .docx, a
    damaged file, a syntax error or an unknown placeholder → ValidationError, nothing saved."""
    kind = printing.doc_type(doc_type)
    if uploaded_file.size > max_bytes():
        raise ValidationError({"file": "Tệp mẫu vượt giới hạn dung lượng của một tệp tải lên."})
    content = b"".join(uploaded_file.chunks())
    printing.check_template(kind.code, content)
    rel = f"{TEMPLATE_DIR}/{uuid.uuid4().hex}.docx"
    target = Path(settings.MEDIA_ROOT) / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(content)
    try:
        with transaction.atomic():
            top = OfficeTemplate.objects.filter(unit=unit, doc_type=kind.code).aggregate(
                top=models.Max("version")
            )["top"]
            row = OfficeTemplate.objects.create(
                unit=unit,
                doc_type=kind.code,
                version=(top or 0) + 1,
                name=str(uploaded_file.name)[:255],
                path=rel,
                size=len(content),
                sha256=hashlib.sha256(content).hexdigest(),
                uploaded_by_id=current_actor.get().id,
                uploaded_at=timezone.now(),
            )
            record(
                "documents.template.uploaded",
                target=row,
                unit_id=unit.pk,
                details={"doc_type": kind.code, "version": row.version, "file": row.name},
            )
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return row
