"""Pages of resolutions and assignments. Thin: parse, get, call one service, render.

A domain error of a button (a draft already decided, a report already sent)
comes back as a message on the page it was pressed on; "not found" stays a 404.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bering.assignments import permissions, selectors, services
from bering.assignments.forms import (
    DecideForm,
    DraftForm,
    ExtensionForm,
    NoteForm,
    ReportForm,
    ResolutionForm,
)
from bering.assignments.models import Assignment
from bering.core.errors import DomainError, NotFound
from bering.core.paging import page_of, wants_rows
from bering.documents import selectors as document_selectors
from bering.documents import services as document_services
from bering.orgs.current import require_actor


def _act(request: HttpRequest, action: Callable[[], object], done: str) -> bool:
    """Run a service for a button; a refusal (except "not found") becomes a message."""
    try:
        action()
    except NotFound:
        raise
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return False
    messages.success(request, done)
    return True


def _back(request: HttpRequest, fallback: str, *args: object) -> HttpResponse:
    target = request.POST.get("next", "")
    allowed = {"head", "mine", "control"}
    if target in allowed:
        return redirect(f"assignments:{target}")
    return redirect(fallback, *args)


@login_required
def head(request: HttpRequest) -> HttpResponse:
    """The head's tablet screen: drafts to confirm, documents awaiting a resolution."""
    actor = require_actor(request)
    is_head = permissions.can_issue(actor.employee)
    if wants_rows(request) and "awaiting" in request.GET:
        page = page_of(request, selectors.awaiting_resolution(actor), "awaiting")
        context = {"awaiting": page, "is_head": is_head}
        return render(request, "assignments/_awaiting_rows.html", context)
    context = {
        "drafts": selectors.drafts_for_head_due(actor),
        "awaiting": page_of(request, selectors.awaiting_resolution(actor), "awaiting"),
        "extensions": selectors.extensions_to_decide(actor),
        "is_head": is_head,
    }
    return render(request, "assignments/head.html", context)


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    actor = require_actor(request)
    page = page_of(request, selectors.assignments_mine(actor))
    if wants_rows(request):
        return render(request, "assignments/_mine_rows.html", {"rows": page})
    return render(request, "assignments/mine.html", {"rows": page})


@login_required
def control(request: HttpRequest) -> HttpResponse:
    actor = require_actor(request)
    page = page_of(request, selectors.assignments_on_control(actor))
    if wants_rows(request):
        return render(request, "assignments/_control_rows.html", {"rows": page})
    return render(request, "assignments/control.html", {"rows": page})


@login_required
def document(request: HttpRequest, pk: int) -> HttpResponse:
    """The resolution tree of a document, with the actions open to the actor."""
    actor = require_actor(request)
    doc = document_selectors.document_get_for_user(actor, pk)
    context = {
        "document": doc,
        "tree": selectors.resolution_tree(actor, doc),
        "is_head": permissions.can_issue(actor.employee),
        "can_prepare": permissions.can_prepare(actor.employee, doc),
        "report_form": ReportForm(),
        "extension_form": ExtensionForm(),
    }
    return render(request, "assignments/document.html", context)


@login_required
def resolution_new(request: HttpRequest, pk: int) -> HttpResponse:
    """A head gives a resolution; anyone else prepares a draft for a head."""
    actor = require_actor(request)
    doc = document_selectors.document_get_for_user(actor, pk)
    is_head = permissions.can_issue(actor.employee)
    form_class = ResolutionForm if is_head else DraftForm
    form = form_class(request.POST or None, organization_id=actor.organization_id)
    if request.method == "POST" and form.is_valid():
        try:
            if is_head:
                services.resolution_issue(actor=actor, document=doc, spec=form.spec())
                messages.success(request, _("Resolution given."))
            else:
                services.resolution_draft(
                    actor=actor,
                    document=doc,
                    spec=form.spec(),
                    author=form.cleaned_data["author"],
                )
                messages.success(request, _("Draft resolution sent to the head."))
        except NotFound:
            raise
        except DomainError as exc:
            field = exc.field if exc.field in form.fields else None
            form.add_error(field, str(exc.message))
        else:
            return redirect("assignments:document", pk=doc.pk)
    status = 400 if request.method == "POST" and not form.picking else 200
    context = {"form": form, "document": doc, "is_head": is_head}
    return render(request, "assignments/resolution_form.html", context, status=status)


@login_required
def cascade(request: HttpRequest, pk: int) -> HttpResponse:
    """An executor who is a head passes the assignment on to their people."""
    actor = require_actor(request)
    item = selectors.assignment_get_for_user(actor, pk)
    form = ResolutionForm(request.POST or None, organization_id=actor.organization_id)
    if request.method == "POST" and form.is_valid():
        try:
            services.resolution_cascade(actor=actor, assignment=item, spec=form.spec())
        except NotFound:
            raise
        except DomainError as exc:
            field = exc.field if exc.field in form.fields else None
            form.add_error(field, str(exc.message))
        else:
            messages.success(request, _("Resolution given."))
            return redirect("assignments:document", pk=item.document_id)
    status = 400 if request.method == "POST" and not form.picking else 200
    context = {"form": form, "document": item.document, "is_head": True, "parent": item}
    return render(request, "assignments/resolution_form.html", context, status=status)


@login_required
@require_POST
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    actor = require_actor(request)
    resolution = selectors.resolution_get_for_user(actor, pk)
    _act(
        request,
        lambda: services.resolution_confirm(actor=actor, resolution=resolution),
        _("Resolution confirmed."),
    )
    return _back(request, "assignments:head")


@login_required
@require_POST
def return_draft(request: HttpRequest, pk: int) -> HttpResponse:
    actor = require_actor(request)
    resolution = selectors.resolution_get_for_user(actor, pk)
    form = NoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    _act(
        request,
        lambda: services.resolution_return(actor=actor, resolution=resolution, note=note),
        _("Draft returned."),
    )
    return _back(request, "assignments:head")


@login_required
@require_POST
def report(request: HttpRequest, pk: int) -> HttpResponse:
    """Report on an assignment: text, a file, and/or a new reply draft."""
    actor = require_actor(request)
    item = selectors.assignment_get_for_user(actor, pk)
    form = ReportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Check the report."))
        return redirect("assignments:document", pk=item.document_id)
    data = form.cleaned_data

    reply = None
    if data["reply_title"] or data["reply_file"]:
        if data["reply_type"] is None:
            messages.error(request, _("Choose the type of the reply."))
            return redirect("assignments:document", pk=item.document_id)
        f = data["reply_file"]
        reply = services.ReplyDraft(
            doc_type=data["reply_type"],
            title=data["reply_title"],
            uploads=[document_services.Upload(name=f.name or "reply", stream=f)] if f else [],
        )
    f = data["file"]
    files = [document_services.Upload(name=f.name or "file", stream=f)] if f else []
    _act(
        request,
        lambda: services.report_with_reply(
            actor=actor, assignment=item, text=data["text"], uploads=files, reply=reply
        ),
        _("Report sent."),
    )
    return _back(request, "assignments:document", item.document_id)


@login_required
@require_POST
def report_accept(request: HttpRequest, pk: int) -> HttpResponse:
    return _report_decide(request, pk, "accept")


@login_required
@require_POST
def report_return(request: HttpRequest, pk: int) -> HttpResponse:
    return _report_decide(request, pk, "return")


def _report_decide(request: HttpRequest, pk: int, verdict: str) -> HttpResponse:
    actor = require_actor(request)
    item = selectors.report_get_for_user(actor, pk)
    form = NoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    if verdict == "accept":
        _act(
            request,
            lambda: services.report_accept(actor=actor, report=item, note=note),
            _("Report accepted."),
        )
    else:
        _act(
            request,
            lambda: services.report_return(actor=actor, report=item, note=note),
            _("Report returned."),
        )
    return _back(request, "assignments:document", item.assignment.document_id)


@login_required
@require_POST
def extension_ask(request: HttpRequest, pk: int) -> HttpResponse:
    actor = require_actor(request)
    item: Assignment = selectors.assignment_get_for_user(actor, pk)
    form = ExtensionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the new date and the reason."))
    else:
        _act(
            request,
            lambda: services.extension_request(
                actor=actor,
                assignment=item,
                new_date=form.cleaned_data["new_date"],
                reason=form.cleaned_data["reason"],
            ),
            _("Extension asked."),
        )
    return _back(request, "assignments:document", item.document_id)


@login_required
@require_POST
def extension_decide(request: HttpRequest, pk: int) -> HttpResponse:
    actor = require_actor(request)
    extension = selectors.extension_get_for_user(actor, pk)
    form = DecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Grant or refuse."))
    else:
        _act(
            request,
            lambda: services.extension_decide(
                actor=actor,
                extension=extension,
                grant=form.cleaned_data["grant"],
                note=form.cleaned_data["note"],
            ),
            _("Decision saved."),
        )
    return _back(request, "assignments:document", extension.assignment.document_id)
