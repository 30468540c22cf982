from django.apps import AppConfig


class AssignmentsConfig(AppConfig):
    name = "bering.assignments"
    label = "assignments"
