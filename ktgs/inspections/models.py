"""Inspections and supervisions (cuộc kiểm tra, giám sát), their subjects, steps and conclusions.

An `Inspection` knows its kind, the performing body (and that body's unit, kept beside it for
indexed counts), the decision (number, date — the date that selects the rules and places it in a
report's range), its subjects and, per subject, what the subject was on the decision date (a
committee member of which unit and level, head of a unit, managed by which body): reports
count those snapshots. Its steps come from the rule pack in force on the decision date.
A conclusion is per subject (`InspectionSubject.result` …); a recommendation becomes a
`FollowUp`; a result "warranting discipline" a `DisciplineProposal` the discipline module picks up.
"""

from django.db import models
from django.db.models import Q

from ktgs.core.choices import InspectionKind
from ktgs.core.docnumber import DocumentNumberField
from ktgs.core.models import SecretRecord, Versioned, Voidable, secrecy_check
from ktgs.inspections.choices import (
    ConclusionResult,
    FollowUpStatus,
    Origin,
    ProposalStatus,
    Remedy,
    TeamRole,
)
from ktgs.orgs.choices import Level
from ktgs.rules.choices import Step


class Inspection(Versioned, Voidable, SecretRecord):
    """One inspection or supervision by one body (a decision may name several subjects)."""

    ACCESS_PATHS = ("unit__path", "subjects__unit__path")

    kind = models.CharField("loại", max_length=30, choices=InspectionKind.choices)
    body = models.ForeignKey(
        "orgs.Body", on_delete=models.PROTECT, related_name="inspections", verbose_name="chủ thể"
    )
    unit = models.ForeignKey(
        "orgs.OrgUnit",
        on_delete=models.PROTECT,
        related_name="inspections_performed",
        verbose_name="tổ chức đảng của chủ thể",
        editable=False,
    )
    programme_item = models.ForeignKey(
        "programmes.ProgrammeItem",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspections",
        verbose_name="theo nội dung chương trình",
    )
    origin = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_ons",
        verbose_name="chuyển từ cuộc giám sát",
    )
    topic = models.TextField("nội dung")
    legal_basis = models.TextField("căn cứ", blank=True)
    decision_number = DocumentNumberField("số quyết định", blank=True)
    decided_on = models.DateField("ngày quyết định")
    plan_ends_on = models.DateField("kết thúc theo kế hoạch", null=True, blank=True)
    concluded_on = models.DateField("ngày thông báo kết luận", null=True, blank=True)
    warnings = models.TextField("cảnh báo về quy định", blank=True)
    source = models.CharField(
        "nguồn", max_length=10, choices=Origin.choices, default=Origin.ENTERED
    )
    external_ref = models.CharField("mã hồ sơ (khi nhập từ tệp)", max_length=80, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_on", "-pk"]
        verbose_name = "cuộc kiểm tra, giám sát"
        indexes = [
            models.Index(fields=["unit", "decided_on"]),
            models.Index(fields=["body", "decided_on"]),
            models.Index(fields=["decided_on", "kind"]),
        ]
        constraints = [
            secrecy_check("inspection"),
            models.UniqueConstraint(
                fields=["external_ref"],
                condition=~Q(external_ref=""),
                name="inspection_external_ref_unique",
            ),
            models.CheckConstraint(
                condition=Q(plan_ends_on__isnull=True)
                | Q(plan_ends_on__gte=models.F("decided_on")),
                name="inspection_plan_after_decision",
            ),
        ]

    def __str__(self) -> str:
        number = f" {self.decision_number}" if self.decision_number else ""
        return f"{self.get_kind_display()}{number} ({self.decided_on:%d/%m/%Y})"

    def access_unit_paths(self) -> list[str]:
        return [self.unit.path, *(s.unit.path for s in self.subjects.select_related("unit"))]

    def change_unit_paths(self) -> list[str]:
        """Writes (steps, conclusions, switching, voiding, files) belong to the performing
        unit's side; a subject unit sees the inspection but does not write it."""
        return [self.unit.path]

    @property
    def is_supervision(self) -> bool:
        from ktgs.inspections.choices import SUPERVISION_KINDS

        return self.kind in SUPERVISION_KINDS


class InspectionSubject(models.Model):
    """A subject of an inspection, as it was on the decision date, and its conclusion."""

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="subjects")
    # the subject unit, or for a member the cell the member belonged to on the decision date
    unit = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="inspection_subjects"
    )
    member = models.ForeignKey(
        "orgs.Member",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspection_subjects",
    )
    name = models.CharField("đối tượng", max_length=255)
    # on the decision date: the highest committee the member sat on (committee or standing)
    committee_unit = models.ForeignKey(
        "orgs.OrgUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="cấp ủy viên của",
    )
    committee_level = models.CharField(
        "cấp ủy viên cấp", max_length=20, choices=Level.choices, blank=True
    )
    head_of = models.ForeignKey(
        "orgs.OrgUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="người đứng đầu",
    )
    managed_by = models.ForeignKey(
        "orgs.Body",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="thuộc diện quản lý của",
    )
    # conclusion
    result = models.CharField(
        "kết quả", max_length=30, choices=ConclusionResult.choices, blank=True
    )
    strengths = models.TextField("ưu điểm", blank=True)
    shortcomings = models.TextField("hạn chế, khuyết điểm, vi phạm", blank=True)
    good_practice = models.TextField("nhân tố tích cực cần nhân rộng", blank=True)
    commendation = models.TextField("đề nghị khen thưởng", blank=True)
    recommendations = models.TextField("kiến nghị", blank=True)
    remedy = models.CharField(
        "xử lý (ngoài kỷ luật)", max_length=12, choices=Remedy.choices, blank=True
    )
    concluded_on = models.DateField("ngày kết luận", null=True, blank=True)
    reservations = models.TextField("ý kiến bảo lưu", blank=True)

    class Meta:
        ordering = ["inspection", "pk"]
        verbose_name = "đối tượng kiểm tra, giám sát"
        indexes = [models.Index(fields=["result"])]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "member"],
                condition=Q(member__isnull=False),
                name="subject_member_once",
            ),
            models.UniqueConstraint(
                fields=["inspection", "unit"],
                condition=Q(member__isnull=True),
                name="subject_unit_once",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_member(self) -> bool:
        return self.member_id is not None


class TeamMember(models.Model):
    """A member of the inspection or supervision team (đoàn, tổ)."""

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="team")
    name = models.CharField("họ và tên", max_length=255)
    position = models.CharField("chức vụ", max_length=255, blank=True)
    role = models.CharField("nhiệm vụ", max_length=12, choices=TeamRole.choices)

    class Meta:
        ordering = ["inspection", "role", "pk"]
        verbose_name = "thành viên đoàn"

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"


class InspectionStep(models.Model):
    """One step of the procedure, as the rule pack gave it on the decision date."""

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="steps")
    step = models.CharField("bước", max_length=30, choices=Step.choices)
    position = models.PositiveSmallIntegerField("thứ tự")
    optional = models.BooleanField("không bắt buộc", default=False)
    due_on = models.DateField("hạn", null=True, blank=True)
    due_basis = models.CharField("căn cứ của hạn", max_length=255, blank=True)
    done_on = models.DateField("ngày thực hiện", null=True, blank=True)
    skipped = models.BooleanField("không thực hiện (bước không bắt buộc)", default=False)
    note = models.TextField("ghi chú", blank=True)

    class Meta:
        ordering = ["inspection", "position"]
        verbose_name = "bước thực hiện"
        indexes = [
            models.Index(
                fields=["due_on"],
                condition=Q(done_on__isnull=True, skipped=False),
                name="step_open_due",
            )
        ]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "step"], name="step_once"),
        ]

    def __str__(self) -> str:
        return self.get_step_display()

    # attachments on a step follow the inspection's secrecy and units
    @property
    def secrecy(self) -> str:
        return self.inspection.secrecy

    def access_unit_paths(self) -> list[str]:
        return self.inspection.access_unit_paths()

    def change_unit_paths(self) -> list[str]:
        return self.inspection.change_unit_paths()

    def access_excluded(self, scope) -> bool:
        return self.inspection.access_excluded(scope)


class FollowUp(models.Model):
    """A recommendation of a conclusion to be carried out by a unit by a date."""

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="follow_ups")
    subject = models.ForeignKey(
        InspectionSubject, on_delete=models.PROTECT, related_name="follow_ups"
    )
    text = models.TextField("kiến nghị")
    owner_unit = models.ForeignKey(
        "orgs.OrgUnit",
        on_delete=models.PROTECT,
        related_name="follow_ups",
        verbose_name="đơn vị thực hiện",
    )
    due_on = models.DateField("hạn")
    status = models.CharField(
        "tình trạng", max_length=10, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN
    )
    done_on = models.DateField("ngày hoàn thành", null=True, blank=True)
    note = models.TextField("ghi chú", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = "việc thực hiện kiến nghị"
        indexes = [
            models.Index(fields=["due_on"], condition=Q(status="open"), name="follow_up_open_due")
        ]

    def __str__(self) -> str:
        return self.text[:80]

    def change_unit_paths(self) -> list[str]:
        """The inspection's rule, and the unit that carries the recommendation out may record
        that it is done (docs/inspections.md, "Who sees and writes")."""
        return [*self.inspection.change_unit_paths(), self.owner_unit.path]


class DisciplineProposal(models.Model):
    """A conclusion found a violation warranting discipline: the case the discipline module
    opens starts from here (`status` says whether it has been taken up)."""

    inspection = models.ForeignKey(
        Inspection, on_delete=models.PROTECT, related_name="discipline_proposals"
    )
    subject = models.OneToOneField(
        InspectionSubject, on_delete=models.PROTECT, related_name="discipline_proposal"
    )
    proposed_on = models.DateField("ngày đề nghị")
    note = models.TextField("nội dung", blank=True)
    status = models.CharField(
        "tình trạng", max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.OPEN
    )

    class Meta:
        ordering = ["-proposed_on", "pk"]
        verbose_name = "đề nghị xem xét kỷ luật"
        indexes = [models.Index(fields=["status", "proposed_on"])]

    def __str__(self) -> str:
        return f"Đề nghị xem xét kỷ luật: {self.subject}"
