from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "bering.documents"
    label = "documents"
