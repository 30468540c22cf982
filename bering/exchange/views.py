"""Pages of the exchange. Thin: parse, get through the getter, call one service, render."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bering.core.errors import Busy, Conflict, DomainError, NotFound, ValidationFailed
from bering.core.paging import page_of, wants_rows
from bering.documents import selectors as document_selectors
from bering.documents.models import Document
from bering.exchange import permissions, selectors, selectors_medo, services
from bering.exchange.forms import (
    MedoExportForm,
    NoteForm,
    RefuseForm,
    RegisterForm,
    SendForm,
    WithdrawForm,
)
from bering.exchange.models import Dispatch
from bering.files.http import attachment_response
from bering.orgs.actor import Actor
from bering.orgs.current import require_actor


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """ "На регистрацию": what other organizations sent us."""
    actor = require_actor(request)
    page = page_of(request, selectors.queue(actor))
    if wants_rows(request):
        return render(request, "exchange/_queue_rows.html", {"deliveries": page})
    context = {
        "deliveries": page,
        "medo_items": selectors_medo.inbound_queue(actor)[:MEDO_SHOWN],
        "keeps_medo": permissions.keeps_medo(actor.employee, actor.organization_id),
    }
    return render(request, "exchange/queue.html", context)


MEDO_SHOWN = 200
"""Received containers shown on the queue page; a gateway's day is far fewer."""


@login_required
def delivery(request: HttpRequest, pk: int) -> HttpResponse:
    actor = require_actor(request)
    item = selectors.delivery_get_for_user(actor, pk)
    actions = permissions.actions_for(actor.employee, item)
    files = selectors.delivery_files(item) if actions.contents else []
    context = {
        "delivery": item,
        "actions": actions,
        "files": files,
        "signatures": selectors.delivery_signatures(files),
        "register_form": RegisterForm(organization_id=actor.organization_id),
        "refuse_form": RefuseForm(),
    }
    return render(request, "exchange/delivery.html", context)


@login_required
@require_POST
def register(request: HttpRequest, pk: int) -> HttpResponse:
    actor = require_actor(request)
    item = selectors.delivery_get_for_user(actor, pk)
    form = RegisterForm(request.POST, organization_id=actor.organization_id)
    if not form.is_valid():
        messages.error(request, _("Choose a journal."))
        return redirect("exchange:delivery", pk=pk)
    try:
        incoming = services.delivery_register(
            actor=actor,
            delivery=item,
            journal=form.cleaned_data["journal"],
            doc_type=form.cleaned_data["doc_type"],
        )
    except NotFound:
        raise
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("exchange:delivery", pk=pk)
    messages.success(request, _("Registered: № %(number)s") % {"number": incoming.reg_number})
    return redirect("documents:detail", pk=incoming.pk)


@login_required
@require_POST
def refuse(request: HttpRequest, pk: int) -> HttpResponse:
    actor = require_actor(request)
    item = selectors.delivery_get_for_user(actor, pk)
    form = RefuseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a reason from the list."))
        return redirect("exchange:delivery", pk=pk)
    try:
        services.delivery_refuse(
            actor=actor,
            delivery=item,
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
        )
    except NotFound:
        raise
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("exchange:delivery", pk=pk)
    messages.success(request, _("Refused; the sender is told."))
    return redirect("exchange:queue")


@login_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """The sender takes a delivery back before the addressee answers it."""
    actor = require_actor(request)
    item = selectors.delivery_get_for_sender(actor, pk)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the delivery is withdrawn."))
        return redirect("exchange:document", pk=item.document_id)
    try:
        services.delivery_withdraw(actor=actor, delivery=item, reason=form.cleaned_data["reason"])
    except (ValidationFailed, Conflict, Busy) as exc:  # 403 and 404 are the middleware's
        messages.error(request, str(exc.message))
        return redirect("exchange:document", pk=item.document_id)
    messages.success(request, _("Withdrawn; the addressee is told."))
    return redirect("exchange:document", pk=item.document_id)


@login_required
def file_download(request: HttpRequest, pk: int, file_id: int) -> HttpResponseBase:
    actor = require_actor(request)
    item = selectors.delivery_file_get(actor, pk, file_id)
    return attachment_response(item.stored)


@login_required
def document(request: HttpRequest, pk: int) -> HttpResponse:
    """The sender's view of a document's delivery: each addressee's status; sending."""
    actor = require_actor(request)
    doc = document_selectors.document_get_for_user(actor, pk)
    form = SendForm(organizations=selectors.addressee_choices(actor))
    return _document_page(request, actor, doc, form)


def _document_page(
    request: HttpRequest, actor: Actor, doc: Document, form: SendForm
) -> HttpResponse:
    context = {
        "document": doc,
        "statuses": selectors.deliveries_of_document(actor, doc),
        "dispatches": selectors.dispatches_of_document(actor, doc),
        "form": form,
        "withdraw_form": WithdrawForm(),
        "can_send": permissions.can_send(actor.employee, doc),
        "packages": selectors_medo.packages_of_document(actor, doc),
        "export_form": MedoExportForm(),
    }
    return render(request, "exchange/document.html", context)


@login_required
@require_POST
def send(request: HttpRequest, pk: int) -> HttpResponse:
    actor = require_actor(request)
    doc = document_selectors.document_get_for_user(actor, pk)
    form = SendForm(request.POST, organizations=selectors.addressee_choices(actor))
    if form.picking:  # «Найти» without JavaScript: the page again, with the matches
        return _document_page(request, actor, doc, form)
    if not form.is_valid():
        messages.error(request, _("Check the addressees."))
        return redirect("exchange:document", pk=pk)
    try:
        result = services.document_send(
            actor=actor,
            document=doc,
            addressee_org_ids=[o.pk for o in form.cleaned_data["addressees"]],
            external_addressees=form.external_addressees(),
        )
    except NotFound:
        raise
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("exchange:document", pk=pk)
    messages.success(
        request,
        _("Sent: %(delivered)s delivered, %(dispatch)s for dispatch.")
        % {"delivered": len(result.deliveries), "dispatch": len(result.dispatches)},
    )
    return redirect("exchange:document", pk=pk)


@login_required
def dispatch(request: HttpRequest) -> HttpResponse:
    actor = require_actor(request)
    page = page_of(request, selectors.dispatch_register(actor))
    rows = [DispatchRow(d, permissions.can_mark_sent(actor.employee, d)) for d in page]
    context = {"items": page, "rows": rows}
    if wants_rows(request):
        return render(request, "exchange/_dispatch_rows.html", context)
    return render(request, "exchange/dispatch.html", context)


@dataclass(frozen=True)
class DispatchRow:
    dispatch: Dispatch
    can_mark_sent: bool


@login_required
@require_POST
def dispatch_sent(request: HttpRequest, pk: int) -> HttpResponse:
    actor = require_actor(request)
    item = selectors.dispatch_get_for_user(actor, pk)
    form = NoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        services.dispatch_mark_sent(actor=actor, dispatch=item, note=note)
    except NotFound:
        raise
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Marked as sent."))
    return redirect("exchange:dispatch")
