from django.apps import AppConfig
from django.db.models.signals import post_migrate


class OrgsConfig(AppConfig):
    name = "ktgs.orgs"
    label = "orgs"

    def ready(self) -> None:
        """The audit search's unit field becomes the picker (audit comes before orgs); the
        trigram indexes are checked (`orgs.W001`) and put back by every `migrate`."""
        from ktgs.orgs import checks  # noqa: F401  (registers the system check)

        post_migrate.connect(after_migrate, sender=self)
        from ktgs.audit.forms import UnitPicker, plug_unit_picker
        from ktgs.orgs import picking
        from ktgs.orgs.pickers import PickerInput

        plug_unit_picker(UnitPicker(widget=lambda: PickerInput("don-vi"), pick=picking.pick_unit))


def after_migrate(sender, using="default", **kwargs) -> None:
    """The trigram indexes where PostgreSQL now allows them (ktgs/orgs/trigram.py)."""
    from django.db import connections

    from ktgs.orgs import trigram

    connection = connections[using]
    if trigram.applicable(connection):
        trigram.install(connection)
