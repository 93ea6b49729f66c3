"""Shared base models and vocabularies. Imports no other KTGS app."""

from django.core.exceptions import ValidationError
from django.db import models


class Secrecy(models.TextChoices):
    """Độ mật of a record and a user's clearance. Tuyệt mật is never stored in KTGS."""

    NORMAL = "normal", "Thường"
    CONFIDENTIAL = "confidential", "Mật"
    SECRET = "secret", "Tối mật"


# Lowest first: a user cleared for a level sees records of that level and below.
SECRECY_ORDER: tuple[str, ...] = (Secrecy.NORMAL, Secrecy.CONFIDENTIAL, Secrecy.SECRET)
# "Tuyệt mật" is recognised on input only to be refused: such records stay outside KTGS. The
# message names the law without its year: 29/2018/QH14 was replaced on 01/03/2026 by
# 117/2025/QH15 (docs/security.md).
TOP_SECRET = "top_secret"
TOP_SECRET_REFUSED = (
    "Tài liệu tuyệt mật không được lưu trong KTGS; hãy quản lý theo chế độ riêng "
    "(Luật Bảo vệ bí mật nhà nước)."
)
SECRECY_INPUT_CHOICES: list[tuple[str, str]] = [*Secrecy.choices, (TOP_SECRET, "Tuyệt mật")]


def levels_up_to(clearance: str) -> tuple[str, ...]:
    """The secrecy levels a user with `clearance` may read; none for an unknown clearance."""
    if clearance not in SECRECY_ORDER:
        return ()
    return SECRECY_ORDER[: SECRECY_ORDER.index(clearance) + 1]


def secrecy_check(prefix: str) -> models.CheckConstraint:
    """The database refuses any secrecy but the three stored levels (so never tuyệt mật)."""
    return models.CheckConstraint(
        condition=models.Q(secrecy__in=Secrecy.values), name=f"{prefix}_secrecy_known"
    )


class SecretRecord(models.Model):
    """A record with a secrecy level, which `accounts.access` can decide on.

    The access protocol (docs/security.md, "Ai xem được gì"); access.py reads only this:
      ACCESS_PATHS             ORM lookups from the model to the `path` of each unit the record
                               concerns, for querysets (e.g. "current_unit__path").
      access_unit_paths()      today's paths of those units, for one record.
      change_unit_paths()      today's paths of the units whose `records.change` (or, for a
                               decision on it, `records.decide`) allows changing the record
                               and every sub-record of it (steps, conclusions, files...): the
                               ONE rule per record type, asked through `scope.may_change(record)`.
                               Usually fewer units than it concerns: a subject unit sees an
                               inspection of its superior but does not write it.
      access_exclusion(scope)  Q of rows hidden from `scope` although their units are in it
                               (e.g. a letter from its accused); None when there is no exception.
      access_excluded(scope)   the same decision for one record.
    A subclass adds `secrecy_check("<model>")` to its Meta.constraints.
    """

    secrecy = models.CharField(
        "độ mật", max_length=20, choices=Secrecy.choices, default=Secrecy.NORMAL
    )

    ACCESS_PATHS: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def access_unit_paths(self) -> list[str]:
        raise NotImplementedError(f"{type(self).__name__} must say which units it concerns")

    def change_unit_paths(self) -> list[str]:
        raise NotImplementedError(f"{type(self).__name__} must say which units may change it")

    @classmethod
    def access_exclusion(cls, scope) -> models.Q | None:
        return None

    def access_excluded(self, scope) -> bool:
        return False

    def clean_fields(self, exclude=None) -> None:
        """Tuyệt mật is refused with the reason, not with Django's "not a valid choice"."""
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as exc:
            errors = exc.update_error_dict({})
        else:
            errors = {}
        if self.secrecy == TOP_SECRET and "secrecy" not in (exclude or ()):
            errors["secrecy"] = [TOP_SECRET_REFUSED]
        if errors:
            raise ValidationError(errors)


class VoidableQuerySet(models.QuerySet):
    def live(self):
        return self.filter(voided_at__isnull=True)


class Voidable(models.Model):
    """A record entered by mistake is voided with a reason, never deleted.

    Who voided it is in the audit trail (`*.voided` event), not on the row."""

    voided_at = models.DateTimeField("hủy lúc", null=True, blank=True)
    void_reason = models.TextField("lý do hủy", blank=True)

    objects = VoidableQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_voided(self) -> bool:
        return self.voided_at is not None


class Dated(models.Model):
    """A fact that holds from `starts_on` (inclusive) until `ends_on` (exclusive; open if null)."""

    starts_on = models.DateField("từ ngày")
    ends_on = models.DateField("đến trước ngày", null=True, blank=True)

    class Meta:
        abstract = True

    def holds_on(self, day) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day < self.ends_on)

    @staticmethod
    def q_on(day, prefix: str = "") -> models.Q:
        """Q for rows of a Dated model (reached through `prefix`) that hold on `day`."""
        open_or_later = models.Q(**{f"{prefix}ends_on__isnull": True}) | models.Q(
            **{f"{prefix}ends_on__gt": day}
        )
        return models.Q(**{f"{prefix}starts_on__lte": day}) & open_or_later


class OfficeSetting(models.Model):
    """A setting of the office running KTGS, e.g. `in_use_since` (the date from which records
    are entered in KTGS: older records are history, imported with warnings instead of refusals).
    Written through audited services: `inspections.services.office_in_use_since_set`, and
    `reports.services.period_cutoff_set` / `period_deadline_set` (the report periods' cut-off
    days and deadlines); set from the command line with `ktgs setting`."""

    key = models.CharField("thiết lập", max_length=40, unique=True)
    value = models.JSONField("giá trị")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "thiết lập của đơn vị"

    def __str__(self) -> str:
        return self.key


class Versioned(models.Model):
    """A record edited through forms: `version` goes up by one with every saved change, so a
    save from a form opened at an older version is refused instead of silently undoing the
    change made in between (optimistic concurrency, `ktgs.core.concurrency`)."""

    version = models.PositiveIntegerField("phiên bản", default=1, editable=False)

    class Meta:
        abstract = True
