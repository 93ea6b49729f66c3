from django.apps import AppConfig


class SubmissionsConfig(AppConfig):
    name = "ktgs.submissions"
    label = "submissions"
    verbose_name = "Nộp báo cáo"
