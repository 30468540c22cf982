"""Who may mark and publish an act: pure predicates over plain rows.

The document's author or a registrar of its organization sets the marks
«подлежит опубликованию» and «содержит персональные данные»; only a registrar of
the organization publishes and unpublishes (or the system, for the types
published automatically). Whether a document may be published at all is
``refusals``: the same list the page shows and the services check.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from bering.documents.models import Document
from bering.orgs.models import Employee
from bering.publication.models import PublicationMark, PublicationRule


def is_registrar_of(employee: Employee, document: Document) -> bool:
    return employee.is_registrar and employee.organization_id == document.organization_id


def can_mark(employee: Employee, document: Document) -> bool:
    """The author, or a registrar of the organization (not for restricted documents)."""
    if document.access == Document.Access.RESTRICTED:
        return False
    return document.author_id == employee.pk or is_registrar_of(employee, document)


def can_publish(employee: Employee, document: Document) -> bool:
    return is_registrar_of(employee, document)


def sees_publication_menu(employee: Employee) -> bool:
    """The staff list of candidates and published acts: registrars."""
    return employee.is_registrar


@dataclass(frozen=True)
class Facts:
    """What the rules need to know of a document besides its card."""

    rule: PublicationRule | None
    mark: PublicationMark | None
    signed: bool


def refusals(document: Document, facts: Facts) -> list[Promise]:
    """Why the document cannot be published now (empty: it is a candidate)."""
    found: list[Promise] = []
    if document.access == Document.Access.RESTRICTED:
        return [_("Restricted (DSP) documents are never published.")]
    if facts.rule is None:
        found.append(_("Documents of this type are not published."))
    if document.status != Document.Status.REGISTERED:
        found.append(_("The document is not registered."))
    if not facts.signed:
        found.append(_("The main file is not signed."))
    mark = facts.mark
    if mark is None or not mark.to_publish:
        found.append(_("The document is not marked «to be published»."))
    elif mark.personal_data and mark.redacted_id is None:
        found.append(_("The document holds personal data: attach a redacted PDF to publish it."))
    return found


@dataclass(frozen=True)
class PublicationActions:
    mark: bool
    publish: bool
    unpublish: bool


def actions_for(
    employee: Employee, document: Document, facts: Facts, *, published: bool
) -> PublicationActions:
    registrar = can_publish(employee, document)
    return PublicationActions(
        mark=can_mark(employee, document) and not published,
        publish=registrar and not published and not refusals(document, facts),
        unpublish=registrar and published,
    )
