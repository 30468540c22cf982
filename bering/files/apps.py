from django.apps import AppConfig


class FilesConfig(AppConfig):
    name = "bering.files"
    label = "files"
