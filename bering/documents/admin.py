"""Django admin for document reference data: types and registration journals.

Documents themselves are shown read-only: registration, numbers, files and
access change only through the services, which write the audit chain.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from bering.documents import numbering
from bering.documents.models import Document, DocumentFile, DocumentType, Journal


@admin.register(DocumentType)
class DocumentTypeAdmin(admin.ModelAdmin[DocumentType]):
    list_display = ("name", "code", "flow", "is_active")
    list_filter = ("flow", "is_active")
    search_fields = ("name", "code")

    def get_readonly_fields(
        self, request: HttpRequest, obj: DocumentType | None = None
    ) -> tuple[str, ...]:
        # The code is referred to by clients and the flow decides numbering: fixed once in use.
        return ("code", "flow") if obj is not None else ()

    def has_delete_permission(self, request: HttpRequest, obj: DocumentType | None = None) -> bool:
        return False  # deactivate instead: documents refer to it


class JournalForm(forms.ModelForm[Journal]):
    class Meta:
        model = Journal
        fields = (
            "organization",
            "name",
            "flow",
            "index",
            "template",
            "document_types",
            "is_active",
        )

    def clean_template(self) -> str:
        template: str = self.cleaned_data["template"]
        if not numbering.template_is_valid(template):
            raise forms.ValidationError(
                _("Use {seq} and only the placeholders {seq}, {index}, {yyyy}, {yy}.")
            )
        return template

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        flow, types = data.get("flow"), data.get("document_types")
        if flow and types and any(t.flow != flow for t in types):
            self.add_error("document_types", _("Choose document types of the journal's flow."))
        return data


@admin.register(Journal)
class JournalAdmin(admin.ModelAdmin[Journal]):
    form = JournalForm
    list_display = ("name", "organization", "flow", "index", "template", "is_active")
    list_filter = ("flow", "is_active", "organization")
    search_fields = ("name", "organization__short_name", "index")
    autocomplete_fields = ("organization",)
    filter_horizontal = ("document_types",)
    list_select_related = ("organization",)

    def get_readonly_fields(
        self, request: HttpRequest, obj: Journal | None = None
    ) -> tuple[str, ...]:
        # Numbers already given belong to this organization and flow.
        return ("organization", "flow") if obj is not None else ()

    def has_delete_permission(self, request: HttpRequest, obj: Journal | None = None) -> bool:
        return False  # deactivate instead: registered documents keep their journal


class DocumentFileInline(admin.TabularInline[DocumentFile, Document]):
    model = DocumentFile
    extra = 0
    fields = ("slot", "version", "role", "stored", "added_by", "added_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin[Document]):
    """Read-only: every change of a document is a service with its audit event."""

    list_display = ("__str__", "organization", "doc_type", "flow", "status", "access", "reg_date")
    list_filter = ("flow", "status", "access", "doc_type", "organization")
    search_fields = ("title", "reg_number", "correspondent", "correspondent_number")
    date_hierarchy = "reg_date"
    list_select_related = ("organization", "doc_type")
    inlines = [DocumentFileInline]
    show_full_result_count = False

    def get_readonly_fields(self, request: HttpRequest, obj: Document | None = None) -> list[str]:
        return [f.name for f in Document._meta.get_fields() if f.concrete]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Document | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Document | None = None) -> bool:
        return False
