from django.apps import AppConfig


class RulesConfig(AppConfig):
    name = "ktgs.rules"
    label = "rules"
