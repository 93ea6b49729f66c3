from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "ktgs.orgs"
    label = "orgs"
