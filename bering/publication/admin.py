from __future__ import annotations

from django.contrib import admin

from bering.publication.models import PublicationRule


@admin.register(PublicationRule)
class PublicationRuleAdmin(admin.ModelAdmin[PublicationRule]):
    """Which document types go to the public site, by the registrar or automatically."""

    list_display = ("doc_type", "mode")
    list_editable = ("mode",)
    list_select_related = ("doc_type",)
