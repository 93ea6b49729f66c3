"""Discipline (kỷ luật đảng): cases, violations, votes, decisions, appeals, suspensions.

A `DisciplineCase` concerns one subject (a member or an organisation). Its `Violation`s, the
chain of `Vote`s (a cell proposes, the competent body decides), pauses of the limitation count
and the `Decision` of the competent body. Reports are queries over `Decision`: the deciding
body (any level, also above the bloc), the subject's unit (for a member: the cell on the
signing date) and what the subject was on the signing date (committee member of which unit).
"""

from django.db import models
from django.db.models import Q

from ktgs.core.choices import (
    DisciplineForm,
    DisciplineSubject,
    ViolationCategory,
    ViolationKind,
)
from ktgs.core.docnumber import DocumentNumberField
from ktgs.core.models import SecretRecord, Versioned, Voidable, secrecy_check
from ktgs.discipline.choices import (
    AppealOutcome,
    CaseOrigin,
    DecisionOrigin,
    SuspensionSubject,
    VoteRole,
)
from ktgs.orgs.choices import Level


class DisciplineCase(Versioned, Voidable, SecretRecord):
    ACCESS_PATHS = ("unit__path", "subject_unit__path")

    subject_unit = models.ForeignKey(
        "orgs.OrgUnit",
        on_delete=models.PROTECT,
        related_name="discipline_cases",
        verbose_name="tổ chức đảng (đối tượng, hoặc nơi đảng viên sinh hoạt)",
    )
    member = models.ForeignKey(
        "orgs.Member",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="discipline_cases",
        verbose_name="đảng viên",
    )
    subject_kind = models.CharField("đối tượng", max_length=20, choices=DisciplineSubject.choices)
    body = models.ForeignKey(
        "orgs.Body",
        on_delete=models.PROTECT,
        related_name="discipline_cases",
        verbose_name="tổ chức đảng xem xét",
    )
    unit = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="+", editable=False
    )
    origin = models.CharField("nguồn", max_length=12, choices=CaseOrigin.choices)
    proposal = models.OneToOneField(
        "inspections.DisciplineProposal",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="case",
        verbose_name="từ đề nghị sau kiểm tra",
    )
    taken_over_from = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="taken_over_by",
        verbose_name="cấp trên xem xét lại vụ việc",
    )
    opened_on = models.DateField("ngày bắt đầu xem xét")
    aggravating = models.TextField("tình tiết tăng nặng", blank=True)
    mitigating = models.TextField("tình tiết giảm nhẹ", blank=True)
    self_criticism = models.TextField("tự kiểm điểm của đối tượng", blank=True)
    reservations = models.TextField("ý kiến bảo lưu", blank=True)
    warranted_on = models.DateField(
        "ngày kết luận phải xử lý kỷ luật", null=True, blank=True
    )  # ends the limitation count
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opened_on", "-pk"]
        verbose_name = "vụ việc kỷ luật"
        indexes = [models.Index(fields=["unit", "opened_on"])]
        constraints = [secrecy_check("disciplinecase")]

    def __str__(self) -> str:
        who = self.member.full_name if self.member_id else self.subject_unit.name
        return f"Vụ việc kỷ luật: {who}"

    def access_unit_paths(self) -> list[str]:
        return [self.unit.path, self.subject_unit.path]

    def change_unit_paths(self) -> list[str]:
        """The considering body's unit writes the case and its sub-records (violations,
        pauses, votes, the decision); the subject's unit only sees it."""
        return [self.unit.path]


class Violation(models.Model):
    case = models.ForeignKey(DisciplineCase, on_delete=models.CASCADE, related_name="violations")
    description = models.TextField("nội dung vi phạm")
    kind = models.CharField("loại vi phạm", max_length=20, choices=ViolationKind.choices)
    category = models.CharField(
        "nhóm vi phạm",
        max_length=30,
        choices=ViolationCategory.choices,
        default=ViolationCategory.OTHER,
    )  # the rule pack lists the groups without a limitation period (discipline_limitation_scope)
    category_note = models.CharField("ghi chú về nhóm vi phạm", max_length=255, blank=True)
    started_on = models.DateField("từ ngày")
    ended_on = models.DateField("đến ngày", null=True, blank=True)
    continuing = models.BooleanField("vi phạm còn tiếp diễn", default=False)

    class Meta:
        ordering = ["case", "started_on", "pk"]
        verbose_name = "vi phạm"

    def __str__(self) -> str:
        return self.description[:80]


class LimitationPause(models.Model):
    """A period not counted in the limitation period (chưa xem xét; criminal proceedings)."""

    case = models.ForeignKey(DisciplineCase, on_delete=models.CASCADE, related_name="pauses")
    starts_on = models.DateField("từ ngày")
    ends_on = models.DateField("đến ngày")
    reason = models.CharField("lý do", max_length=255)

    class Meta:
        ordering = ["case", "starts_on"]
        verbose_name = "thời gian không tính thời hiệu"

    def __str__(self) -> str:
        return self.reason


class Vote(models.Model):
    """One body's vote on the case: counts per form, over a denominator (its full members or
    its seated members on the vote date)."""

    case = models.ForeignKey(DisciplineCase, on_delete=models.CASCADE, related_name="votes")
    body = models.ForeignKey("orgs.Body", on_delete=models.PROTECT, related_name="+")
    role = models.CharField("vai trò", max_length=10, choices=VoteRole.choices)
    voted_on = models.DateField("ngày biểu quyết")
    denominator = models.PositiveIntegerField("tổng số thành viên tính tỷ lệ")
    counts = models.JSONField("số phiếu theo hình thức")  # {"warning": 7, "reprimand": 2}
    proposed_form = models.CharField(
        "hình thức đạt tỷ lệ", max_length=20, choices=DisciplineForm.choices, blank=True
    )

    class Meta:
        ordering = ["case", "voted_on", "pk"]
        verbose_name = "biểu quyết"

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.voted_on:%d/%m/%Y}"

    @property
    def counts_text(self) -> str:
        """ "Khai trừ: 7; Cảnh cáo: 1" (heaviest first)."""
        order = list(reversed(DisciplineForm.values))
        rows = sorted(
            self.counts.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else 99
        )
        return "; ".join(f"{DisciplineForm(f).label}: {n}" for f, n in rows if f in order)


class Decision(Versioned, Voidable, SecretRecord):
    """The competent body's decision. The figures read this table alone (indexed). `version`:
    corrections of its number and dates carry it (discipline/corrections.py)."""

    ACCESS_PATHS = ("body__unit__path", "subject_unit__path")

    case = models.OneToOneField(
        DisciplineCase, on_delete=models.PROTECT, null=True, blank=True, related_name="decision"
    )
    body = models.ForeignKey(
        "orgs.Body", on_delete=models.PROTECT, related_name="discipline_decisions"
    )
    subject_unit = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="discipline_decisions"
    )
    member = models.ForeignKey(
        "orgs.Member",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="discipline_decisions",
    )
    subject_name = models.CharField("đối tượng", max_length=255)
    subject_kind = models.CharField("đối tượng", max_length=20, choices=DisciplineSubject.choices)
    # on the signing date
    committee_unit = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    committee_level = models.CharField(max_length=20, choices=Level.choices, blank=True)
    form = models.CharField("hình thức kỷ luật", max_length=20, choices=DisciplineForm.choices)
    number = DocumentNumberField("số quyết định", blank=True)
    signed_on = models.DateField("ngày ký")
    announced_on = models.DateField("ngày công bố", null=True, blank=True)
    received_on = models.DateField("ngày nhận", null=True, blank=True)
    effective_on = models.DateField("ngày có hiệu lực")
    effect_ends_on = models.DateField("hết hiệu lực", null=True, blank=True)
    # counted from the effective date: the regime counts from the announcement, none recorded
    effect_end_provisional = models.BooleanField("hết hiệu lực tạm tính", default=False)
    not_appointable_until = models.DateField("chưa bổ nhiệm, ứng cử đến", null=True, blank=True)
    not_electable_until = models.DateField(
        "chưa được bầu vào cấp ủy, bổ nhiệm chức vụ tương đương, cao hơn đến",
        null=True,
        blank=True,
    )  # the Charter's bar after cách chức (rule family "discipline_bar")
    basis = models.TextField("căn cứ (quy định áp dụng)", blank=True)
    warnings = models.TextField("cảnh báo về quy định", blank=True)
    source = models.CharField(max_length=10, choices=DecisionOrigin.choices, default="entered")
    external_ref = models.CharField(max_length=80, blank=True)
    replaces = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        verbose_name="thay quyết định (sau khiếu nại)",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-signed_on", "-pk"]
        verbose_name = "quyết định kỷ luật"
        indexes = [
            models.Index(fields=["signed_on", "form"]),
            models.Index(fields=["subject_unit", "signed_on"]),
            models.Index(fields=["body", "signed_on"]),
        ]
        constraints = [
            secrecy_check("decision"),
            models.UniqueConstraint(
                fields=["external_ref"],
                condition=~Q(external_ref=""),
                name="decision_external_ref_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_form_display()} — {self.subject_name} ({self.signed_on:%d/%m/%Y})"

    def access_unit_paths(self) -> list[str]:
        return [self.body.unit.path, self.subject_unit.path]

    @property
    def under_appeal(self) -> bool:
        """An appeal against it is pending (it stays in force meanwhile). Lists annotate
        `pending_appeal` (discipline/effect.py, with_effect_facts) to spare a query per row."""
        if hasattr(self, "pending_appeal"):
            return self.pending_appeal
        return self.appeals.filter(outcome="").exists()

    def change_unit_paths(self) -> list[str]:
        """The deciding body's unit (and so every unit above it, where appeals are resolved)
        records the decision's sub-records (appeals); the subject's unit only sees it."""
        return [self.body.unit.path]


class Appeal(models.Model):
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="appeals")
    filed_on = models.DateField("ngày gửi khiếu nại")
    resolver = models.ForeignKey(
        "orgs.Body", on_delete=models.PROTECT, related_name="+", verbose_name="cấp giải quyết"
    )
    outcome = models.CharField("kết quả", max_length=15, choices=AppealOutcome.choices, blank=True)
    resolved_on = models.DateField("ngày giải quyết", null=True, blank=True)
    reason = models.TextField("nội dung", blank=True)
    new_decision = models.OneToOneField(
        Decision, on_delete=models.PROTECT, null=True, blank=True, related_name="from_appeal"
    )

    class Meta:
        ordering = ["-filed_on", "pk"]
        verbose_name = "khiếu nại kỷ luật"

    def __str__(self) -> str:
        return f"Khiếu nại {self.decision}"

    def change_unit_paths(self) -> list[str]:
        """The resolving body's unit records the outcome (not the subject's unit)."""
        return [self.resolver.unit.path]


class Suspension(SecretRecord):
    """Đình chỉ sinh hoạt đảng of a member (their committee activity with it), or đình chỉ hoạt
    động of a party organisation. Like a case: `subject_unit` is the organisation, or the
    member's cell on the start date; `member` is set for a member only."""

    ACCESS_PATHS = ("body__unit__path", "subject_unit__path", "member__current_unit__path")

    subject_kind = models.CharField(
        "đối tượng", max_length=20, choices=SuspensionSubject.choices, default="member"
    )
    subject_unit = models.ForeignKey(
        "orgs.OrgUnit",
        on_delete=models.PROTECT,
        related_name="suspensions",
        verbose_name="tổ chức đảng (đối tượng, hoặc nơi đảng viên sinh hoạt)",
    )
    member = models.ForeignKey(
        "orgs.Member",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="suspensions",
        verbose_name="đảng viên",
    )
    body = models.ForeignKey("orgs.Body", on_delete=models.PROTECT, related_name="+")
    starts_on = models.DateField("từ ngày")
    ends_on = models.DateField("đến ngày")
    extended_to = models.DateField("gia hạn đến", null=True, blank=True)
    reason = models.TextField("lý do")
    basis = models.CharField("căn cứ", max_length=255, blank=True)

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = "đình chỉ sinh hoạt đảng, hoạt động tổ chức đảng"
        indexes = [models.Index(fields=["subject_unit", "starts_on"])]
        constraints = [
            secrecy_check("suspension"),
            models.CheckConstraint(
                condition=Q(subject_kind="member", member__isnull=False)
                | Q(subject_kind="organisation", member__isnull=True),
                name="suspension_member_or_organisation",
            ),
        ]

    def __str__(self) -> str:
        return f"Đình chỉ {self.subject_name} từ {self.starts_on:%d/%m/%Y}"

    @property
    def is_organisation(self) -> bool:
        return self.subject_kind == SuspensionSubject.ORGANISATION

    @property
    def subject_name(self) -> str:
        return self.subject_unit.name if self.is_organisation else self.member.full_name

    def access_unit_paths(self) -> list[str]:
        paths = [self.body.unit.path, self.subject_unit.path]
        if self.member_id and self.member.current_unit_id:
            paths.append(self.member.current_unit.path)
        return paths

    def change_unit_paths(self) -> list[str]:
        """The suspending body's unit extends it; the subject's unit only sees it."""
        return [self.body.unit.path]
