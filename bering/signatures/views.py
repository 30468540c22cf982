"""Pages of signatures: the PDF copy with the signature mark (ГОСТ Р 7.0.97-2016), and the
integrity check of signed files for region administrators."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.http import content_disposition_header

from bering.files.http import ranged_response
from bering.files.integrity import integrity_report
from bering.orgs.current import require_actor
from bering.signatures import marking


@login_required
def marked_copy(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The marked copy to read, whole or in byte ranges; 404 while it is being made."""
    actor = require_actor(request)
    signature = marking.signature_get_for_user(actor, pk)
    return ranged_response(
        request,
        marking.marked_copy(signature),
        headers={
            "Content-Disposition": content_disposition_header(
                False, marking.marked_copy_name(signature)
            )
            or "inline"
        },
    )


@login_required
def integrity(request: HttpRequest) -> HttpResponse:
    """The last full pass of the integrity sweep and the files found changed (region admins)."""
    report = integrity_report(request.user)  # type: ignore[arg-type]
    return render(request, "signatures/integrity.html", {"report": report})
