from django.db import models
from django.db.models import Q

from ktgs.core.models import Dated
from ktgs.rules.choices import DayChange, RuleOrigin, RuleStatus


def source_name(source: str) -> str:
    """A source as people name it: "296-QĐ/TW" → "QĐ 296-QĐ/TW"; "Điều lệ Đảng" as is."""
    if "-" in source and "/" in source:  # a Party document number
        return f"{source.split('-', 1)[1].split('/', 1)[0]} {source}"
    return source


class RuleRow(Dated):
    """One dated value of the rule pack, with its source; an office row corrects a pack row for
    the bodies of one unit's subtree (`unit`: the unit whose commission leader made it)."""

    family = models.CharField("nhóm quy tắc", max_length=40)
    key = models.CharField("khóa", max_length=80)
    value = models.JSONField("giá trị")
    status = models.CharField("tình trạng", max_length=12, choices=RuleStatus.choices)
    source = models.CharField("văn bản căn cứ", max_length=80)
    article = models.CharField("điều, khoản", max_length=120, blank=True)
    note = models.TextField("ghi chú", blank=True)
    origin = models.CharField(
        "nguồn", max_length=8, choices=RuleOrigin.choices, default=RuleOrigin.PACK
    )
    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name="điều chỉnh dòng",
    )
    unit = models.ForeignKey(
        "orgs.OrgUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="áp dụng cho tổ chức",
    )

    class Meta:
        ordering = ["family", "key", "starts_on"]
        verbose_name = "dòng quy tắc"
        indexes = [models.Index(fields=["family", "key", "starts_on"])]
        constraints = [
            models.UniqueConstraint(
                fields=["family", "key", "starts_on"],
                condition=Q(origin=RuleOrigin.PACK),
                name="rule_pack_row_unique",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gt=models.F("starts_on")),
                name="rule_row_dates",
            ),
            models.CheckConstraint(  # a pack row holds everywhere, an office row in one subtree
                condition=Q(origin=RuleOrigin.PACK, unit__isnull=True)
                | Q(origin=RuleOrigin.OFFICE, unit__isnull=False),
                name="rule_row_unit_for_office_only",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.family}/{self.key} từ {self.starts_on:%d/%m/%Y}"

    @property
    def citation(self) -> str:
        """The basis as refusal and due-date pages print it: "QĐ 296-QĐ/TW, Điều 5"."""
        source = source_name(self.source)
        return f"{source}, {self.article}" if self.article else source


class CalendarCorrection(models.Model):
    """An office's correction of the holiday calendar for one day (one entry per day)."""

    day = models.DateField("ngày", unique=True)
    change = models.CharField("điều chỉnh", max_length=12, choices=DayChange.choices)
    basis = models.CharField("căn cứ", max_length=255)

    class Meta:
        ordering = ["day"]
        verbose_name = "điều chỉnh lịch làm việc"

    def __str__(self) -> str:
        return f"{self.get_change_display()} {self.day:%d/%m/%Y}"
