"""Staff pages of publication: a document's publication page and the registrar's list.

Thin: the document through ``document_get_for_user`` (404 for what the user may
not see), one service per action, refusals back as messages on the page.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bering.core.errors import DomainError, NotFound, ValidationFailed
from bering.documents.models import Document
from bering.documents.selectors import document_get_for_user
from bering.documents.services import Upload
from bering.orgs.actor import Actor
from bering.orgs.current import require_actor
from bering.publication import permissions, selectors, services
from bering.publication.forms import MarkForm, UnpublishForm
from bering.publication.models import Publication


@login_required
def publication_list(request: HttpRequest) -> HttpResponse:
    actor = require_actor(request)
    if not permissions.sees_publication_menu(actor.employee):
        raise Http404
    organization_id = actor.organization_id
    page = Paginator(selectors.publications_for_organization(organization_id), 20).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "publication/list.html",
        {"candidates": selectors.candidates(organization_id)[:50], "page": page},
    )


@login_required
def document_page(request: HttpRequest, pk: int) -> HttpResponse:
    actor = require_actor(request)
    document = document_get_for_user(actor, pk)
    facts = selectors.facts_for(document)
    active = selectors.publication_active(document)
    mark = facts.mark
    return render(
        request,
        "publication/document.html",
        {
            "document": document,
            "facts": facts,
            "refusals": permissions.refusals(document, facts),
            "active": active,
            "history": selectors.publications_of(document),
            "actions": permissions.actions_for(
                actor.employee, document, facts, published=active is not None
            ),
            "form": MarkForm(
                initial={
                    "to_publish": mark.to_publish if mark else False,
                    "personal_data": mark.personal_data if mark else False,
                }
            ),
        },
    )


def _act(request: HttpRequest, pk: int, do: Callable[[Actor, Document], str]) -> HttpResponse:
    actor = require_actor(request)
    document = document_get_for_user(actor, pk)
    try:
        messages.success(request, do(actor, document))
    except NotFound:
        raise
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("publication:document", pk=pk)


@login_required
@require_POST
def mark(request: HttpRequest, pk: int) -> HttpResponse:
    def do(actor: Actor, document: Document) -> str:
        form = MarkForm(request.POST, request.FILES)
        form.is_valid()
        data = form.cleaned_data
        upload = request.FILES.get("redacted")
        services.publication_mark(
            actor=actor,
            document=document,
            marks=services.Marks(
                to_publish=bool(data.get("to_publish")),
                personal_data=bool(data.get("personal_data")),
                redacted=Upload(name=upload.name or "file.pdf", stream=upload)
                if upload is not None
                else None,
            ),
        )
        return _("Marks saved.")

    return _act(request, pk, do)


@login_required
@require_POST
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    def do(actor: Actor, document: Document) -> str:
        services.publication_publish(actor=actor, document=document)
        return _("Published on the public site.")

    return _act(request, pk, do)


@login_required
@require_POST
def unpublish(request: HttpRequest, pk: int) -> HttpResponse:
    def do(actor: Actor, document: Document) -> str:
        form = UnpublishForm(request.POST)
        if not form.is_valid():
            raise ValidationFailed(_("Give the reason for unpublishing."), field="reason")
        publication = Publication.objects.filter(
            pk=form.cleaned_data["publication"], document=document
        ).first()
        if publication is None:
            raise NotFound(_("Publication not found."))
        services.publication_unpublish(
            actor=actor, publication=publication, reason=form.cleaned_data["reason"]
        )
        return _("Taken off the public site.")

    return _act(request, pk, do)
