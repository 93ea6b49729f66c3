"""System check (`ktgs check`, and before `runserver`): the audit table is append-only."""

from pathlib import Path

from django.conf import settings
from django.core.checks import Error, Warning, register
from django.db import DatabaseError, connection

from ktgs.audit import triggers


@register()
def append_only_triggers(app_configs=None, databases=None, **kwargs):
    """Not tagged "database", so a plain `ktgs check` runs it. `migrate` runs the checks with
    `databases` set, before its post_migrate handler restores missing triggers: this check
    stays out of its way there (and so under `check --database`)."""
    if databases or not _database_exists():
        return []
    try:
        if not triggers.table_exists(connection):
            return []  # not migrated yet: Django's own checks say so
        missing = triggers.missing(connection)
    except DatabaseError:
        return []
    if not missing:
        return []
    return [
        Error(
            f"Bảng nhật ký thao tác không còn chỉ-ghi-thêm: thiếu trigger {', '.join(missing)}.",
            hint="Chạy `ktgs migrate` để đặt lại trigger, rồi `ktgs audit verify`.",
            id="audit.E001",
        )
    ]


def _database_exists() -> bool:
    """False for an SQLite file not created yet: the check must not create it by connecting."""
    if connection.vendor != "sqlite" or connection.is_in_memory_db():
        return True
    return Path(connection.settings_dict["NAME"]).is_file()


MIN_KEY_LENGTH = 32


@register(deploy=True)
def audit_key(app_configs=None, **kwargs):
    """`ktgs check --deploy`: the audit key is long and is not the secret key."""
    key = getattr(settings, "KTGS_AUDIT_KEY", "")
    if not key:
        return [Error("Thiếu KTGS_AUDIT_KEY (khóa chuỗi nhật ký thao tác).", id="audit.E002")]
    if key == settings.SECRET_KEY:
        return [
            Error(
                "KTGS_AUDIT_KEY trùng KTGS_SECRET_KEY: hai khóa phải riêng biệt.",
                id="audit.E003",
            )
        ]
    if len(key) < MIN_KEY_LENGTH:
        return [
            Warning(
                f"KTGS_AUDIT_KEY ngắn hơn {MIN_KEY_LENGTH} ký tự.",
                hint="Tạo khóa: python3 -c 'import secrets; print(secrets.token_urlsafe(48))'",
                id="audit.W001",
            )
        ]
    return []
