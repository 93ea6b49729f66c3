from django.apps import AppConfig


class DisciplineConfig(AppConfig):
    name = "ktgs.discipline"
    verbose_name = "Kỷ luật đảng"

    def ready(self) -> None:
        """The sheet «Quyết định kỷ luật» joins the interchange format."""
        from ktgs.discipline.exchange import register_sheets

        register_sheets()
