from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "bering.core"
    label = "core"
