"""The audit trail: one event per business action, written by the service that acts."""

from django.db import models


class AuditEvent(models.Model):
    at = models.DateTimeField("lúc", auto_now_add=True, db_index=True)
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

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.action} {self.target_label}"
