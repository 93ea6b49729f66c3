"""The audit key and the earlier ones kept to verify the events they linked (rotation).

settings.KTGS_AUDIT_KEY (the environment in production; generated into the keys folder outside
the data folder otherwise, config/keys.py) links new events; settings.KTGS_AUDIT_KEYS_OLD are
used only to verify. Neither is ever stored in the database, the head file or a backup.
"""

from django.conf import settings

from ktgs.audit.chain import SHA256, key_id, keyed_link


def current() -> str | None:
    return getattr(settings, "KTGS_AUDIT_KEY", "") or None


def current_link() -> str:
    key = current()
    return keyed_link(key) if key else SHA256


def keyring() -> dict[str, str]:
    """{key id: key} for the current key and every old one."""
    keys = [*getattr(settings, "KTGS_AUDIT_KEYS_OLD", []), current()]
    return {key_id(key): key for key in keys if key}
