"""Which records may carry attachments, and how to reach them.

An owner is named like the audit trail's targets: its model's label ("orgs.member") and its id.
Only the models listed here may own files; each follows `core.models.SecretRecord`, so
`request.scope.sees(owner)` decides who may see it (and its files). Later apps add their rows.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.db import models
from django.urls import reverse


@dataclass(frozen=True)
class OwnerKind:
    page: Callable[[models.Model], str]  # the owner's page, where the panel is
    unit: Callable[[models.Model], object]  # the unit the owner concerns (for the access log)
    live: Callable[[models.QuerySet], models.QuerySet] = lambda rows: rows


OWNERS: dict[str, OwnerKind] = {
    "orgs.member": OwnerKind(
        page=lambda member: reverse("orgs:member_detail", args=[member.code]),
        unit=lambda member: member.registered_unit(),
        live=lambda rows: rows.filter(voided_at__isnull=True),
    ),
}


def owner_type(owner: models.Model) -> str:
    return owner._meta.label_lower


def owner_get(kind: str, pk: str) -> models.Model | None:
    """The live owner record named by (`kind`, `pk`), or None (unknown kind, no such row)."""
    spec = OWNERS.get(kind)
    if spec is None or not str(pk).isdigit():
        return None
    model = apps.get_model(kind)
    return spec.live(model.objects.all()).filter(pk=int(pk)).first()


def owner_page(owner: models.Model) -> str:
    return OWNERS[owner_type(owner)].page(owner)


def owner_unit(owner: models.Model):
    return OWNERS[owner_type(owner)].unit(owner)
