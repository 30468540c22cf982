from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "bering.reports"
    label = "reports"
