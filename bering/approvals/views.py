"""Staff pages of approval: the inbox, the decision and signing screen, the route, the sheet.

Thin: parse, get through the getter, call one service, render.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from bering.approvals import permissions, selectors, services
from bering.approvals import sheet as approval_sheet
from bering.approvals.forms import AddApproversForm, DecideForm, SignForm, StartForm
from bering.approvals.models import Visa
from bering.core.errors import DomainError, NotFound, ValidationFailed
from bering.core.paging import page_of, wants_rows
from bering.documents import permissions as document_permissions
from bering.documents.models import Document
from bering.documents.selectors import current_files, document_get_for_user, journals_for
from bering.documents.services import Upload
from bering.files.services import file_open
from bering.orgs.actor import Actor
from bering.orgs.current import require_actor
from bering.orgs.widgets import PICK
from bering.signatures.services import MAX_CMS_BYTES

# What the approver is told: the outcome that was recorded, not just "agreed".
DECIDED_MESSAGES = {
    Visa.Status.AGREED: _lazy("Agreed."),
    Visa.Status.REMARKS: _lazy("Agreed with remarks."),
    Visa.Status.REJECTED: _lazy("Not agreed: the draft is returned to its author."),
}


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    actor = require_actor(request)
    page = page_of(request, selectors.inbox(actor))
    if wants_rows(request):
        return render(request, "approvals/_inbox_rows.html", {"rows": page})
    context = {"rows": page, "may_edit_routes": selectors.may_edit_routes(actor)}
    return render(request, "approvals/inbox.html", context)


def _visa_context(actor: Actor, visa: Visa) -> dict[str, object]:
    document = visa.run.document
    files = selectors.run_files(visa.run)
    main = next((f for f in files if f.role == "main"), files[0] if files else None)
    previous_run, changes = selectors.visa_changes(visa)
    return {
        "visa": visa,
        "row": selectors.visa_row(visa),
        "document": document,
        "files": files,
        "main": main,
        "previous_run": previous_run,
        "changes": changes,
        "actions": permissions.visa_actions_for(actor.employee, visa),
        "decide_form": DecideForm(),
        "sign_form": SignForm(),
        "earlier": [
            r
            for s in selectors.route_of(document).stages_of(visa.run_id)
            for r in s.visas
            if r.visa.is_decided and r.visa.pk != visa.pk
        ],
    }


@login_required
def visa_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The decision screen: preview, due time, one tap to agree; remarks and refusal below."""
    actor = require_actor(request)
    visa = selectors.visa_get_for_user(actor, pk)
    if request.method == "POST":
        form = DecideForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            upload = data["remark_file"]
            try:
                services.visa_decide(
                    actor=actor,
                    visa=visa,
                    outcome=data["outcome"],
                    comment=data["comment"],
                    remark_upload=Upload(name=upload.name or "remarks", stream=upload)
                    if upload
                    else None,
                )
            except DomainError as exc:
                messages.error(request, str(exc.message))
            else:
                messages.success(request, str(DECIDED_MESSAGES[data["outcome"]]))
                return redirect("approvals:inbox")
        else:
            messages.error(request, _("Choose a decision."))
        return redirect("approvals:visa", pk=pk)
    return render(request, "approvals/visa.html", _visa_context(actor, visa))


@login_required
@require_POST
def visa_sign(request: HttpRequest, pk: int) -> HttpResponse:
    actor = require_actor(request)
    visa = selectors.visa_get_for_user(actor, pk)
    form = SignForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter your password to sign."))
        return redirect("approvals:visa", pk=pk)
    try:
        services.approval_sign(actor=actor, visa=visa, password=form.cleaned_data["password"])
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("approvals:visa", pk=pk)
    messages.success(request, _("Signed. The registrar can now register the document."))
    return redirect("approvals:document", pk=visa.run.document_id)


@login_required
@require_POST
def visa_sign_qualified(request: HttpRequest, pk: int) -> HttpResponse:
    """A qualified signature: one detached signature file (.sig, .p7s) per file of the round."""
    actor = require_actor(request)
    visa = selectors.visa_get_for_user(actor, pk)
    try:
        signatures = {
            file_id: _read_signature_upload(request, file_id) for file_id in visa.run.file_ids
        }
        services.approval_sign_qualified(actor=actor, visa=visa, signatures=signatures)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("approvals:visa", pk=pk)
    messages.success(
        request,
        _("Signed with a qualified signature. The registrar can now register the document."),
    )
    return redirect("approvals:document", pk=visa.run.document_id)


def _read_signature_upload(request: HttpRequest, file_id: int) -> bytes:
    """The uploaded detached signature of one file, or b"" (the service names what is missing)."""
    upload = request.FILES.get(f"signature-{file_id}")
    if upload is None:
        return b""
    if upload.size is not None and upload.size > MAX_CMS_BYTES:
        raise ValidationFailed(_("A signature file is too large to be a detached signature."))
    data: bytes = upload.read()
    return data


@login_required
def remark_file(request: HttpRequest, pk: int) -> HttpResponseBase:
    actor = require_actor(request)
    visa = selectors.visa_get_for_user(actor, pk)
    if visa.remark_file is None:
        raise NotFound(_("File not found."))
    response = FileResponse(
        file_open(visa.remark_file),
        as_attachment=True,
        filename=visa.remark_file.original_name,
        content_type=visa.remark_file.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _start_context(
    actor: Actor, document: Document, template_id: int | None, data: object = None
) -> dict[str, object]:
    """The start form: the first round from a route template, a next round from the
    previous round's route (same stages and people) unless a template is chosen."""
    templates = list(selectors.route_templates_for(actor, doc_type_id=document.doc_type_id))
    template = next((t for t in templates if t.pk == template_id), None)
    previous = selectors.previous_plan(document)
    if template is None and template_id is None and previous is None and templates:
        template = templates[0]
    if template is None and previous is not None:
        from_previous, plan = True, previous
    else:
        from_previous, plan = False, selectors.route_plan(template, document)
    choices = selectors.approvers_choices(document)
    people = {p.pk: p for p in choices}
    refusers = set(selectors.previous_refusers(document))
    return {
        "add_form": AddApproversForm(
            data,
            people=choices.exclude(pk=document.signer_id) if document.signer_id else choices,
        ),
        "templates": templates,
        "template": template,
        "from_previous": from_previous,
        # Each member with whether they refused in the last round (then a reason is asked).
        "plan": [
            (s, [(people[pk], pk in refusers) for pk in s.approver_ids if pk in people])
            for s in plan
        ],
        "refusers": bool(refusers),
        "signing_without_approval": selectors.signing_without_approval(document),
        "normative_days": selectors.normative_days(document),
    }


@login_required
def document_route(request: HttpRequest, pk: int) -> HttpResponse:
    """The author's view of the route: who has it now, since when, how late."""
    return _route_page(request, require_actor(request), pk)


def _route_page(request: HttpRequest, actor: Actor, pk: int, picked: object = None) -> HttpResponse:
    """The route page; ``picked`` is the start form as posted by its «Найти» button."""
    route = selectors.document_route(actor, pk)
    document = route.document
    context: dict[str, object] = {
        "route": route,
        "document": document,
        "can_start": permissions.can_start(actor.employee, document),
        "can_recall": permissions.can_recall(actor.employee, document),
        "can_upload": document_permissions.can_edit(actor.employee, document)
        and not document_permissions.files_frozen(document),
        "can_register": permissions.can_register_signed(actor.employee, document),
    }
    if context["can_start"]:
        raw = request.GET.get("template", "")
        context.update(_start_context(actor, document, int(raw) if raw.isdigit() else None, picked))
    if context["can_register"]:
        context["journals"] = journals_for(actor, flow=document.flow)
    if context["can_upload"]:
        context["current_files"] = current_files(document)
    return render(request, "approvals/document.html", context)


@login_required
@require_POST
def approval_start(request: HttpRequest, pk: int) -> HttpResponse:
    actor = require_actor(request)
    document = document_get_for_user(actor, pk)
    if PICK in request.POST:  # «Найти» in the approvers picker: search, start nothing
        return _route_page(request, actor, pk, request.POST)
    people = list(selectors.approvers_choices(document))
    form = StartForm(request.POST, people=people)
    if not form.is_valid():
        messages.error(request, _("Choose approvers of your organization."))
        return redirect("approvals:document", pk=pk)
    data = form.cleaned_data
    template = selectors.route_template_get(actor, data["template"]) if data["template"] else None
    if template is not None:
        plan = selectors.route_plan(template, document)
    elif data["previous"]:
        plan = selectors.previous_plan(document) or []
    else:
        plan = []
    listed = {p for s in plan for p in s.approver_ids}
    plan = selectors.plan_edit(plan, remove=listed - set(data["keep"]), add=data["add"])
    if data["direct"]:
        plan = []  # the explicit choice: the signer only
    try:
        services.approval_start(
            actor=actor,
            document=document,
            plan=plan,
            template_id=template.pk if template else None,
            removal_reason=data["removal_reason"],
            direct_to_signing=data["direct"],
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Sent for approval."))
    return redirect("approvals:document", pk=pk)


@login_required
@require_POST
def approval_recall(request: HttpRequest, pk: int) -> HttpResponse:
    actor = require_actor(request)
    document = document_get_for_user(actor, pk)
    try:
        services.approval_recall(actor=actor, document=document)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Recalled from approval: the draft can be changed again."))
    return redirect("approvals:document", pk=pk)


@login_required
def sheet(request: HttpRequest, pk: int) -> HttpResponse:
    """Лист согласования: every visa, date, remark and the signature."""
    actor = require_actor(request)
    return render(request, "approvals/sheet.html", _sheet_context(actor, pk))


def _sheet_context(actor: Actor, pk: int) -> dict[str, object]:
    return approval_sheet.sheet_context(selectors.document_route(actor, pk))


@login_required
def sheet_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    actor = require_actor(request)
    pdf = approval_sheet.sheet_pdf(selectors.document_route(actor, pk))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="approval-sheet-{pk}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
