"""What a system administrator may do to users in the browser, and the reads behind those pages.

An administrator (page family `users.manage`) manages the users of the subtrees where they hold
the role: users holding (or having held) a role there, and users with no role yet. They give roles
only in those subtrees, and never:

* to themselves or to another administrator: no role, no clearance, no second-factor reset, no
  change of name or member (the command line does that, on the server);
* the administrator role itself (`ktgs createadmin` on the server).

Each operation checks, then calls the service in `services.py` that writes and records the audit
event, all in one transaction. None of this reads a member's record: a user's linked member is
shown by name and code only.
"""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from ktgs.accounts import services
from ktgs.accounts.access import READ, ROLE_ACTIONS, USERS_MANAGE, Scope
from ktgs.accounts.models import Assignment, Role, User
from ktgs.audit import probing
from ktgs.audit.models import AuditEvent
from ktgs.core.vietnamese import nfc
from ktgs.orgs.lookups import refuse
from ktgs.orgs.models import Member, OrgUnit

SELF = (
    "Đồng chí không thể tự giao cho mình vai trò, mức được tiếp cận hay cài lại xác thực hai lớp. "
    "Việc này do một quản trị hệ thống khác thực hiện bằng dòng lệnh trên máy chủ."
)
OTHER_ADMIN = (
    "Tài khoản «{username}» là quản trị hệ thống: không quản trị viên nào được giao vai trò, "
    "mức được tiếp cận hay cài lại xác thực hai lớp cho quản trị viên khác trên trang này. "
    "Việc này làm bằng dòng lệnh trên máy chủ (ktgs otp, ktgs createadmin)."
)
NO_ADMIN_ROLE = (
    "Vai trò quản trị hệ thống không giao trên trang này: dùng lệnh «ktgs createadmin» trên "
    "máy chủ. Hãy chọn một vai trò khác."
)
PAGE_SIZE = 50
GRANTED = "accounts.role.assigned"  # the event services.role_assign records


# --- reads -----------------------------------------------------------------------------------


def _roots(scope: Scope) -> tuple[str, ...]:
    return scope.roots_for(USERS_MANAGE)


def may_manage(scope: Scope) -> bool:
    return scope.may_anywhere(USERS_MANAGE)


def users_q(scope: Scope) -> Q:
    """Users this administrator manages: a role (any date) in their subtrees, or none at all."""
    roots = _roots(scope)
    if not roots:
        return Q(pk__in=[])
    held = Q()
    for root in roots:
        held |= Q(unit__path__startswith=root)
    here = Assignment.objects.filter(held, user=OuterRef("pk"))
    anywhere = Assignment.objects.filter(user=OuterRef("pk"))
    return Q(Exists(here)) | ~Q(Exists(anywhere))


def user_list(scope: Scope, text: str = "") -> QuerySet[User]:
    rows = User.objects.filter(users_q(scope))
    text = nfc(text or "").strip()
    if text:
        rows = rows.filter(Q(username__icontains=text) | Q(full_name__icontains=text))
    return rows.order_by("username")


def user_get(scope: Scope, pk: int) -> User:
    user = User.objects.filter(users_q(scope), pk=pk).select_related("member").first()
    if user is None:
        raise Http404("Không tìm thấy người dùng trong phạm vi đồng chí quản trị.")
    return user


def assignments_of(user: User) -> QuerySet[Assignment]:
    return user.assignments.select_related("unit").order_by("-starts_on", "pk")


def assignment_by_pk(scope: Scope, pk: int) -> Assignment:
    row = Assignment.objects.select_related("unit", "user").filter(pk=pk).first()
    if row is None or not scope.may(USERS_MANAGE, row.unit.path):
        raise Http404("Không tìm thấy phân công trong phạm vi đồng chí quản trị.")
    return row


def unit_get(scope: Scope, code: str) -> OrgUnit:
    """A unit (not voided) in the administrator's subtrees, else 404 (the settings pages)."""
    unit = OrgUnit.objects.filter(code=code, voided_at__isnull=True).first()
    if unit is None or not scope.may(USERS_MANAGE, unit.path):
        raise Http404("Không tìm thấy tổ chức đảng trong phạm vi đồng chí quản trị.")
    return unit


def dated_get(scope: Scope, model, pk: int, *, unit: str = "unit"):
    """A dated row (a term, an attribute, an issuer symbol) of a unit the administrator covers,
    reached through `unit` ("body__unit" for a symbol); else 404."""
    row = model.objects.select_related(unit).filter(pk=pk).first()
    owner = None
    if row is not None:
        owner = row
        for part in unit.split("__"):
            owner = getattr(owner, part)
    if owner is None or owner.voided_at or not scope.may(USERS_MANAGE, owner.path):
        raise Http404("Không tìm thấy thiết lập này trong phạm vi đồng chí quản trị.")
    return row


def is_administrator(user: User) -> bool:
    """A superuser, or a holder of the administrator role now or from a later date."""
    if user.is_superuser:
        return True
    today = timezone.localdate()
    return user.assignments.filter(
        Q(ends_on__isnull=True) | Q(ends_on__gt=today), role=Role.SYSADMIN
    ).exists()


def refusal(scope: Scope, user: User) -> str | None:
    """Why this administrator may not change `user`'s roles, clearance, second factor or
    identity (None: they may)."""
    if user.pk == scope.user_id:
        return SELF
    if is_administrator(user):
        return OTHER_ADMIN.format(username=user.username)
    return None


# --- writes ----------------------------------------------------------------------------------


def _guard(scope: Scope, user: User) -> None:
    if not may_manage(scope):
        raise ValidationError("Chỉ quản trị hệ thống được quản lý người dùng.")
    why = refusal(scope, user)
    if why:
        raise ValidationError(why)


def create(scope: Scope, *, username: str, password: str, full_name: str, clearance: str) -> User:
    if not may_manage(scope):
        raise ValidationError("Chỉ quản trị hệ thống được tạo người dùng.")
    return services.user_create(
        username=username, password=password, full_name=full_name, clearance=clearance
    )


@transaction.atomic
def assign(scope: Scope, user: User, *, unit: OrgUnit, role: str, starts_on: date) -> Assignment:
    _guard(scope, user)
    if role == Role.SYSADMIN:
        raise ValidationError({"role": NO_ADMIN_ROLE})
    if not scope.may(USERS_MANAGE, unit.path) or unit.voided_at or unit.closed_on:
        raise ValidationError(
            {"unit": f"{unit.name} không thuộc phạm vi đồng chí quản trị, hoặc đã giải thể."}
        )
    if not user.is_active:
        raise ValidationError(f"Tài khoản «{user.username}» đã bị khóa: không giao vai trò.")
    overlapping = user.assignments.filter(
        Q(ends_on__isnull=True) | Q(ends_on__gt=starts_on), unit=unit, role=role
    )
    if overlapping.exists():
        raise ValidationError(
            {"role": f"«{user.username}» đang giữ vai trò này tại {unit.name} vào ngày đó."}
        )
    return services.role_assign(user=user, unit=unit, role=role, starts_on=starts_on)


@transaction.atomic
def end(scope: Scope, assignment: Assignment, *, ends_on: date) -> Assignment:
    _guard(scope, assignment.user)
    if not scope.may(USERS_MANAGE, assignment.unit.path):
        raise ValidationError("Phân công này ở ngoài phạm vi đồng chí quản trị.")
    return services.role_end(assignment=assignment, ends_on=ends_on)


@transaction.atomic
def set_clearance(scope: Scope, user: User, clearance: str) -> User:
    _guard(scope, user)
    return services.user_clearance_set(user=user, clearance=clearance)


@transaction.atomic
def rename(scope: Scope, user: User, full_name: str) -> User:
    _guard(scope, user)
    return services.user_rename(user=user, full_name=full_name)


@transaction.atomic
def reset_second_factor(scope: Scope, user: User) -> int:
    _guard(scope, user)
    return services.two_factor_remove(user=user)


@transaction.atomic
def deactivate(scope: Scope, user: User) -> int:
    if not may_manage(scope):
        raise ValidationError("Chỉ quản trị hệ thống được khóa tài khoản.")
    if user.pk == scope.user_id:
        raise ValidationError("Đồng chí không thể tự khóa tài khoản của mình.")
    return services.user_deactivate(user=user)


@transaction.atomic
def link_member(scope: Scope, user: User, code: str) -> User:
    """Link the member with this exact code (in the administrator's subtree, within their
    clearance), or unlink when `code` is empty. The administrator sees only name and code."""
    _guard(scope, user)
    code = (code or "").strip().upper()
    if not code:
        return services.user_member_link(user=user, member=None)
    probing.check(scope.user_id, "member")
    roots = _roots(scope)
    under = Q(pk__in=[])
    for root in roots:
        under |= Q(current_unit__path__startswith=root)
    member = (
        Member.objects.live()
        .filter(under, code=code, secrecy__in=scope.secrecy_levels)
        .only("pk", "code", "full_name")
        .first()
    )
    if member is None:
        refuse(scope, "member_code", 1)
        raise ValidationError(
            {"member": f"Không có đảng viên mã {code} trong phạm vi đồng chí quản trị."}
        )
    return services.user_member_link(user=user, member=member)


# --- what UBKT leaders are shown ---------------------------------------------------------------

READING_ROLES = tuple(r for r, actions in ROLE_ACTIONS.items() if READ in actions)
NOTICE_DAYS = 30


def recent_grants(scope: Scope, *, days: int = NOTICE_DAYS, limit: int = 10) -> list[dict]:
    """Roles that read records given in the last `days` days in the units where the user leads
    the UBKT, newest first, read from the audit trail (who was given what, where, by whom)."""
    paths = [g.path for g in scope.grants if g.role == Role.UBKT_LEADER]
    if not paths:
        return []
    under = Q()
    for path in paths:
        under |= Q(path__startswith=path)
    since = timezone.now() - timedelta(days=days)
    events = list(
        AuditEvent.objects.filter(
            action=GRANTED,
            at__gte=since,
            unit_id__in=OrgUnit.objects.filter(under).values("pk"),
            details__role__in=list(READING_ROLES),
        ).order_by("-at")[:limit]
    )
    names = dict(
        OrgUnit.objects.filter(pk__in={e.unit_id for e in events}).values_list("pk", "name")
    )
    roles = dict(Role.choices)
    return [
        {
            "at": e.at,
            "user": e.target_label,
            "role": roles.get(e.details.get("role"), e.details.get("role")),
            "unit": names.get(e.unit_id, ""),
            "by": e.actor_name,
            "starts_on": _day(e.details.get("starts_on")),
        }
        for e in events
    ]


def _day(text) -> date | None:
    try:
        return date.fromisoformat(text)
    except (TypeError, ValueError):
        return None
