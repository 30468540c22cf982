"""Admin for approval reference data: regulations and route templates.

Route templates, their stages and participants decide who approves a document,
so, like rounds and visas, they are shown read-only: they change only through
the services (``route_templates.py``, the pages ``/approvals/routes/`` and the
API), which write the audit chain.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from bering.approvals.models import (
    ApprovalRun,
    Regulation,
    RouteParticipant,
    RouteStage,
    RouteTemplate,
)


class ReadOnly:
    """No adding, changing or deleting: shown only (for model admins and inlines)."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Regulation)
class RegulationAdmin(admin.ModelAdmin[Regulation]):
    list_display = ("doc_type", "total_days", "stage_days", "sign_days", "signing_without_approval")
    list_editable = ("total_days", "stage_days", "sign_days", "signing_without_approval")


class RouteStageInline(ReadOnly, admin.TabularInline[RouteStage, RouteTemplate]):
    model = RouteStage
    extra = 0
    show_change_link = True


@admin.register(RouteTemplate)
class RouteTemplateAdmin(ReadOnly, admin.ModelAdmin[RouteTemplate]):
    list_display = ("name", "organization", "doc_type", "is_active")
    list_filter = ("is_active", "doc_type")
    search_fields = ("name", "organization__short_name")
    inlines = [RouteStageInline]


class RouteParticipantInline(ReadOnly, admin.TabularInline[RouteParticipant, RouteStage]):
    model = RouteParticipant
    extra = 0
    raw_id_fields = ("employee", "position", "department")


@admin.register(RouteStage)
class RouteStageAdmin(ReadOnly, admin.ModelAdmin[RouteStage]):
    list_display = ("template", "order", "name", "mode", "days")
    inlines = [RouteParticipantInline]


@admin.register(ApprovalRun)
class ApprovalRunAdmin(admin.ModelAdmin[ApprovalRun]):
    list_display = ("document", "round", "status", "started_at", "finished_at")
    list_filter = ("status",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ApprovalRun | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ApprovalRun | None = None) -> bool:
        return False
