from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "ktgs.inspections"
    verbose_name = "Kiểm tra, giám sát"
