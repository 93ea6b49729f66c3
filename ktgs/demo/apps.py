from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "ktgs.demo"
    label = "demo"
