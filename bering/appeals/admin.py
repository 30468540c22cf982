from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from bering.appeals.models import Topic


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin[Topic]):
    """The classifier of appeals (ТОТК): reference data the region administrator keeps."""

    list_display = ("code", "name", "is_active")
    list_filter = ("is_active",)
    search_fields = ("code", "name", "keywords")
    raw_id_fields = ("parent",)

    def has_delete_permission(self, request: HttpRequest, obj: Topic | None = None) -> bool:
        return False  # deactivate instead: appeals refer to it
