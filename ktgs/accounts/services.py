"""Writes to users and their role assignments."""

from datetime import date

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from ktgs.accounts.models import Assignment, Role, User
from ktgs.accounts.sessions import end_sessions
from ktgs.audit.services import record
from ktgs.core.models import Secrecy
from ktgs.core.vietnamese import nfc

APP_DEVICE = "Ứng dụng xác thực"
BACKUP_DEVICE = "Mã dự phòng"


@transaction.atomic
def user_create(
    *, username: str, password: str, full_name: str = "", clearance: str = "normal"
) -> User:
    username = username.strip()
    if not username:
        raise ValidationError({"username": "Tên đăng nhập không được để trống."})
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": f"Tên đăng nhập «{username}» đã có người dùng."})
    user = User(username=username, full_name=full_name.strip(), clearance=clearance)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    user.set_password(password)
    user.save()
    record("accounts.user.created", target=user, details={"clearance": clearance})
    return user


@transaction.atomic
def role_assign(*, user: User, unit, role: str, starts_on: date) -> Assignment:
    if role not in Role.values:
        raise ValidationError({"role": f"Vai trò «{role}» không tồn tại."})
    row = Assignment.objects.create(user=user, unit=unit, role=role, starts_on=starts_on)
    record(
        "accounts.role.assigned",
        target=user,
        unit_id=unit.pk,
        details={"role": role, "unit": unit.code, "starts_on": starts_on},
    )
    return row


@transaction.atomic
def role_end(*, assignment: Assignment, ends_on: date) -> Assignment:
    """End a role assignment on `ends_on` (exclusive: the role is held until the day before)."""
    if ends_on <= assignment.starts_on:
        raise ValidationError(
            {
                "ends_on": "Ngày thôi giữ vai trò phải sau ngày bắt đầu "
                f"({assignment.starts_on:%d/%m/%Y}). Nếu phân công nhầm, hãy chọn ngày hôm sau."
            }
        )
    if assignment.ends_on is not None and assignment.ends_on <= ends_on:
        raise ValidationError(
            {"ends_on": f"Phân công này đã kết thúc từ ngày {assignment.ends_on:%d/%m/%Y}."}
        )
    before = assignment.ends_on
    assignment.ends_on = ends_on
    assignment.save(update_fields=["ends_on"])
    record(
        "accounts.role.ended",
        target=assignment.user,
        unit_id=assignment.unit_id,
        changes={"ends_on": [before, ends_on]},
        details={"role": assignment.role, "unit": assignment.unit.code},
    )
    return assignment


@transaction.atomic
def user_clearance_set(*, user: User, clearance: str) -> User:
    if clearance not in Secrecy.values:
        raise ValidationError({"clearance": f"Mức được tiếp cận «{clearance}» không tồn tại."})
    if clearance == user.clearance:
        raise ValidationError(
            {"clearance": f"Tài khoản «{user.username}» đã có mức được tiếp cận này."}
        )
    before = user.clearance
    user.clearance = clearance
    user.save(update_fields=["clearance"])
    record(
        "accounts.user.clearance_changed", target=user, changes={"clearance": [before, clearance]}
    )
    return user


@transaction.atomic
def user_rename(*, user: User, full_name: str) -> User:
    full_name = " ".join(nfc(full_name).split())
    if not full_name:
        raise ValidationError({"full_name": "Họ và tên không được để trống."})
    before = user.full_name
    if full_name == before:
        raise ValidationError({"full_name": "Họ và tên không thay đổi."})
    user.full_name = full_name
    user.save(update_fields=["full_name"])
    record("accounts.user.renamed", target=user, changes={"full_name": [before, full_name]})
    return user


@transaction.atomic
def user_member_link(*, user: User, member) -> User:
    """Record which party member the user is (or None: not known / not a member). A letter
    accusing that member is then hidden from the user, whatever their roles."""
    if member is not None:
        other = User.objects.filter(member=member).exclude(pk=user.pk).first()
        if other is not None:
            raise ValidationError(
                {"member": f"Đảng viên {member.code} đã gắn với tài khoản «{other.username}»."}
            )
    before = user.member_id
    user.member = member
    user.save(update_fields=["member"])
    record(
        "accounts.user.member_linked",
        target=user,
        details={"member": member.code if member else None, "had_member": before is not None},
    )
    return user


@transaction.atomic
def user_deactivate(*, user: User) -> int:
    """Lock the account and end every session it is signed in with; the number ended."""
    if not user.is_active:
        raise ValidationError({"is_active": f"Tài khoản «{user.username}» đã bị khóa từ trước."})
    user.is_active = False
    user.save(update_fields=["is_active"])
    ended = end_sessions(user)
    record(
        "accounts.user.deactivated",
        target=user,
        changes={"is_active": [True, False]},
        details={"sessions_ended": ended},
    )
    return ended


@transaction.atomic
def two_factor_enrol(*, user: User, key: str, code: str) -> TOTPDevice:
    """The user confirms the authenticator app they set up with `key` by one of its codes."""
    device = TOTPDevice.objects.create(user=user, key=key, name=APP_DEVICE, confirmed=False)
    if not device.verify_token("".join(code.split())):
        raise ValidationError(
            {"otp_token": "Mã không đúng. Hãy nhập mã 6 chữ số đang hiện trong ứng dụng."}
        )
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    record("accounts.two_factor.enrolled", target=user, details={"device": "totp"})
    return device


@transaction.atomic
def two_factor_issue(*, user: User, backup_codes: int = 0) -> tuple[TOTPDevice, list[str]]:
    """For an administrator: a new app secret for `user` (their old devices removed) and
    `backup_codes` one-time backup codes. The secret and codes are shown once, not logged."""
    _remove_devices(user)
    device = TOTPDevice.objects.create(user=user, key=random_hex(20), name=APP_DEVICE)
    codes = [StaticToken.random_token() for _ in range(backup_codes)]
    if codes:
        backup = StaticDevice.objects.create(user=user, name=BACKUP_DEVICE)
        StaticToken.objects.bulk_create(StaticToken(device=backup, token=c) for c in codes)
    record("accounts.two_factor.issued", target=user, details={"backup_codes": len(codes)})
    return device, codes


@transaction.atomic
def two_factor_remove(*, user: User) -> int:
    """For an administrator, when a phone is lost: remove the user's devices. A user who must
    use two-factor sets up a new app at their next log-in."""
    removed = _remove_devices(user)
    record("accounts.two_factor.removed", target=user, details={"devices": removed})
    return removed


def _remove_devices(user: User) -> int:
    removed = 0
    for model in (TOTPDevice, StaticDevice):
        devices = model.objects.filter(user=user)
        removed += devices.count()
        devices.delete()
    return removed
