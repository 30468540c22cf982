"""Django admin for the reference data of organizations.

Organizations, departments and positions are reference data a region
administrator corrects here (Django keeps its own change log of admin edits).
What changes a person's rights never changes here without an audit event
(issue 11, fault 6): posts (``Employee``: organization, department, position,
roles, ``is_active``) are read-only, changed on an organization's staff page
(``/orgs/<id>/staff/``: roles, ending a post; the same under ``/api/v1/``)
through ``orgs.services``; an organization's ``is_active`` and ``parent`` are
read-only and organizations are connected through ``organization_connect``.
Substitutions change whose rights an official uses, so they are created through
``substitution_create`` (checks and an audit event) and never edited or deleted.
``accounts/tests/test_admin_rights.py`` walks every admin and checks this.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from bering.core.errors import DomainError
from bering.orgs import services
from bering.orgs.current import request_actor
from bering.orgs.models import Department, Employee, Organization, Position, Substitution


class DepartmentInline(admin.TabularInline[Department, Organization]):
    model = Department
    extra = 0
    fields = ("name", "code", "parent")
    show_change_link = True


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin[Organization]):
    list_display = (
        "short_name",
        "code",
        "kind",
        "parent",
        "time_zone",
        "connected_on",
        "is_active",
    )
    list_filter = ("kind", "is_active", "time_zone")
    search_fields = ("name", "short_name", "code", "inn")
    autocomplete_fields = ("parent",)
    inlines = [DepartmentInline]
    # Deactivating an organization ends its staff's rights; its parent decides
    # who oversees it. Both change only through the audited services.
    readonly_fields = ("is_active", "parent")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # organizations are connected by organization_connect (audited)

    def has_delete_permission(self, request: HttpRequest, obj: Organization | None = None) -> bool:
        return False  # an organization is deactivated, never deleted: its papers stay


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin[Department]):
    list_display = ("name", "code", "organization", "parent")
    list_filter = ("organization",)
    search_fields = ("name", "code", "organization__short_name")
    autocomplete_fields = ("organization", "parent")


@admin.register(Position)
class PositionAdmin(admin.ModelAdmin[Position]):
    list_display = ("name", "organization")
    list_filter = ("organization",)
    search_fields = ("name", "organization__short_name")
    autocomplete_fields = ("organization",)


@admin.register(Employee)
class EmployeeAdmin(admin.ModelAdmin[Employee]):
    list_display = (
        "user",
        "organization",
        "position",
        "department",
        "is_registrar",
        "is_head",
        "is_controller",
        "is_org_admin",
        "is_active",
    )
    list_filter = ("is_active", "is_registrar", "is_head", "is_controller", "organization")
    search_fields = ("user__last_name", "user__first_name", "user__username", "position__name")
    autocomplete_fields = ("user", "organization", "department", "position")
    list_select_related = ("user", "organization", "position", "department")

    # Every field of a post decides what its holder may do: shown, never edited here.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # employee_add (audited), from the staff pages

    def has_change_permission(self, request: HttpRequest, obj: Employee | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Employee | None = None) -> bool:
        return False  # posts are deactivated: history refers to them


class SubstitutionForm(forms.ModelForm[Substitution]):
    class Meta:
        model = Substitution
        fields = ("absent", "substitute", "starts_on", "ends_on", "reason")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        absent, substitute = data.get("absent"), data.get("substitute")
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if absent and substitute and starts_on and ends_on:
            try:
                services.substitution_check(
                    absent=absent, substitute=substitute, starts_on=starts_on, ends_on=ends_on
                )
            except DomainError as exc:
                raise ValidationError(str(exc.message)) from exc
        return data


@admin.register(Substitution)
class SubstitutionAdmin(admin.ModelAdmin[Substitution]):
    form = SubstitutionForm
    list_display = ("absent", "substitute", "starts_on", "ends_on", "reason")
    list_filter = ("starts_on",)
    search_fields = ("absent__user__last_name", "substitute__user__last_name")
    autocomplete_fields = ("absent", "substitute")
    list_select_related = ("absent__user", "substitute__user")

    def has_change_permission(self, request: HttpRequest, obj: Substitution | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Substitution | None = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Substitution, form: Any, change: bool) -> None:
        created = services.substitution_create(
            actor=request_actor(request),
            absent=obj.absent,
            substitute=obj.substitute,
            starts_on=obj.starts_on,
            ends_on=obj.ends_on,
            reason=obj.reason,
        )
        obj.pk = created.pk
        obj.created_at = created.created_at
