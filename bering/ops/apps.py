from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """Operations for administrators: backup, verify and restore (decision 0010)."""

    name = "bering.ops"
    label = "ops"
    verbose_name = _("Operations")
