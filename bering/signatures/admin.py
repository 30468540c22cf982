"""Signatures are shown read-only: they are made only by the signing workflow."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from bering.signatures.models import Signature


@admin.register(Signature)
class SignatureAdmin(admin.ModelAdmin[Signature]):
    list_display = ("document_file", "kind", "signer", "user", "signed_at", "sha256")
    list_select_related = ("document_file__stored", "signer__user", "user")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Signature | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Signature | None = None) -> bool:
        return False
