from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "bering.audit"
    label = "audit"
