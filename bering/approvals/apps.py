from django.apps import AppConfig


class ApprovalsConfig(AppConfig):
    name = "bering.approvals"
    label = "approvals"
