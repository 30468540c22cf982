"""Signatures over the API: the PDF copy with the signature mark (ГОСТ Р 7.0.97-2016), and
the integrity check of signed files (region administrators).

The signature through ``signature_get_for_user`` (404 for a document the user may not see).
"""

from __future__ import annotations

from typing import Any

from django.http.response import HttpResponseBase
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from bering.api.actor import api_actor
from bering.api.base import ApiView
from bering.api.serializers import ErrorOut
from bering.api.views.files import _RANGED_RESPONSES, RANGES, _ranged, content_disposition
from bering.files.integrity import integrity_report
from bering.signatures import marking


class MarkedCopyView(ApiView):
    """The PDF copy of a signed file with the signature mark drawn on its last page."""

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            **_RANGED_RESPONSES,
            404: OpenApiResponse(
                ErrorOut,
                description=(
                    "No such signature, its document is not visible, or code `no_mark`: the "
                    "copy is still being prepared, or the signature gets none."
                ),
            ),
        },
        operation_id="signatures_marked_copy",
        description=(
            "The PDF copy (the PDF original itself or an office file's PDF copy) with the mark "
            "«ДОКУМЕНТ ПОДПИСАН ЭЛЕКТРОННОЙ ПОДПИСЬЮ» (certificate serial, owner, validity) on "
            "the last page, one frame per valid qualified signature of the file. Only for "
            "reading: the signed original is never changed. 404 with code `no_mark` while it is "
            "being made, or for a signature that is not a valid qualified one." + RANGES
        ),
    )
    def get(self, request: Request, pk: int) -> HttpResponseBase:
        actor = api_actor(request)
        signature = marking.signature_get_for_user(actor, pk)
        return _ranged(
            request,
            marking.marked_copy(signature),
            disposition=content_disposition("inline", marking.marked_copy_name(signature)),
        )


class PassOut(serializers.Serializer[Any]):
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    checked = serializers.IntegerField()
    mismatches = serializers.IntegerField()


class FindingOut(serializers.Serializer[Any]):
    file_id = serializers.IntegerField()
    name = serializers.CharField()
    expected = serializers.CharField(help_text="SHA-256 kept at upload.")
    found = serializers.CharField(help_text='SHA-256 of the bytes in storage, or "missing".')
    checked_at = serializers.DateTimeField(allow_null=True)
    document_ids = serializers.ListField(child=serializers.IntegerField())


class IntegrityOut(serializers.Serializer[Any]):
    in_scope = serializers.IntegerField(help_text="Files of signed and registered documents.")
    days = serializers.IntegerField(help_text="A full pass ends within this many days.")
    per_run = serializers.IntegerField(help_text="Files a run of the sweep checks.")
    last_pass = PassOut(allow_null=True, help_text="The last full pass; null before the first.")
    current_pass = PassOut()
    findings = FindingOut(many=True, help_text="Files whose bytes do not match now.")


class IntegrityView(ApiView):
    """The integrity check of signed and registered files."""

    @extend_schema(
        responses={200: IntegrityOut},
        operation_id="signatures_integrity",
        description=(
            "The integrity sweep: the last full pass (files checked, mismatches), the current "
            "one, and the files whose bytes do not match the hash kept at upload. Region "
            "administrators only (403 for others)."
        ),
    )
    def get(self, request: Request) -> Response:
        report = integrity_report(api_actor(request).user)
        state = report.state
        last = (
            {
                "started_at": state.last_pass_started_at,
                "finished_at": state.last_pass_finished_at,
                "checked": state.last_pass_checked,
                "mismatches": state.last_pass_mismatches,
            }
            if state.last_pass_finished_at
            else None
        )
        current = {
            "started_at": state.pass_started_at,
            "finished_at": None,
            "checked": state.pass_checked,
            "mismatches": state.pass_mismatches,
        }
        data = {
            "in_scope": report.in_scope,
            "days": report.days,
            "per_run": report.per_run,
            "last_pass": last,
            "current_pass": current,
            "findings": [vars(f) for f in report.findings],
        }
        return Response(IntegrityOut(data).data)
