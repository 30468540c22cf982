from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "bering.web"
    label = "web"
