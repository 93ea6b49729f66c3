from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "ktgs.documents"
    label = "documents"
    verbose_name = "Văn bản, tài liệu đính kèm"
