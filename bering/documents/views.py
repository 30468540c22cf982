"""Staff pages of documents. Thin: parse, get through the getter, call a service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bering.audit.selectors import history_for
from bering.core.errors import DomainError, Forbidden, NotFound
from bering.core.paging import bounded_count, keyset_page, wants_rows
from bering.documents import permissions, selectors, services
from bering.documents.forms import (
    DraftForm,
    FileForm,
    FilterForm,
    IncomingForm,
    RegisterForm,
    SearchForm,
)
from bering.files.http import original, ranged_response, reading_pdf
from bering.files.processing import PAGE_WIDTH
from bering.files.selectors import preview_missing, reading_pdf_missing, reading_pdf_name
from bering.files.services import page_image_open, preview_open
from bering.orgs.current import require_actor

PAGE_SIZE = 15
"""Rows of the list per page: «ещё» with 15 cards of usual length stays under 10 KB."""
SEARCH_PAGE_SIZE = 8
MAX_SEARCH_PAGE = 10_000
"""The API's limit too: past it an offset would overflow the database's integer."""
"""Hits per page: each carries a snippet, and «ещё» must stay under 10 KB on a slow link."""
ZOOMS = ("fit", "50", "100", "150", "200")


def _form_error(form: object, exc: DomainError) -> None:
    field = exc.field if exc.field in getattr(form, "fields", {}) else None
    form.add_error(field, str(exc.message))  # type: ignore[attr-defined]


@login_required
def document_list(request: HttpRequest) -> HttpResponse:
    """The list newest first, a page of rows read by keyset; «ещё» brings the rows after the last
    one (``cursor``) as a fragment, without counting again (decision 0021)."""
    actor = require_actor(request)
    form = FilterForm(request.GET or None)
    documents = selectors.document_list(actor, form.to_filter())
    cursor = request.GET.get("cursor")
    page = keyset_page(documents, key=selectors.LIST_KEY, cursor=cursor, size=PAGE_SIZE)
    query = request.GET.copy()
    query.pop("cursor", None)
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "can_register": permissions.can_register(actor.employee),
    }
    if cursor is not None and wants_rows(request):
        return render(request, "documents/_rows.html", context)
    context["counted"] = bounded_count(documents)
    if request.htmx and request.htmx.target == "results":  # type: ignore[attr-defined]
        return render(request, "documents/_results.html", context)
    return render(request, "documents/list.html", context)


@login_required
def document_search(request: HttpRequest) -> HttpResponse:
    """One box over cards and files' text, with filters; «ещё» brings the next page."""
    actor = require_actor(request)
    form = SearchForm(request.GET or None, organization_id=actor.organization_id)
    query = form.to_query() if "q" in request.GET else None
    try:
        number = min(max(1, int(request.GET.get("page", "1"))), MAX_SEARCH_PAGE)
    except ValueError:
        number = 1
    result = (
        selectors.document_search(actor, query, page=number, per_page=SEARCH_PAGE_SIZE)
        if query
        else None
    )
    params = request.GET.copy()
    params.pop("page", None)
    context = {"form": form, "result": result, "query": params.urlencode()}
    if result is not None and wants_rows(request):
        return render(request, "documents/_search_rows.html", context)
    return render(request, "documents/search.html", context)


@login_required
def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = require_actor(request)
    document = selectors.document_get_for_user(actor, pk)
    files = selectors.document_files(document)
    current = selectors.current_of(files)
    main = next((f for f in current if f.role == "main"), None)
    context = {
        "document": document,
        "files": files,
        "current_files": current,
        "main": main,
        "actions": permissions.actions_for(actor.employee, document),
        "register_form": RegisterForm(document=document),
        "file_form": FileForm(),
        "history": history_for(object_type="document", object_id=document.pk),
    }
    return render(request, "documents/detail.html", context)


@login_required
def register_incoming(request: HttpRequest) -> HttpResponse:
    actor = require_actor(request)
    if not permissions.can_register(actor.employee):
        raise Forbidden(_("Only a registrar may register documents."))
    form = IncomingForm(
        request.POST or None, request.FILES or None, organization_id=actor.organization_id
    )
    duplicate = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        card = services.Card(
            doc_type=data["doc_type"],
            title=data["title"],
            access=data["access"],
            addressee=data["addressee"],
            pages=data["pages"],
            attachments_note=data["attachments_note"],
            correspondent=data["correspondent"],
            correspondent_number=data["correspondent_number"],
            correspondent_date=data["correspondent_date"],
            executor=data["executor"],
            allowed=list(data["allowed"]),
        )
        uploads = [
            services.Upload(name=f.name or "scan", stream=f) for f in request.FILES.getlist("scan")
        ]
        try:
            document = services.document_register_incoming(
                actor=actor,
                card=card,
                journal=data["journal"],
                uploads=uploads,
                confirm_duplicate=data["confirm_duplicate"],
            )
        except services.PossibleDuplicate as exc:
            duplicate = exc.duplicates
            _form_error(form, exc)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(
                request, _("Registered: № %(number)s") % {"number": document.reg_number}
            )
            return redirect("documents:detail", pk=document.pk)
    status = 400 if request.method == "POST" and not form.picking else 200
    return render(
        request,
        "documents/register_incoming.html",
        {"form": form, "duplicates": duplicate},
        status=status,
    )


@login_required
def draft_create(request: HttpRequest) -> HttpResponse:
    actor = require_actor(request)
    form = DraftForm(
        request.POST or None, request.FILES or None, organization_id=actor.organization_id
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        card = services.Card(
            doc_type=data["doc_type"],
            title=data["title"],
            access=data["access"],
            addressee=data["addressee"],
            signer=data["signer"],
            allowed=list(data["allowed"]),
        )
        uploads = [
            services.Upload(name=f.name or "document", stream=f)
            for f in request.FILES.getlist("main_file")
        ]
        try:
            document = services.document_create(
                actor=actor, card=card, flow=data["doc_type"].flow, uploads=uploads
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Draft created."))
            return redirect("documents:detail", pk=document.pk)
    status = 400 if request.method == "POST" and not form.picking else 200
    return render(request, "documents/draft_create.html", {"form": form}, status=status)


@login_required
@require_POST
def document_register(request: HttpRequest, pk: int) -> HttpResponse:
    actor = require_actor(request)
    document = selectors.document_get_for_user(actor, pk)
    form = RegisterForm(request.POST, document=document)
    if not form.is_valid():
        messages.error(request, _("Choose a journal."))
        return redirect("documents:detail", pk=pk)
    document = services.document_register(
        actor=actor, document=document, journal=form.cleaned_data["journal"]
    )
    messages.success(request, _("Registered: № %(number)s") % {"number": document.reg_number})
    return redirect("documents:detail", pk=pk)


@login_required
@require_POST
def file_add(request: HttpRequest, pk: int) -> HttpResponse:
    actor = require_actor(request)
    document = selectors.document_get_for_user(actor, pk, for_write=True)
    form = FileForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file to upload."))
        return redirect("documents:detail", pk=pk)
    upload = form.cleaned_data["file"]
    try:
        services.document_file_add(
            actor=actor,
            document=document,
            upload=services.Upload(name=upload.name or "file", stream=upload),
            replaces_slot=form.cleaned_data["replaces_slot"],
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("documents:detail", pk=pk)
    messages.success(request, _("File added."))
    return redirect("documents:detail", pk=pk)


@login_required
def file_download(request: HttpRequest, pk: int, file_id: int) -> HttpResponseBase:
    actor = require_actor(request)
    stored = selectors.document_file_get(actor, pk, file_id).stored
    return ranged_response(
        request,
        original(stored),
        headers={"Content-Disposition": content_disposition_header(True, stored.original_name)},
        cache_control="private, no-store",
    )


@login_required
def file_preview(request: HttpRequest, pk: int, file_id: int) -> HttpResponseBase:
    actor = require_actor(request)
    item = selectors.document_file_get(actor, pk, file_id)
    stream = preview_open(item.stored)
    if stream is None:
        raise preview_missing(item.stored)
    response = FileResponse(stream, content_type="image/png")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response


def _positive(value: str | None, default: int = 1) -> int:
    return int(value) if value and value.isdigit() and 0 < int(value) < 100_000 else default


@login_required
def file_text(request: HttpRequest, pk: int, file_id: int) -> HttpResponse:
    """The text of a file, one part (under 20 KB of page) at a time: first on a slow link."""
    actor = require_actor(request)
    item = selectors.document_file_get(actor, pk, file_id)
    parts = item.stored.text_parts
    number = min(_positive(request.GET.get("part")), max(len(parts), 1))
    context = {
        "document": item.document,
        "item": item,
        "part": parts[number - 1] if parts else "",
        "number": number,
        "count": len(parts),
    }
    return render(request, "documents/file_text.html", context)


@login_required
def file_page(request: HttpRequest, pk: int, file_id: int, number: int) -> HttpResponse:
    """One page image full screen, with zoom levels as plain links (no script needed)."""
    actor = require_actor(request)
    item = selectors.document_file_get(actor, pk, file_id)
    count = item.stored.page_image_count or (1 if item.stored.preview_status == "done" else 0)
    if not 1 <= number <= count:
        raise NotFound(_("There is no image of this page."), code="no_page")
    asked = request.GET.get("zoom", "fit")
    zoom = asked if asked in ZOOMS else "fit"
    context = {
        "document": item.document,
        "item": item,
        "number": number,
        "count": count,
        "zoom": zoom,
        "zooms": ZOOMS,
        "width": PAGE_WIDTH * int(zoom) // 100 if zoom != "fit" else None,
    }
    return render(request, "documents/file_page.html", context)


@login_required
def file_page_image(request: HttpRequest, pk: int, file_id: int, number: int) -> HttpResponseBase:
    actor = require_actor(request)
    item = selectors.document_file_get(actor, pk, file_id)
    stream = page_image_open(item.stored, number)
    if stream is None:
        raise preview_missing(item.stored)
    response = FileResponse(stream, content_type="image/png")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
def file_rendition(request: HttpRequest, pk: int, file_id: int) -> HttpResponseBase:
    """The PDF to read in the browser: an office file's copy, or a PDF original itself.

    The copy is only for reading; the original is what is signed and downloaded."""
    actor = require_actor(request)
    stored = selectors.document_file_get(actor, pk, file_id).stored
    body = reading_pdf(stored)
    if body is None:
        raise reading_pdf_missing(stored)
    name = reading_pdf_name(stored)
    return ranged_response(
        request,
        body,
        headers={"Content-Disposition": content_disposition_header(False, name) or "inline"},
        cache_control="private, no-store",
    )
