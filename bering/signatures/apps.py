from django.apps import AppConfig


class SignaturesConfig(AppConfig):
    name = "bering.signatures"
    label = "signatures"
