"""Reads of publication: the facts the rules need, the staff lists, the public lists."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet
from django.db.models.expressions import RawSQL

from bering.documents.models import Document, DocumentFile
from bering.publication.models import Publication, PublicationMark, PublicationRule
from bering.publication.permissions import Facts
from bering.search import selectors as search_selectors
from bering.search import text as search_text
from bering.signatures.models import Signature

KIND = "act"
"""The kind of the search index's entries of published acts."""


def main_file(document: Document) -> DocumentFile | None:
    """The current version of the main file (slot 1)."""
    return (
        DocumentFile.objects.select_related("stored")
        .filter(document=document, slot=1)
        .order_by("-version")
        .first()
    )


def main_signature(document: Document) -> Signature | None:
    """The newest signature over the current version of the main file."""
    item = main_file(document)
    if item is None:
        return None
    return (
        Signature.objects.select_related("signer__user", "on_behalf_of__user", "document_file")
        .filter(document_file=item)
        .order_by("-signed_at", "-pk")
        .first()
    )


def facts_for(document: Document) -> Facts:
    return Facts(
        rule=PublicationRule.objects.filter(doc_type_id=document.doc_type_id).first(),
        mark=PublicationMark.objects.filter(document=document).first(),
        signed=main_signature(document) is not None,
    )


def publication_active(document: Document) -> Publication | None:
    return Publication.objects.filter(document=document, unpublished_at__isnull=True).first()


def publications_of(document: Document) -> list[Publication]:
    return list(Publication.objects.filter(document=document).order_by("-published_at", "-pk"))


def _active_exists() -> Exists:
    return Exists(Publication.objects.filter(document=OuterRef("pk"), unpublished_at__isnull=True))


def _marked() -> QuerySet[Document]:
    """Registered, not restricted, of a published type and marked «to be published»."""
    return (
        Document.objects.filter(
            status=Document.Status.REGISTERED,
            publication_mark__to_publish=True,
            doc_type__publication_rule__isnull=False,
        )
        .exclude(access=Document.Access.RESTRICTED)
        .exclude(publication_mark__personal_data=True, publication_mark__redacted__isnull=True)
    )


def candidates(organization_id: int) -> QuerySet[Document]:
    """The organization's marked registered acts not on the site now (signed or not)."""
    return (
        _marked()
        .filter(organization_id=organization_id)
        .exclude(_active_exists())
        .select_related("doc_type", "signer__user")
        .order_by("-reg_date", "-pk")
    )


def due_for_auto() -> QuerySet[Document]:
    """Acts of the types published automatically that were never published."""
    return (
        _marked()
        .filter(doc_type__publication_rule__mode=PublicationRule.Mode.AUTO)
        .exclude(Exists(Publication.objects.filter(document=OuterRef("pk"))))
        .order_by("pk")
    )


def publications_for_organization(organization_id: int) -> QuerySet[Publication]:
    return Publication.objects.filter(organization_id=organization_id).order_by(
        "-published_at", "-pk"
    )


# --- the public side -------------------------------------------------------------------


@dataclass(frozen=True)
class ActFilter:
    organization_id: int | None = None
    kind_code: str = ""
    year: int | None = None
    text: str = ""


def acts_public(flt: ActFilter) -> QuerySet[Publication]:
    """Acts on the site now, newest first, narrowed by the filter and the words."""
    acts = Publication.objects.filter(unpublished_at__isnull=True)
    if flt.organization_id is not None:
        acts = acts.filter(organization_id=flt.organization_id)
    if flt.kind_code:
        acts = acts.filter(kind_code=flt.kind_code)
    if flt.year is not None:
        acts = acts.filter(date__year=flt.year)
    if flt.text.strip():
        sql, params = search_selectors.match_sql(KIND, search_text.query_terms(flt.text))
        acts = acts.filter(pk__in=RawSQL(sql, params))  # noqa: S611 - tokens are letters, digits
    return acts.order_by("-date", "-published_at", "-pk")


def act_get_public(pk: int) -> Publication | None:
    """Any publication, on the site now or taken off it (its page says which)."""
    return Publication.objects.select_related("pdf", "organization").filter(pk=pk).first()


def public_organizations() -> list[tuple[int, str]]:
    rows = (
        Publication.objects.filter(unpublished_at__isnull=True)
        .values_list("organization_id", "organization_name")
        .distinct()
        .order_by("organization_name")
    )
    return list(dict(rows).items())


def public_kinds() -> list[tuple[str, str]]:
    rows = (
        Publication.objects.filter(unpublished_at__isnull=True)
        .values_list("kind_code", "kind")
        .distinct()
        .order_by("kind")
    )
    return list(dict(rows).items())


def public_years() -> list[int]:
    dates = Publication.objects.filter(unpublished_at__isnull=True).dates("date", "year")
    return sorted({d.year for d in dates}, reverse=True)


def last_change() -> dt.datetime | None:
    """When anything public last changed (for the ETag of the pages and the feeds)."""
    return Publication.objects.order_by("-updated_at").values_list("updated_at", flat=True).first()
