from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operations for administrators: backup, verify and restore (decision 0010)."""

    name = "bering.ops"
    label = "ops"
