from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "ktgs.audit"
    label = "audit"
