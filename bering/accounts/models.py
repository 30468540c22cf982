from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who signs in. Their posts in organizations are ``orgs.Employee`` rows."""

    middle_name = models.CharField(_("middle name"), max_length=150, blank=True)
    is_region_admin = models.BooleanField(
        _("region administrator"),
        default=False,
        help_text=_("Administers organizations and reference data of the whole region."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def display_name(self) -> str:
        """«Иванов И. П.»: the short form used in lists and history."""
        return short_name(self.last_name, self.first_name, self.middle_name, self.username)

    @property
    def full_name(self) -> str:
        parts = (self.last_name, self.first_name, self.middle_name)
        return " ".join(p for p in parts if p) or self.username


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.user.username}: {self.name or self.pk}"


def short_name(last: str, first: str, middle: str, username: str) -> str:
    """«Иванов И. П.» from the parts of a name (for rows read without model instances)."""
    initials = "".join(f"{part[0]}." for part in (first, middle) if part)
    if last:
        return f"{last} {initials}".strip()
    return username


class PasswordReentry(models.Model):
    """Wrong re-entries of a signed-in person's password (signing a draft, turning the
    second factor off), counted per account with the sign-in lockout's limit and
    cool-off (``accounts.security``)."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, primary_key=True, related_name="+")
    failures = models.PositiveIntegerField(default=0)
    last_failure_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("password re-entry")
        verbose_name_plural = _("password re-entries")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.failures}"
