"""Shared base models and vocabularies. Imports no other KTGS app."""

from django.db import models


class Secrecy(models.TextChoices):
    """Độ mật of a record and a user's clearance. Tuyệt mật is never stored in KTGS."""

    NORMAL = "normal", "Thường"
    CONFIDENTIAL = "confidential", "Mật"
    SECRET = "secret", "Tối mật"


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
