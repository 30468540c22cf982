"""Admin for approval reference data: regulations and route templates.

Rounds and visas are shown read-only: they change only through the services,
which write the audit chain.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from bering.approvals.models import (
    ApprovalRun,
    Regulation,
    RouteParticipant,
    RouteStage,
    RouteTemplate,
)


@admin.register(Regulation)
class RegulationAdmin(admin.ModelAdmin[Regulation]):
    list_display = ("doc_type", "total_days", "stage_days", "sign_days", "signing_without_approval")
    list_editable = ("total_days", "stage_days", "sign_days", "signing_without_approval")


class RouteStageInline(admin.TabularInline[RouteStage, RouteTemplate]):
    model = RouteStage
    extra = 1
    show_change_link = True


@admin.register(RouteTemplate)
class RouteTemplateAdmin(admin.ModelAdmin[RouteTemplate]):
    list_display = ("name", "organization", "doc_type", "is_active")
    list_filter = ("is_active", "doc_type")
    search_fields = ("name", "organization__short_name")
    inlines = [RouteStageInline]


class RouteParticipantInline(admin.TabularInline[RouteParticipant, RouteStage]):
    model = RouteParticipant
    extra = 1
    raw_id_fields = ("employee", "position", "department")


@admin.register(RouteStage)
class RouteStageAdmin(admin.ModelAdmin[RouteStage]):
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
