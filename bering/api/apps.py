from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "bering.api"
    label = "api"
