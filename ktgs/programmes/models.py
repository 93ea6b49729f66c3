"""Annual inspection and supervision programmes of a body, and their planned items.

A programme belongs to one body (the committee, its standing committee or its UBKT) and one
year, and carries its Party document number (`02-CTr/ĐUK`). Each item plans one activity: its
kind, subjects (units and/or members), topic, quarter or month, and lead. An item turns into an
inspection (`inspections.Inspection.programme_item`); progress is read from those inspections.
"""

from django.db import models
from django.db.models import Q

from ktgs.core.choices import InspectionKind
from ktgs.core.docnumber import DocumentNumberField
from ktgs.core.models import Versioned, Voidable


class Programme(Voidable):
    body = models.ForeignKey(
        "orgs.Body", on_delete=models.PROTECT, related_name="programmes", verbose_name="cơ quan"
    )
    year = models.PositiveSmallIntegerField("năm")
    number = DocumentNumberField("số, ký hiệu")
    issued_on = models.DateField("ngày ban hành")
    title = models.CharField("trích yếu", max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "body"]
        verbose_name = "chương trình kiểm tra, giám sát"
        constraints = [
            models.UniqueConstraint(
                fields=["body", "year"],
                condition=Q(voided_at__isnull=True),
                name="programme_one_per_body_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} — {self.title}"

    def change_unit_paths(self) -> list[str]:
        """The programme's body's unit writes it and its items (`scope.may_change`)."""
        return [self.body.unit.path]


class ProgrammeItem(Versioned):
    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="items", verbose_name="chương trình"
    )
    position = models.PositiveSmallIntegerField("thứ tự")
    kind = models.CharField("loại hoạt động", max_length=30, choices=InspectionKind.choices)
    topic = models.TextField("nội dung")
    quarter = models.PositiveSmallIntegerField("quý", null=True, blank=True)
    month = models.PositiveSmallIntegerField("tháng", null=True, blank=True)
    lead = models.CharField("chủ trì", max_length=255, blank=True)
    subject_note = models.CharField("đối tượng (ghi chú)", max_length=255, blank=True)

    class Meta:
        ordering = ["programme", "position"]
        verbose_name = "nội dung chương trình"
        constraints = [
            models.UniqueConstraint(fields=["programme", "position"], name="item_position"),
            models.CheckConstraint(
                condition=Q(quarter__isnull=True) | Q(quarter__gte=1, quarter__lte=4),
                name="item_quarter_range",
            ),
            models.CheckConstraint(
                condition=Q(month__isnull=True) | Q(month__gte=1, month__lte=12),
                name="item_month_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.topic[:60]}"

    @property
    def planned_quarter(self) -> int | None:
        """The quarter the item falls in (from its month when only the month is planned)."""
        if self.quarter:
            return self.quarter
        return (self.month - 1) // 3 + 1 if self.month else None


class ProgrammeItemSubject(models.Model):
    """A planned subject of an item: a unit or a member (exactly one)."""

    item = models.ForeignKey(ProgrammeItem, on_delete=models.CASCADE, related_name="subjects")
    unit = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    member = models.ForeignKey(
        "orgs.Member", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "đối tượng dự kiến"
        constraints = [
            models.CheckConstraint(
                condition=Q(unit__isnull=True, member__isnull=False)
                | Q(unit__isnull=False, member__isnull=True),
                name="item_subject_one_kind",
            ),
        ]

    def __str__(self) -> str:
        return str(self.member or self.unit)
