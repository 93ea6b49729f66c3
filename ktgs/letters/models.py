"""Letters (đơn thư): the intake register of a receiving body, and the filer's identity.

A `Letter` is received by one body (its UBKT, committee or standing committee); its number is
unique per body and year. The filer's identity (name, address, phone, citizen ID) is stored only
as Fernet tokens (`crypto.py`) with keyed blind indexes of the name and the ID; nothing else
about the filer is stored. The accused are members and/or units (and free text for one the
user cannot see or not yet identified); `LetterItem`s are the letter's separate allegations,
each to get its own verdict. `LetterLink` records a likely duplicate or repeated letter.

Access (`core.models.SecretRecord`): a letter concerns its receiving body's unit only, so the
units below — among them the accused's — do not see it; and whoever holds a role at or inside
an accused unit (or an accused member's cell) does not see it either (`access_exclusion`).
Who sees the filer's identity is narrower still: `identity.py`.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from ktgs.core.models import SecretRecord, Versioned, Voidable, secrecy_check
from ktgs.letters.choices import (
    AnonymousKind,
    CaseRelation,
    Channel,
    ContentCategory,
    FilerKind,
    LetterGround,
    LetterKind,
    LetterStatus,
    LetterVerdict,
    LinkReason,
    StepKind,
)

# Roles of the UBKT of a unit (accounts.Role values): held at the receiving unit itself they
# are the receiving body's own staff, not "the accused unit" when that unit is accused.
_UBKT_ROLES = ("ubkt_leader", "inspector")
SEGMENT = 7  # orgs.models.path_segment: six base-36 characters and a dot


def path_prefixes(path: str) -> list[str]:
    """`path` and the paths of the units above it (today's tree)."""
    return [path[: i + SEGMENT] for i in range(0, len(path), SEGMENT)]


class Letter(Versioned, Voidable, SecretRecord):
    ACCESS_PATHS = ("unit__path",)

    body = models.ForeignKey(
        "orgs.Body",
        on_delete=models.PROTECT,
        related_name="letters",
        verbose_name="cơ quan tiếp nhận",
    )
    unit = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="+", editable=False
    )
    year = models.PositiveSmallIntegerField("năm", editable=False)
    number = models.PositiveIntegerField("số đơn")
    received_on = models.DateField("ngày nhận")
    channel = models.CharField("hình thức tiếp nhận", max_length=20, choices=Channel.choices)
    kind = models.CharField("loại đơn", max_length=20, choices=LetterKind.choices)
    anonymous = models.BooleanField("nặc danh, mạo danh, không rõ người gửi", default=False)
    # Categories the statistical forms count (counting357.py); not the filer's identity.
    filer_kind = models.CharField(
        "người gửi là", max_length=20, choices=FilerKind.choices, blank=True
    )
    anonymous_kind = models.CharField(
        "loại đơn không rõ người gửi", max_length=20, choices=AnonymousKind.choices, blank=True
    )
    summary = models.TextField("tóm tắt nội dung")
    accused_members = models.ManyToManyField(
        "orgs.Member", blank=True, related_name="+", verbose_name="đảng viên bị tố cáo, khiếu nại"
    )
    accused_units = models.ManyToManyField(
        "orgs.OrgUnit", blank=True, related_name="+", verbose_name="tổ chức đảng bị tố cáo"
    )
    accused_text = models.TextField("người, tổ chức bị tố cáo (ghi bằng chữ)", blank=True)
    status = models.CharField(
        "tình trạng", max_length=20, choices=LetterStatus.choices, default=LetterStatus.REGISTERED
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="người được giao xử lý",
    )
    # --- routing (routing.py): what was done with the letter, and the rule it was done by ----
    routed_on = models.DateField("ngày phân loại, xử lý đơn", null=True, blank=True)
    ground = models.CharField(
        "lý do không xem xét", max_length=30, choices=LetterGround.choices, blank=True
    )
    routing_citation = models.TextField("căn cứ", blank=True)  # the rule row's source, as cited
    routing_note = models.TextField("ghi chú xử lý đơn", blank=True)
    forwarded_to = models.ForeignKey(
        "orgs.Body",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="chuyển đến",
    )
    forwarded_to_text = models.CharField("chuyển đến (ghi bằng chữ)", max_length=300, blank=True)
    repeat_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="repeats",
        verbose_name="lặp lại đơn",
    )
    appeal = models.ForeignKey(
        "discipline.Appeal",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="letters",
        verbose_name="khiếu nại kỷ luật",
    )
    # --- handling (handling.py) ---------------------------------------------------------------
    accepted_on = models.DateField("ngày quyết định giải quyết", null=True, blank=True)
    accept_number = models.CharField("số quyết định, thông báo thụ lý", max_length=50, blank=True)
    team = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name="tổ giải quyết"
    )
    team_text = models.TextField("thành viên khác của tổ giải quyết", blank=True)
    # The last day to resolve, from the rule pack (deadlines.py), stored so that the due / overdue
    # view is an indexed query; recomputed on acceptance and on each extension.
    due_on = models.DateField("hạn giải quyết", null=True, blank=True)
    limit_citation = models.TextField("căn cứ thời hạn", blank=True)
    concluded_on = models.DateField("ngày kết luận", null=True, blank=True)
    conclusion_number = models.CharField("số kết luận, thông báo", max_length=50, blank=True)
    conclusion = models.TextField("nội dung kết luận", blank=True)
    replied_on = models.DateField("ngày trả lời người gửi", null=True, blank=True)
    reply = models.TextField("nội dung trả lời", blank=True)
    # --- retention (off by default; a leader's recorded decision erases the filer's identity) ---
    identity_erased_on = models.DateField("ngày xóa danh tính người gửi", null=True, blank=True)
    identity_erasure_decision = models.CharField(
        "quyết định xóa danh tính", max_length=200, blank=True
    )
    identity_erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="người quyết định xóa",
    )
    # The filer: Fernet tokens only (crypto.encrypt), "" when not given; never plaintext.
    filer_name = models.TextField(blank=True, editable=False)
    filer_address = models.TextField(blank=True, editable=False)
    filer_phone = models.TextField(blank=True, editable=False)
    filer_citizen_id = models.TextField(blank=True, editable=False)
    # Keyed blind indexes (HMAC-SHA256, crypto.blind_index): "" when the field was not given.
    filer_name_index = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    filer_id_index = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_on", "-pk"]
        verbose_name = "đơn thư"
        constraints = [
            models.UniqueConstraint(
                fields=["body", "year", "number"], name="letter_number_unique_per_body_year"
            ),
            secrecy_check("letter"),
            models.CheckConstraint(
                condition=Q(anonymous=True) | Q(anonymous_kind=""), name="letter_anonymous_kind"
            ),
            models.CheckConstraint(
                condition=Q(anonymous=False) | Q(filer_kind=""), name="letter_filer_kind"
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "received_on"]),
            models.Index(fields=["status", "due_on"]),
        ]

    def __str__(self) -> str:
        return f"Đơn số {self.number}/{self.year}"

    @property
    def has_filer(self) -> bool:
        return bool(
            self.filer_name or self.filer_address or self.filer_phone or self.filer_citizen_id
        )

    def access_unit_paths(self) -> list[str]:
        return [self.unit.path]

    def change_unit_paths(self) -> list[str]:
        return [self.unit.path]

    @classmethod
    def access_exclusion(cls, scope) -> Q | None:
        """Letters whose accused include a unit at or above one of the user's grants (or an
        accused member's cell there): the accused's own units never see the letter. A UBKT role
        held at the receiving unit itself is that unit's UBKT, not the accused organisation."""
        q = Q()
        for grant in scope.grants:
            above = path_prefixes(grant.path)
            strictly_above = above[:-1]
            units = Q(accused_units__path__in=strictly_above)
            own = Q(accused_units__path=grant.path)
            if grant.role in _UBKT_ROLES:
                own &= ~Q(unit__path=grant.path)
            members = Q(accused_members__current_unit__path__in=above)
            q |= units | own | members
        if scope.member_id is not None:  # the user is an accused member, whatever their roles
            q |= Q(accused_members=scope.member_id)
        return q if scope.grants else None

    def access_excluded(self, scope) -> bool:
        if scope.member_id is not None and self.accused_members.filter(pk=scope.member_id).exists():
            return True
        accused_units = [u.path for u in self.accused_units.all()]
        cells = [
            m.current_unit.path
            for m in self.accused_members.select_related("current_unit")
            if m.current_unit_id
        ]
        for grant in scope.grants:
            above = path_prefixes(grant.path)
            if any(c in above for c in cells):
                return True
            for path in accused_units:
                if path == grant.path:
                    if not (grant.role in _UBKT_ROLES and self.unit.path == grant.path):
                        return True
                elif path in above:
                    return True
        return False


class LetterItem(models.Model):
    """One allegation of the letter (nội dung), to be concluded on its own later."""

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField("thứ tự")
    content = models.TextField("nội dung")
    verdict = models.CharField(
        "kết luận nội dung", max_length=20, choices=LetterVerdict.choices, blank=True
    )
    verdict_note = models.TextField("nhận xét, kết luận", blank=True)
    # The content by the forms' lists: V3 for a member, V4 for an organisation (optional).
    content_category = models.CharField(
        "phân loại nội dung", max_length=30, choices=ContentCategory.choices, blank=True
    )

    class Meta:
        ordering = ["letter", "position"]
        verbose_name = "nội dung đơn"
        constraints = [
            models.UniqueConstraint(fields=["letter", "position"], name="letteritem_position")
        ]

    def __str__(self) -> str:
        return self.content[:80]


class LetterLink(models.Model):
    """`letter` is likely a duplicate or repeat of the earlier `earlier` (flagged, not refused)."""

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="links")
    earlier = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="later_links")
    reasons = models.JSONField("lý do", default=list)  # LinkReason values
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["letter", "earlier"]
        verbose_name = "đơn trùng, đơn lặp lại"
        constraints = [
            models.UniqueConstraint(fields=["letter", "earlier"], name="letterlink_once"),
            models.CheckConstraint(
                condition=~Q(letter=models.F("earlier")), name="letterlink_other"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.letter_id} → {self.earlier_id}"

    def reason_labels(self) -> list[str]:
        return [LinkReason(r).label for r in self.reasons if r in LinkReason.values]


class LetterStep(models.Model):
    """A dated step of handling a letter (handling.py)."""

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField("bước", max_length=12, choices=StepKind.choices)
    on = models.DateField("ngày")
    note = models.TextField("ghi chú", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["letter", "on", "pk"]
        verbose_name = "bước giải quyết đơn"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.on:%d/%m/%Y}"


class LetterExtension(models.Model):
    """An extension of the letter's time limit, within the rule pack's cap (deadlines.py)."""

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="extensions")
    granted_on = models.DateField("ngày gia hạn")
    days = models.PositiveSmallIntegerField("số ngày gia hạn")
    reason = models.TextField("lý do")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["letter", "granted_on", "pk"]
        verbose_name = "gia hạn giải quyết đơn"
        constraints = [models.CheckConstraint(condition=Q(days__gt=0), name="letterext_days")]

    def __str__(self) -> str:
        return f"+{self.days} ngày"


class LetterCase(models.Model):
    """An inspection or a discipline case the letter led to, or gave information to."""

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="cases")
    relation = models.CharField("quan hệ", max_length=12, choices=CaseRelation.choices)
    inspection = models.ForeignKey(
        "inspections.Inspection",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="letter_links",
    )
    discipline_case = models.ForeignKey(
        "discipline.DisciplineCase",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="letter_links",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["letter", "pk"]
        verbose_name = "cuộc kiểm tra, vụ việc từ đơn"
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(inspection__isnull=False, discipline_case__isnull=True)
                    | Q(inspection__isnull=True, discipline_case__isnull=False)
                ),
                name="lettercase_one_target",
            ),
            models.UniqueConstraint(
                fields=["letter", "inspection"],
                condition=Q(inspection__isnull=False),
                name="lettercase_inspection_once",
            ),
            models.UniqueConstraint(
                fields=["letter", "discipline_case"],
                condition=Q(discipline_case__isnull=False),
                name="lettercase_case_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.letter_id} → {self.inspection_id or self.discipline_case_id}"
