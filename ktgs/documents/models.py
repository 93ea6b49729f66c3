"""Party document numbers in use and the files attached to records.

`IssuerSymbol`: the symbol a body signs with over a period (ĐUK, UBKTĐUK). A committee and its
standing committee carry the same symbol, so they share one sequence; the UBKT has its own.
`NumberUse`: each number taken, one row per (type, symbol, committee term, sequence).
`Attachment`: a stored file of a record (the owner, named like the audit trail's targets).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from ktgs.core.docnumber import DocumentNumberField
from ktgs.core.models import Dated, Voidable


class IssuerSymbol(Dated):
    """Ký hiệu cơ quan ban hành of a body over a period, e.g. "ĐUK" for Đảng ủy Khối."""

    body = models.ForeignKey(
        "orgs.Body", on_delete=models.PROTECT, related_name="+", verbose_name="cơ quan"
    )
    symbol = models.CharField("ký hiệu cơ quan ban hành", max_length=30)

    class Meta:
        ordering = ["body", "starts_on"]
        verbose_name = "ký hiệu cơ quan ban hành"
        indexes = [models.Index(fields=["body", "starts_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gt=models.F("starts_on")),
                name="issuersymbol_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.symbol


class NumberUse(models.Model):
    """A document number taken by a body: unique per (type, symbol, term, sequence)."""

    number = DocumentNumberField("số, ký hiệu")
    doc_type = models.CharField("loại văn bản", max_length=10)
    symbol = models.CharField("ký hiệu cơ quan ban hành", max_length=30)
    sequence = models.PositiveIntegerField("số thứ tự")
    term = models.ForeignKey(
        "orgs.Term", on_delete=models.PROTECT, related_name="+", verbose_name="nhiệm kỳ"
    )
    body = models.ForeignKey(
        "orgs.Body", on_delete=models.PROTECT, related_name="+", verbose_name="cơ quan"
    )
    issued_on = models.DateField("ngày ban hành")
    owner_type = models.CharField("loại hồ sơ", max_length=60, blank=True)
    owner_id = models.CharField("hồ sơ", max_length=60, blank=True)
    recorded_at = models.DateTimeField("ghi lúc", auto_now_add=True)

    class Meta:
        ordering = ["term", "doc_type", "sequence"]
        verbose_name = "số văn bản đã dùng"
        constraints = [
            models.UniqueConstraint(
                fields=["doc_type", "symbol", "term", "sequence"], name="numberuse_unique"
            ),
        ]

    def __str__(self) -> str:
        return str(self.number)


class Attachment(Voidable):
    """A file attached to a record. Stored under MEDIA_ROOT as `path` (generated: year/month/
    uuid + canonical extension); `name` is the original file name (NFC) for downloads."""

    owner_type = models.CharField("loại hồ sơ", max_length=60)  # "orgs.member"
    owner_id = models.CharField("hồ sơ", max_length=60)
    name = models.CharField("tên tệp", max_length=255)
    path = models.CharField("nơi lưu", max_length=200, unique=True, editable=False)
    kind = models.CharField("loại tệp", max_length=10)  # "pdf", "docx": filecheck.KINDS
    content_type = models.CharField("kiểu nội dung", max_length=120)
    size = models.PositiveBigIntegerField("dung lượng (byte)")
    sha256 = models.CharField("SHA-256", max_length=64)
    note = models.CharField("ghi chú", max_length=500, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="người tải lên",
    )
    uploaded_at = models.DateTimeField("tải lên lúc")

    class Meta:
        ordering = ["owner_type", "owner_id", "-uploaded_at", "-id"]
        verbose_name = "tài liệu đính kèm"
        indexes = [models.Index(fields=["owner_type", "owner_id"])]

    def __str__(self) -> str:
        return self.name


class OfficeTemplate(models.Model):
    """An office's own Word template of a document type (`printing.TYPES`), replacing the shipped
    one for its unit and the units under it. Each upload is a new version; the newest is in
    force. The file lives under MEDIA_ROOT as `path` (generated name)."""

    unit = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name="tổ chức đảng"
    )
    doc_type = models.CharField("loại văn bản", max_length=30)
    version = models.PositiveIntegerField("phiên bản")
    name = models.CharField("tên tệp", max_length=255)
    path = models.CharField("nơi lưu", max_length=200, unique=True, editable=False)
    size = models.PositiveBigIntegerField("dung lượng (byte)")
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="người tải lên",
    )
    uploaded_at = models.DateTimeField("tải lên lúc")

    class Meta:
        ordering = ["unit", "doc_type", "-version"]
        verbose_name = "mẫu văn bản của cơ quan"
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "doc_type", "version"], name="officetemplate_version_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.doc_type} v{self.version} ({self.name})"
