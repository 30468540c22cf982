from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from bering.accounts.models import ApiToken, User


@admin.register(User)
class UserAdmin(BaseUserAdmin[User]):
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        ("Bering", {"fields": ("middle_name", "is_region_admin")}),
    )
    list_display = ("username", "last_name", "first_name", "middle_name", "is_active")
    search_fields = ("username", "last_name", "first_name", "email")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    list_display = ("user", "name", "created_at", "last_used_at")
    readonly_fields = ("key_hash",)
