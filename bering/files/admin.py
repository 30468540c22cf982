"""The integrity sweep's state for staff: read only (integrity.py writes it)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from bering.files.models import IntegrityState


@admin.register(IntegrityState)
class IntegrityStateAdmin(admin.ModelAdmin[IntegrityState]):
    list_display = (
        "last_pass_finished_at",
        "last_pass_checked",
        "last_pass_mismatches",
        "pass_started_at",
        "pass_checked",
        "pass_mismatches",
        "last_run_at",
    )
    readonly_fields = (
        "cursor",
        "pass_started_at",
        "pass_checked",
        "pass_mismatches",
        "last_run_at",
        "last_pass_started_at",
        "last_pass_finished_at",
        "last_pass_checked",
        "last_pass_mismatches",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(
        self, request: HttpRequest, obj: IntegrityState | None = None
    ) -> bool:
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: IntegrityState | None = None
    ) -> bool:
        return False
