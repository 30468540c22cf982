"""The public pages of published acts: /acts/ (decision 0018).

Anyone reads them, signed in or not, and every visitor gets the same bytes: the
pages are rendered without the request (no session, no cookie, no CSRF token, no
per-person header), so they are cacheable by any proxy for five minutes
(``Cache-Control: public, max-age=300``) and answered with 304 when the visitor's
``ETag`` still matches. No JavaScript, no ``noindex``: these pages are meant to be
found.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from bering.files.services import file_open
from bering.publication import selectors
from bering.publication.models import Publication

PUBLIC_CACHE = "public, max-age=300"
PER_PAGE = 20


def _etag_matches(request: HttpRequest, etag: str) -> bool:
    sent = request.headers.get("If-None-Match", "")
    tags = {tag.strip().removeprefix("W/") for tag in sent.split(",")}
    return etag in tags or "*" in tags


def public_response(request: HttpRequest, body: bytes, content_type: str) -> HttpResponse:
    """The same bytes for everyone, with an ETag of their digest; 304 when it matches."""
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    response: HttpResponse
    if _etag_matches(request, etag):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(body, content_type=content_type)
    response["ETag"] = etag
    response["Cache-Control"] = PUBLIC_CACHE
    return response


def _page(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    context = {"region_name": settings.BERING_REGION_NAME, **context}
    body = render_to_string(template, context).encode()
    return public_response(request, body, "text/html; charset=utf-8")


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _date(publication: Publication, moment: Any) -> str:
    tz = publication.organization.tz
    return str(moment.astimezone(tz).strftime("%d.%m.%Y")) if moment else ""


def acts(request: HttpRequest) -> HttpResponse:
    flt = selectors.ActFilter(
        organization_id=_int(request.GET.get("organization")),
        kind_code=request.GET.get("kind", "")[:40],
        year=_int(request.GET.get("year")),
        text=request.GET.get("q", "")[:200],
    )
    page = Paginator(selectors.acts_public(flt).select_related("organization"), PER_PAGE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return _page(
        request,
        "portal/acts/list.html",
        {
            "page": page,
            "filter": flt,
            "query": query.urlencode(),
            "organizations": selectors.public_organizations(),
            "kinds": selectors.public_kinds(),
            "years": selectors.public_years(),
            "feed": reverse("acts:feed-organization", args=[flt.organization_id])
            if flt.organization_id
            else reverse("acts:feed"),
        },
    )


def act(request: HttpRequest, pk: int) -> HttpResponse:
    publication = selectors.act_get_public(pk)
    if publication is None:
        raise Http404(_("Act not found."))
    history = [
        {
            "from": _date(p, p.published_at),
            "to": _date(p, p.unpublished_at),
            "reason": p.unpublish_reason,
            "pk": p.pk,
            "is_this": p.pk == publication.pk,
        }
        for p in selectors.publications_of(publication.document)
    ]
    return _page(
        request,
        "portal/acts/act.html",
        {
            "act": publication,
            "published": _date(publication, publication.published_at),
            "unpublished": _date(publication, publication.unpublished_at),
            "signed": _date(publication, publication.signed_at),
            "history": history if len(history) > 1 or publication.unpublished_at else [],
        },
    )


def act_pdf(request: HttpRequest, pk: int) -> HttpResponse | FileResponse:
    publication = selectors.act_get_public(pk)
    if publication is None or publication.unpublished_at is not None:
        raise Http404(_("Act not found."))
    etag = f'"{publication.pdf.sha256[:32]}"'
    if _etag_matches(request, etag):
        not_modified = HttpResponseNotModified()
        not_modified["ETag"] = etag
        not_modified["Cache-Control"] = PUBLIC_CACHE
        return not_modified
    response = FileResponse(
        file_open(publication.pdf),
        as_attachment=True,
        filename=f"{publication.number or publication.pk}.pdf",
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["ETag"] = etag
    response["Cache-Control"] = PUBLIC_CACHE
    return response


class ActsFeed(Feed):  # type: ignore[type-arg]
    """Atom: the acts published lately, in the region or by one organization."""

    feed_type = Atom1Feed

    def get_object(self, request: HttpRequest, organization_id: int | None = None) -> int | None:
        return organization_id

    def title(self, obj: int | None) -> str:
        names = dict(selectors.public_organizations())
        if obj is not None:
            return _("Acts published by %(org)s") % {"org": names.get(obj, "")}
        return _("Acts published in %(region)s") % {"region": settings.BERING_REGION_NAME}

    def link(self, obj: int | None) -> str:
        url = reverse("acts:list")
        return f"{url}?organization={obj}" if obj is not None else url

    def subtitle(self, obj: int | None) -> str:
        return _("Official publication of signed acts")

    def items(self, obj: int | None) -> list[Publication]:
        flt = selectors.ActFilter(organization_id=obj)
        return list(selectors.acts_public(flt).order_by("-published_at", "-pk")[:50])

    def item_title(self, item: Publication) -> str:
        return f"{item.kind} № {item.number} от {item.date:%d.%m.%Y} «{item.title}»"

    def item_description(self, item: Publication) -> str:
        return f"{item.organization_name}. {_('Signed by')}: {item.signed_by}."

    def item_link(self, item: Publication) -> str:
        return reverse("acts:act", args=[item.pk])

    def item_pubdate(self, item: Publication) -> Any:
        return item.published_at

    def item_updateddate(self, item: Publication) -> Any:
        return item.updated_at

    def item_author_name(self, item: Publication) -> str:
        return item.organization_name


_feed = ActsFeed()


def feed(request: HttpRequest, organization_id: int | None = None) -> HttpResponse:
    response = _feed(request, organization_id=organization_id)
    return public_response(request, response.content, response["Content-Type"])
