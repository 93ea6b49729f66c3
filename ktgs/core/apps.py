from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "ktgs.core"
    label = "core"
