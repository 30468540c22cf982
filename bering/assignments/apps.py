from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssignmentsConfig(AppConfig):
    name = "bering.assignments"
    label = "assignments"
    verbose_name = _("Resolutions and assignments")
