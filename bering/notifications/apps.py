from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "bering.notifications"
    label = "notifications"
