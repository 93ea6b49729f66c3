from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operations: backup and restore. Reads the database as a whole; imports no domain app."""

    name = "ktgs.ops"
    label = "ops"

    def ready(self) -> None:
        from ktgs.ops import checks  # noqa: F401  (registers the system check)
