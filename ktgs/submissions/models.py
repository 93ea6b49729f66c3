"""Nộp báo cáo (docs/submissions.md): ad-hoc report requests, submissions (each a frozen copy of
the figures and the review), closures of a period by the superior, and reminders.

Periodic obligations are not stored: they follow from the office's settings (the period kinds
with a deadline, `reports.periods`) and today's tree (every unit with a superior reports to it).

A period is named by its **slot**, the same string for every unit: "nam:2023-01-01:2023-12-31"
(kind, first and last day) for a periodic report, "yeu-cau:<id>" for an ad-hoc request."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class ReportRequest(models.Model):
    """An ad-hoc request: what (title), from which units (recipients), over which dates, by when."""

    title = models.CharField("nội dung yêu cầu", max_length=300)
    unit = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name="đơn vị yêu cầu"
    )
    recipients = models.ManyToManyField(
        "orgs.OrgUnit", related_name="report_requests", verbose_name="đơn vị phải báo cáo"
    )
    starts_on = models.DateField("từ ngày")
    ends_on = models.DateField("đến ngày")
    deadline = models.DateField("hạn nộp")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField("lúc tạo", auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "yêu cầu báo cáo"
        indexes = [models.Index(fields=["unit", "-created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="reportrequest_dates_ordered"
            ),
            models.CheckConstraint(
                condition=Q(deadline__gte=F("ends_on")), name="reportrequest_deadline_after_end"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def slot(self) -> str:
        return f"yeu-cau:{self.pk}"


class Submission(models.Model):
    """One version of a unit's report for one slot. A resubmission is a new row (version + 1);
    the one before is marked superseded. What was submitted is kept as data, so that a package
    (issue 17, point 4) can carry it and a later change of the records can be detected:

    * `tables`: every cell of every report table at submission time,
      {table key: {row key: {column key: value}}};
    * `figures`: every indicator figure those cells (and the review's paragraphs) read,
      [{"key", "params", "value", "label"}] — what `reports.review.outdated_in` compares;
    * `review`: the unit's current draft of the period, if any: {"draft": id, "title",
      "paragraphs": [[kind, text]]};
    * `audit_seq` / `audit_hash`: the audit chain's head once the submission was recorded."""

    unit = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name="tổ chức"
    )
    slot = models.CharField("kỳ", max_length=40)
    period_kind = models.CharField("loại kỳ", max_length=16)  # PeriodKind value or "yeu-cau"
    period_params = models.JSONField("kỳ (tham số)", default=dict)
    starts_on = models.DateField("từ ngày")
    ends_on = models.DateField("đến ngày")
    request = models.ForeignKey(
        ReportRequest, on_delete=models.PROTECT, null=True, blank=True, related_name="submissions"
    )
    version = models.PositiveIntegerField("lần nộp")
    superseded_at = models.DateTimeField("thay bằng lần nộp sau lúc", null=True, blank=True)
    tables = models.JSONField("số liệu các biểu", default=dict)
    figures = models.JSONField("các chỉ tiêu", default=list)
    review = models.JSONField("báo cáo thuyết minh", default=dict)
    audit_seq = models.PositiveBigIntegerField("đầu chuỗi nhật ký (số)", null=True, blank=True)
    audit_hash = models.CharField("đầu chuỗi nhật ký", max_length=64, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    submitted_at = models.DateTimeField("lúc nộp")

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = "báo cáo đã nộp"
        indexes = [models.Index(fields=["slot", "unit"])]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "slot", "version"], name="submission_one_per_version"
            ),
            models.UniqueConstraint(
                fields=["unit", "slot"],
                condition=Q(superseded_at__isnull=True),
                name="submission_one_current",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.slot} v{self.version}"


class PeriodClosure(models.Model):
    """The superior's closure of a slot (chốt kỳ). Reopening keeps the row (reopened_*); a new
    closure is a new row, so the history stays.

    * `missing`: the units that had to report and had no current submission, closed over with
      `override_reason` — [{"id", "code", "name"}];
    * `included`: the submissions frozen in — [{"unit", "submission", "version"}];
    * `own_tables` / `figures`: the superior's own report computed from its records at closing
      (same shapes as a Submission's);
    * `tables`: the superior's report for the period computed from the submissions: see
      `services.aggregate` (docs/submissions.md, «Chốt kỳ»)."""

    unit = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name="cấp trên"
    )
    slot = models.CharField("kỳ", max_length=40)
    period_kind = models.CharField("loại kỳ", max_length=16)
    period_params = models.JSONField("kỳ (tham số)", default=dict)
    starts_on = models.DateField("từ ngày")
    ends_on = models.DateField("đến ngày")
    request = models.ForeignKey(
        ReportRequest, on_delete=models.PROTECT, null=True, blank=True, related_name="closures"
    )
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    closed_at = models.DateTimeField("lúc chốt")
    override_reason = models.TextField("lý do chốt khi còn đơn vị chưa nộp", blank=True)
    missing = models.JSONField("đơn vị chưa nộp", default=list)
    included = models.JSONField("các báo cáo đã nộp", default=list)
    own_tables = models.JSONField("số liệu từ hồ sơ", default=dict)
    figures = models.JSONField("các chỉ tiêu", default=list)
    tables = models.JSONField("số liệu tổng hợp", default=dict)
    reopened_at = models.DateTimeField("lúc mở lại", null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reopen_reason = models.TextField("lý do mở lại", blank=True)
    # the flags as last computed (`flags.closure_flags`): [{"unit", "changes", "events"}], and
    # the audit chain's head then — recomputed only once an event is recorded in the subtree
    checked_flags = models.JSONField("số liệu thay đổi (lần kiểm tra gần nhất)", default=list)
    checked_seq = models.PositiveBigIntegerField("kiểm tra đến sự kiện nhật ký", null=True)
    checked_at = models.DateTimeField("lúc kiểm tra", null=True, blank=True)

    class Meta:
        ordering = ["-closed_at", "-pk"]
        verbose_name = "chốt kỳ báo cáo"
        indexes = [models.Index(fields=["slot", "unit"])]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "slot"],
                condition=Q(reopened_at__isnull=True),
                name="closure_one_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.slot}"


class Reminder(models.Model):
    """A reminder to a unit that has not submitted: shown on its page, e-mailed to its users
    where a mail server is configured (`emailed`: how many addresses)."""

    unit = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name="đơn vị được nhắc"
    )
    by_unit = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name="cấp trên nhắc"
    )
    slot = models.CharField("kỳ", max_length=40)
    label = models.CharField("kỳ báo cáo", max_length=200)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    sent_at = models.DateTimeField("lúc nhắc")
    emailed = models.PositiveIntegerField("số thư điện tử đã gửi", default=0)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = "nhắc nộp báo cáo"
        indexes = [models.Index(fields=["unit", "-sent_at"])]

    def __str__(self) -> str:
        return f"{self.unit} {self.slot}"


# --- packages between installations (docs/submissions.md, «Gói báo cáo giữa hai hệ thống») ------


class SigningKey(models.Model):
    """The exporting side: the public half of a unit's Ed25519 signing key. The private half is
    a file outside the database (`packages.private_key_path`), so a dump does not carry it. A
    replaced key is retired (`retired_at`, `retire_reason`); one active key per unit."""

    unit = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name="đơn vị"
    )
    fingerprint = models.CharField("dấu vân tay", max_length=64, unique=True)
    public_pem = models.TextField("khóa công khai (PEM)")
    created_at = models.DateTimeField("lúc tạo")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    retired_at = models.DateTimeField("thôi dùng lúc", null=True, blank=True)
    retire_reason = models.TextField("lý do thôi dùng", blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "khóa ký của đơn vị"
        constraints = [
            models.UniqueConstraint(
                fields=["unit"], condition=Q(retired_at__isnull=True), name="signingkey_one_active"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.fingerprint[:16]}"


class PackageExport(models.Model):
    """The exporting side: a package written from a submission. The last one of a unit gives the
    next package its «previous head» (the audit-chain head this one carried)."""

    unit = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name="đơn vị"
    )
    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="exports")
    sha256 = models.CharField("SHA-256 của tệp gói", max_length=64)
    fingerprint = models.CharField("dấu vân tay khóa ký", max_length=64)
    head_seq = models.PositiveBigIntegerField("đầu chuỗi nhật ký (số)")
    head_hash = models.CharField("đầu chuỗi nhật ký", max_length=64)
    prev_seq = models.PositiveBigIntegerField("đầu chuỗi của gói trước (số)", null=True)
    prev_hash = models.CharField("đầu chuỗi của gói trước", max_length=64, blank=True)
    exported_at = models.DateTimeField("lúc xuất")
    exported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-exported_at", "-pk"]
        verbose_name = "gói báo cáo đã xuất"
        indexes = [models.Index(fields=["unit", "-exported_at"])]

    def __str__(self) -> str:
        return f"{self.unit} {self.submission.slot} v{self.submission.version}"


class RegisteredKey(models.Model):
    """The receiving side: a sub-unit's public key, registered once by its superior. Replacing
    or revoking it keeps the row (`revoked_*` with the reason); one active key per unit."""

    unit = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name="đơn vị gửi gói"
    )
    by_unit = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name="cấp trên"
    )
    fingerprint = models.CharField("dấu vân tay", max_length=64)
    public_pem = models.TextField("khóa công khai (PEM)")
    reason = models.TextField("lý do đăng ký (khi thay khóa cũ)", blank=True)
    registered_at = models.DateTimeField("lúc đăng ký")
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    revoked_at = models.DateTimeField("thu hồi lúc", null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revoke_reason = models.TextField("lý do thu hồi", blank=True)

    class Meta:
        ordering = ["-registered_at", "-pk"]
        verbose_name = "khóa ký đã đăng ký"
        indexes = [models.Index(fields=["by_unit", "-registered_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["unit"],
                condition=Q(revoked_at__isnull=True),
                name="registeredkey_one_active",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.fingerprint[:16]}"


class PackageImport(models.Model):
    """The receiving side: the package a Submission came from. `history` is "" when the
    exporter's audit chain was shown to extend the one of the unit's previous package (or there
    was none to compare), otherwise why not (the import is accepted, flagged)."""

    submission = models.OneToOneField(Submission, on_delete=models.PROTECT, related_name="package")
    unit = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name="đơn vị gửi gói"
    )
    key = models.ForeignKey(RegisteredKey, on_delete=models.PROTECT, related_name="imports")
    sha256 = models.CharField("SHA-256 của tệp gói", max_length=64, unique=True)
    fingerprint = models.CharField("dấu vân tay khóa ký", max_length=64)
    remote_version = models.PositiveIntegerField("lần nộp ở hệ thống của đơn vị")
    remote_submitted_by = models.CharField("người nộp ở hệ thống của đơn vị", max_length=200)
    exported_at = models.DateTimeField("lúc xuất gói")
    head_seq = models.PositiveBigIntegerField("đầu chuỗi nhật ký (số)")
    head_hash = models.CharField("đầu chuỗi nhật ký", max_length=64)
    prev_seq = models.PositiveBigIntegerField("đầu chuỗi của gói trước (số)", null=True)
    prev_hash = models.CharField("đầu chuỗi của gói trước", max_length=64, blank=True)
    links = models.PositiveIntegerField("số mắt xích nhật ký trong gói", default=0)
    history = models.TextField("cảnh báo lịch sử nhật ký", blank=True)
    imported_at = models.DateTimeField("lúc nhập")
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-imported_at", "-pk"]
        verbose_name = "gói báo cáo đã nhập"
        indexes = [models.Index(fields=["unit", "-imported_at"])]

    def __str__(self) -> str:
        return f"{self.unit} {self.submission.slot} ({self.sha256[:12]})"
