"""Signatures over the API: the PDF copy with the signature mark (ГОСТ Р 7.0.97-2016).

The signature through ``signature_get_for_user`` (404 for a document the user may not see).
"""

from __future__ import annotations

from django.http.response import HttpResponseBase
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.request import Request

from bering.api.actor import api_actor
from bering.api.base import ApiView
from bering.api.serializers import ErrorOut
from bering.api.views.files import _RANGED_RESPONSES, RANGES, _ranged, content_disposition
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
