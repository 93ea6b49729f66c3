"""Drafts of the narrative review (docs/reports.md, «Báo cáo thuyết minh»)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

PARAGRAPH_KINDS = ("heading", "generated", "written")


class ReportDraft(models.Model):
    """A draft report of one unit over one period: its title and ordered paragraphs.

    `paragraphs` is a list of {"kind": "heading" | "generated" | "written", "key": the generated
    paragraph's key (review.GENERATED) or "", "text": the text as it stands (the clerk may have
    edited a generated one), "figures": for a generated paragraph, the figures it was written
    from: [{"key", "params", "value", "label"}] (the snapshot the draft page compares with the
    records)}."""

    unit = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name="tổ chức"
    )
    period_kind = models.CharField("loại kỳ", max_length=16)
    period_params = models.JSONField("kỳ (tham số)", default=dict)  # Period.params()
    starts_on = models.DateField("từ ngày")
    ends_on = models.DateField("đến ngày")
    title = models.CharField("tiêu đề", max_length=300)
    paragraphs = models.JSONField("các đoạn", default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name="người soạn",
    )
    created_at = models.DateTimeField("lúc soạn", auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name="người sửa",
    )
    updated_at = models.DateTimeField("lúc sửa", auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-pk"]
        verbose_name = "dự thảo báo cáo"
        indexes = [models.Index(fields=["unit", "-updated_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="reportdraft_dates_ordered"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def document_paragraphs(self) -> list[tuple[str, str]]:
        """[(kind, text)] to lay the draft out: kind "heading" or "text"; empty paragraphs left
        out (the DOCX export reads this)."""
        return [
            ("heading" if p["kind"] == "heading" else "text", p["text"].strip())
            for p in self.paragraphs
            if p["text"].strip()
        ]
