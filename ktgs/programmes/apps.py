from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "ktgs.programmes"
    verbose_name = "Chương trình kiểm tra, giám sát"
