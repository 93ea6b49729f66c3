"""Optimistic concurrency for records edited through forms (`Versioned`).

A form carries the version it was opened at (`VersionedForm`); the service checks it under the
row lock (`check_version`) and saves with `bump_version` (`UPDATE … SET version = version + 1
WHERE pk = ? AND version = ?`; no row updated → someone saved in between). Either refusal is a
`StaleEdit`, raised before anything is written; it carries the record as it is now, from which
the form shows what the other user changed and is re-shown for the user to re-apply theirs.
"""

from django.core.exceptions import ValidationError
from django.db.models import F, Model

STALE_MESSAGE = (
    "Trong lúc đồng chí sửa, hồ sơ này đã được người khác lưu; thay đổi của đồng chí chưa được "
    "ghi. Hãy mở lại trang để xem giá trị mới."
)


class StaleEdit(ValidationError):
    """The submitted version is not the stored one; `current` is the record as stored now."""

    def __init__(self, current: Model):
        super().__init__(STALE_MESSAGE, code="stale")
        self.current = current


def _fresh(instance: Model) -> Model:
    return type(instance)._base_manager.get(pk=instance.pk)


def check_version(instance: Model, submitted: int | None) -> None:
    """Refuse a save from a form opened at another version than `instance` (read under lock).
    `submitted` None: a caller that is not a form (a script, a test), nothing to compare."""
    if submitted is not None and int(submitted) != instance.version:
        raise StaleEdit(_fresh(instance))


def bump_version(instance: Model, submitted: int | None = None) -> None:
    """Raise the stored version by one, only if it is still the one expected (`submitted`, else
    the instance's); call it in the service's transaction before saving the instance's fields."""
    expected = instance.version if submitted is None else int(submitted)
    rows = type(instance)._base_manager.filter(pk=instance.pk, version=expected)
    if not rows.update(version=F("version") + 1):
        raise StaleEdit(_fresh(instance))
    instance.version = expected + 1


def touch_version(instance: Model) -> None:
    """Raise the stored version by one whatever it is: for writers without a form version that
    change fields an edit form shows (a dated rename, an import), so forms opened before are
    stale after them."""
    manager = type(instance)._base_manager
    manager.filter(pk=instance.pk).update(version=F("version") + 1)
    instance.version = manager.values_list("version", flat=True).get(pk=instance.pk)
