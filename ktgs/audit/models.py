"""The audit trail: one event per business action, written by the service that acts.

The table is append-only (database triggers refuse UPDATE, DELETE and, on PostgreSQL, TRUNCATE)
and hash-chained: each row's `hash` covers its canonical content and the previous row's hash, so
`ktgs audit verify` finds a row changed, removed or reordered behind the application's back.
Since the audit key, links are HMACs: recomputing them needs the key, not just the database.
"""

from django.db import models
from django.utils import timezone


class AuditEvent(models.Model):
    seq = models.PositiveBigIntegerField("số thứ tự", unique=True, editable=False)
    at = models.DateTimeField("lúc", default=timezone.now, db_index=True)
    action = models.CharField("hành động", max_length=80, db_index=True)
    actor_id = models.BigIntegerField("người thực hiện (id)", null=True, blank=True)
    actor_name = models.CharField("người thực hiện", max_length=150, blank=True)
    ip = models.GenericIPAddressField("địa chỉ IP", null=True, blank=True)
    target_type = models.CharField("loại bản ghi", max_length=60, blank=True)
    target_id = models.CharField("bản ghi", max_length=60, blank=True)
    target_label = models.CharField("mô tả", max_length=255, blank=True)
    unit_id = models.BigIntegerField("tổ chức liên quan (id)", null=True, blank=True)
    changes = models.JSONField("thay đổi", default=dict, blank=True)
    details = models.JSONField("chi tiết", default=dict, blank=True)
    prev_hash = models.CharField(max_length=64, blank=True, editable=False)
    hash = models.CharField(max_length=64, blank=True, editable=False)
    # How `hash` links this event (audit.chain): "sha256" (before the audit key) or
    # "hmac-sha256:<key id>".
    link = models.CharField(max_length=40, default="sha256", editable=False)

    class Meta:
        ordering = ["-seq"]
        indexes = [
            models.Index(fields=["target_type", "target_id"]),
            # the search page (audit:search): a subtree's events, newest first, a page at a time
            models.Index(fields=["unit_id", "seq"], name="audit_event_unit_seq"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.action} {self.target_label}"


class ReadEvent(models.Model):
    """One reading of a record marked mật or above: who, what, when, from where.

    A separate access log, not part of the hash chain, so that reading stays cheap (no chain
    lock). Written by `audit.reads.record_read()`; nothing updates or deletes it in the app."""

    at = models.DateTimeField("lúc", default=timezone.now, db_index=True)
    user_id = models.BigIntegerField("người đọc (id)", null=True, blank=True)
    user_name = models.CharField("người đọc", max_length=150, blank=True)
    ip = models.GenericIPAddressField("địa chỉ IP", null=True, blank=True)
    target_type = models.CharField("loại bản ghi", max_length=60)
    target_id = models.CharField("bản ghi", max_length=60)
    secrecy = models.CharField("độ mật", max_length=20)
    unit_id = models.BigIntegerField("tổ chức liên quan (id)", null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["target_type", "target_id"]),
            models.Index(fields=["user_id", "at"]),
            # the read log page (/quan-tri/so-doc/): a subtree's reads, newest first
            models.Index(fields=["unit_id", "at"], name="audit_read_unit_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.user_name} đọc {self.target_type} {self.target_id}"


class LookupRefusal(models.Model):
    """Codes or citizen IDs a user typed that KTGS answered "not found" (missing, or outside the
    user's scope or clearance — the two are one answer). Counted by `audit.probing` to slow down
    a user who probes for records; kept as a record of the refusals (not in the hash chain)."""

    at = models.DateTimeField("lúc", default=timezone.now)
    user_id = models.BigIntegerField("người dùng (id)")
    kind = models.CharField("loại", max_length=30)
    count = models.PositiveIntegerField("số mã bị từ chối")

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["user_id", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.user_id} {self.kind} ×{self.count}"
