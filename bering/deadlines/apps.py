from django.apps import AppConfig


class DeadlinesConfig(AppConfig):
    name = "bering.deadlines"
    label = "deadlines"
