from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AuditConfig(AppConfig):
    name = "ktgs.audit"
    label = "audit"

    def ready(self) -> None:
        from ktgs.audit import checks  # noqa: F401  (registers the system check)

        post_migrate.connect(after_migrate, sender=self)


def after_migrate(sender, using="default", **kwargs) -> None:
    """`ktgs migrate` puts the append-only triggers back if they were removed, and links the
    chain with the current audit key (the `audit.chain.keyed` / `key_rotated` event)."""
    from django.db import connections

    from ktgs.audit import triggers
    from ktgs.audit.services import chain_key_sync

    connection = connections[using]
    if not triggers.table_exists(connection):
        return
    with connection.cursor() as cursor:
        columns = {
            c.name for c in connection.introspection.get_table_description(cursor, triggers.TABLE)
        }
    if "link" not in columns:  # migrated back below 0004
        return
    if triggers.missing(connection):
        triggers.install(connection)
    if using == "default":
        chain_key_sync()
