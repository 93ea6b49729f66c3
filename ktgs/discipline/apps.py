from django.apps import AppConfig


class DisciplineConfig(AppConfig):
    name = "ktgs.discipline"
    verbose_name = "Kỷ luật đảng"
