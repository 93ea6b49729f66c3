from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "ktgs.orgs"
    label = "orgs"

    def ready(self) -> None:
        """The audit search's unit field becomes the picker (audit comes before orgs)."""
        from ktgs.audit.forms import UnitPicker, plug_unit_picker
        from ktgs.orgs import picking
        from ktgs.orgs.pickers import PickerInput

        plug_unit_picker(UnitPicker(widget=lambda: PickerInput("don-vi"), pick=picking.pick_unit))
