"""Django admin for accounts: names and e-mail only; rights are read-only here.

Whatever changes a person's rights (``is_region_admin``, ``is_active``,
``is_staff``, ``is_superuser``, groups, permissions, API tokens, second-factor
devices) changes only through the audited services (``orgs.services``,
``orgs.security``) and their pages: a region administrator disables an account
on an organization's staff page (``/orgs/<id>/staff/``, «Сотрудники» in the menu)
or with ``POST /api/v1/users/{id}/deactivate``, so that it reaches the hash-chained
history. The admin shows those fields read-only and cannot add or delete such
rows (issue 11, fault 6; ``tests/test_admin_rights.py`` walks every admin).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.http import HttpRequest
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin as BaseTOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from bering.accounts.models import ApiToken, User

# Fields of a user that grant or take away rights: never edited in the admin.
USER_RIGHTS_FIELDS = (
    "is_active",
    "is_staff",
    "is_superuser",
    "is_region_admin",
    "groups",
    "user_permissions",
)


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    """Shown, never added, changed or deleted here."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(User)
class UserAdmin(BaseUserAdmin[User]):
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        ("Bering", {"fields": ("middle_name", "is_region_admin")}),
    )
    readonly_fields = (*USER_RIGHTS_FIELDS, "last_login", "date_joined")
    list_display = ("username", "last_name", "first_name", "middle_name", "is_active")
    search_fields = ("username", "last_name", "first_name", "email")

    def has_delete_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        return False  # users are deactivated (orgs.security.user_deactivate), never deleted


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    """Tokens are issued and revoked (with an audit event) by ``orgs.security``."""

    list_display = ("user", "name", "created_at", "last_used_at")
    readonly_fields = ("user", "name", "key_hash", "created_at", "last_used_at")


# Django's groups and second-factor devices would grant rights (or switch a second
# factor off) without an audit event: groups are not used by Bering, devices are
# set up and removed by the person through ``orgs.security``.
admin.site.unregister(Group)
admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class TOTPDeviceAdmin(BaseTOTPDeviceAdmin):  # type: ignore[misc]
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
