"""Users and their roles, each held in a unit over a period."""

from django.contrib.auth.models import AbstractUser
from django.db import models

from ktgs.core.models import Dated, Secrecy


class Role(models.TextChoices):
    SYSADMIN = "sysadmin", "Quản trị hệ thống"
    UBKT_LEADER = "ubkt_leader", "Lãnh đạo UBKT"
    INSPECTOR = "inspector", "Kiểm tra viên / chuyên viên"
    GRASSROOTS_OFFICER = "grassroots_officer", "Cán bộ cơ sở"
    COMMITTEE_LEADER = "committee_leader", "Lãnh đạo cấp ủy (chỉ xem)"


class User(AbstractUser):
    full_name = models.CharField("họ và tên", max_length=150, blank=True)
    clearance = models.CharField(
        "mức được tiếp cận", max_length=20, choices=Secrecy.choices, default=Secrecy.NORMAL
    )
    # The party member this user is, when known: a letter accusing that member is hidden from
    # the user whatever their roles (Letter.access_exclusion) — the accused never see the letter.
    member = models.OneToOneField(
        "orgs.Member",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="user_account",
        verbose_name="là đảng viên",
    )

    class Meta:
        verbose_name = "người dùng"

    def __str__(self) -> str:
        return self.full_name or self.username


class Assignment(Dated):
    """User U holds role R in unit X (and so over X's subtree) over a period."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="assignments")
    unit = models.ForeignKey("orgs.OrgUnit", on_delete=models.PROTECT, related_name="assignments")
    role = models.CharField("vai trò", max_length=30, choices=Role.choices)

    class Meta:
        ordering = ["user", "starts_on"]
        indexes = [models.Index(fields=["user", "starts_on"])]


class UserSession(models.Model):
    """The session a user signed in with, so that ending all of a user's sessions (when the
    account is deactivated) is one indexed query, not a scan of every session. The row goes when
    its session goes (log-out, expiry, `clearsessions`)."""

    session = models.OneToOneField(
        "sessions.Session", primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sessions")
    created = models.DateTimeField("đăng nhập lúc", auto_now_add=True)

    class Meta:
        verbose_name = "phiên đăng nhập"

    def __str__(self) -> str:
        return f"{self.user_id} · {self.created:%d/%m/%Y %H:%M}"
