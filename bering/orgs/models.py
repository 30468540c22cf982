from __future__ import annotations

import datetime as dt
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


def validate_time_zone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(_("Unknown time zone: %(tz)s"), params={"tz": value}) from exc


class Organization(models.Model):
    """A body of the region: a tenant with its own staff, journals and documents."""

    class Kind(models.TextChoices):
        EXECUTIVE = "executive", _("executive body")
        MUNICIPALITY = "municipality", _("municipality")
        OTHER = "other", _("other organization")

    name = models.CharField(_("full name"), max_length=500, unique=True)
    short_name = models.CharField(_("short name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organization"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    code = models.CharField(
        _("code"), max_length=20, unique=True, help_text=_("Short index used in numbers.")
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Asia/Kamchatka", validators=[validate_time_zone]
    )
    inn = models.CharField(_("INN"), max_length=12, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=500, blank=True)
    connected_on = models.DateField(_("connected since"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["short_name"]

    def __str__(self) -> str:
        return self.short_name

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def local_today(self, moment: dt.datetime) -> dt.date:
        return moment.astimezone(self.tz).date()


class Department(models.Model):
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="departments"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    name = models.CharField(_("name"), max_length=300)
    code = models.CharField(_("index"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["organization", "code", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "name"], name="department_unique_name_in_org"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Position(models.Model):
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="positions"
    )
    name = models.CharField(_("name"), max_length=300)

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "name"], name="position_unique_name_in_org"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Employee(models.Model):
    """A person's post in one organization. A person may hold posts in several."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="posts"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="employees"
    )
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="employees"
    )
    position = models.ForeignKey(
        Position, null=True, blank=True, on_delete=models.SET_NULL, related_name="employees"
    )
    is_registrar = models.BooleanField(_("registrar"), default=False)
    is_head = models.BooleanField(_("head"), default=False)
    is_controller = models.BooleanField(_("controller"), default=False)
    is_org_admin = models.BooleanField(_("organization administrator"), default=False)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("employee")
        verbose_name_plural = _("employees")
        ordering = ["organization", "user__last_name", "user__first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization", "position"], name="employee_unique_post"
            )
        ]

    def __str__(self) -> str:
        position = f", {self.position.name}" if self.position is not None else ""
        return f"{self.user.display_name}{position} ({self.organization.short_name})"

    @property
    def role_names(self) -> list[str]:
        names = []
        if self.is_head:
            names.append(str(_("head")))
        if self.is_registrar:
            names.append(str(_("registrar")))
        if self.is_controller:
            names.append(str(_("controller")))
        if self.is_org_admin:
            names.append(str(_("organization administrator")))
        return names or [str(_("executor"))]


class Substitution(models.Model):
    """``substitute`` acts for ``absent`` from ``starts_on`` to ``ends_on`` inclusive."""

    absent = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="substituted_by")
    substitute = models.ForeignKey(
        Employee, on_delete=models.CASCADE, related_name="substitutes_for"
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("substitution")
        verbose_name_plural = _("substitutions")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="substitution_dates_order"
            ),
            models.CheckConstraint(
                condition=~Q(absent=models.F("substitute")), name="substitution_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.substitute} → {self.absent}"
