"""Pages of the МЭДО containers. Thin: parse, get through the getter, call one service."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bering.core.errors import DomainError, Forbidden, NotFound
from bering.core.paging import page_of
from bering.documents import selectors as document_selectors
from bering.exchange import (
    container,
    permissions,
    selectors_medo,
    services_medo,
    services_medo_answer,
    services_medo_export,
)
from bering.exchange.forms import MedoExportForm, MedoUploadForm, RefuseForm, RegisterForm
from bering.orgs.current import require_actor

SHA256_HEADER = "X-Bering-SHA256"


def zip_response(data: bytes, *, uid: str, sha256: str) -> HttpResponse:
    """A kept container as a download, with its hash for the gateway's check."""
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="medo-{uid}.zip"'
    response[SHA256_HEADER] = sha256
    return response


@login_required
def upload(request: HttpRequest) -> HttpResponse:
    """«Загрузить контейнер МЭДО»: a document, a notification or a receipt."""
    actor = require_actor(request)
    if not permissions.keeps_medo(actor.employee, actor.organization_id):
        raise Forbidden(_("Only a registrar exchanges МЭДО containers."))
    form = MedoUploadForm(request.POST or None, request.FILES or None)
    if request.method != "POST" or not form.is_valid():
        status = 400 if request.method == "POST" else 200
        return render(request, "exchange/medo_upload.html", {"form": form}, status=status)
    data = form.cleaned_data["container"].read(settings.BERING_MAX_UPLOAD_BYTES + 1)
    try:
        result = services_medo.medo_import(actor=actor, data=data)
    except NotFound:
        raise
    except DomainError as exc:
        context = {"form": MedoUploadForm(), "refusal": exc.message}
        return render(request, "exchange/medo_upload.html", context, status=exc.status_code)
    if result.inbound is not None:
        messages.success(
            request,
            _("Received: № %(number)s from %(sender)s. The receipt for the sender is ready.")
            % {"number": result.inbound.number, "sender": result.inbound.sender},
        )
        return redirect("exchange:medo-inbound", pk=result.inbound.pk)
    assert result.package is not None  # an answer always names its package
    messages.success(
        request,
        _("Received: %(kind)s from %(sender)s.")
        % {"kind": result.kind, "sender": result.package.addressee},
    )
    return redirect("exchange:document", pk=result.package.document_id)


@login_required
def inbound(request: HttpRequest, pk: int) -> HttpResponse:
    actor = require_actor(request)
    item = selectors_medo.inbound_get_for_user(actor, pk)
    context = {
        "item": item,
        "can_answer": permissions.can_answer_inbound(actor.employee, item),
        "register_form": RegisterForm(organization_id=actor.organization_id),
        "refuse_form": RefuseForm(),
        "produced": item.messages.order_by("created_at", "id"),
        "roles": {
            container.ROLE_DOCUMENT: _("document"),
            container.ROLE_ATTACHMENT: _("attachment"),
            container.ROLE_RENDITION: _("PDF copy"),
            container.ROLE_SIGNATURE: _("signature"),
        },
    }
    return render(request, "exchange/medo_inbound.html", context)


@login_required
@require_POST
def inbound_register(request: HttpRequest, pk: int) -> HttpResponse:
    actor = require_actor(request)
    item = selectors_medo.inbound_get_for_user(actor, pk)
    form = RegisterForm(request.POST, organization_id=actor.organization_id)
    if not form.is_valid():
        messages.error(request, _("Choose a journal."))
        return redirect("exchange:medo-inbound", pk=pk)
    try:
        incoming = services_medo_answer.medo_register(
            actor=actor,
            inbound=item,
            journal=form.cleaned_data["journal"],
            doc_type=form.cleaned_data["doc_type"],
        )
    except NotFound:
        raise
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("exchange:medo-inbound", pk=pk)
    messages.success(request, _("Registered: № %(number)s") % {"number": incoming.reg_number})
    return redirect("documents:detail", pk=incoming.pk)


@login_required
@require_POST
def inbound_refuse(request: HttpRequest, pk: int) -> HttpResponse:
    actor = require_actor(request)
    item = selectors_medo.inbound_get_for_user(actor, pk)
    form = RefuseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a reason from the list."))
        return redirect("exchange:medo-inbound", pk=pk)
    try:
        services_medo_answer.medo_refuse(
            actor=actor,
            inbound=item,
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
        )
    except NotFound:
        raise
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("exchange:medo-inbound", pk=pk)
    messages.success(request, _("Refused; the notice for the sender is ready."))
    return redirect("exchange:queue")


@login_required
def message_list(request: HttpRequest) -> HttpResponse:
    """Messages made here for the МЭДО gateway: receipts and notifications."""
    actor = require_actor(request)
    if not permissions.keeps_medo(actor.employee, actor.organization_id):
        raise Forbidden(_("Only a registrar exchanges МЭДО containers."))
    page = page_of(request, selectors_medo.messages_to_send(actor).select_related("inbound"))
    return render(request, "exchange/medo_messages.html", {"items": page})


@login_required
def message_download(request: HttpRequest, pk: int) -> HttpResponse:
    actor = require_actor(request)
    item = selectors_medo.message_get_for_user(actor, pk)
    data = selectors_medo.container_bytes(item.storage_name)
    return zip_response(data, uid=item.uid, sha256=item.sha256)


@login_required
@require_POST
def export(request: HttpRequest, pk: int) -> HttpResponse:
    """Export a registered outgoing document as a МЭДО container for an outside addressee."""
    actor = require_actor(request)
    doc = document_selectors.document_get_for_user(actor, pk)
    form = MedoExportForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the addressee's name."))
        return redirect("exchange:document", pk=pk)
    try:
        package = services_medo_export.medo_export(
            actor=actor,
            document=doc,
            addressee=form.cleaned_data["addressee"],
            addressee_code=form.cleaned_data["addressee_code"],
        )
    except NotFound:
        raise
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("exchange:document", pk=pk)
    messages.success(
        request, _("Container made for %(addressee)s.") % {"addressee": package.addressee}
    )
    return redirect("exchange:document", pk=pk)


@login_required
def package_download(request: HttpRequest, pk: int) -> HttpResponse:
    actor = require_actor(request)
    item = selectors_medo.package_get_for_user(actor, pk)
    data = selectors_medo.container_bytes(item.storage_name)
    return zip_response(data, uid=item.uid, sha256=item.sha256)
