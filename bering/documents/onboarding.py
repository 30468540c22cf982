"""Bringing a new organization into document work: the organization and its people
(``orgs``), then the registration journals it needs (this app), in one transaction.

``orgs`` sits below ``documents`` and knows nothing of journals; whatever connects
an organization for real work (the import page and command, the demo region)
calls ``organization_onboard`` here. See docs/decisions/0004.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bering.audit.services import record
from bering.core.db import atomic_with_retry
from bering.documents.models import DocumentType, Journal
from bering.orgs.actor import Actor
from bering.orgs.models import Organization
from bering.orgs.services import organization_connect


@dataclass(frozen=True)
class JournalSpec:
    """A registration journal every organization gets when it connects."""

    name: str
    flow: str
    template: str


DEFAULT_JOURNALS = (
    JournalSpec("Входящие документы", "incoming", "{seq}-вх"),
    JournalSpec("Исходящие документы", "outgoing", "{index}-{seq}"),
    JournalSpec("Внутренние документы", "internal", "{seq}/{yy}"),
)


def journals_default_create(*, actor: Actor | None, organization: Organization) -> list[Journal]:
    """The three default journals (index = the organization's code), each linked to
    the active document types of its flow, each with its audit event. Must run
    inside the caller's transaction."""
    journals = []
    for spec in DEFAULT_JOURNALS:
        journal = Journal.objects.create(
            organization=organization,
            name=spec.name,
            flow=spec.flow,
            index=organization.code,
            template=spec.template,
        )
        journal.document_types.set(DocumentType.objects.filter(flow=spec.flow, is_active=True))
        record(
            actor=actor,
            verb="journal.created",
            object_type="journal",
            object_id=journal.pk,
            organization_id=organization.pk,
            data={"name": journal.name, "template": journal.template, "index": journal.index},
        )
        journals.append(journal)
    return journals


def organization_onboard(**connect: Any) -> Organization:
    """Connect an organization (``orgs.services.organization_connect``, same keyword
    arguments and checks) and create its default journals: all or nothing."""

    def work() -> Organization:
        organization = organization_connect(**connect)
        journals_default_create(actor=connect.get("actor"), organization=organization)
        return organization

    return atomic_with_retry(work)
