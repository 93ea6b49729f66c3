"""Writes to users and their role assignments."""

from datetime import date

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from ktgs.accounts.models import Assignment, Role, User
from ktgs.audit.services import record


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
