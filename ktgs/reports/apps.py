from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "ktgs.reports"
    label = "reports"
    verbose_name = "Báo cáo"
