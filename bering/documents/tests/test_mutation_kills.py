"""Tests that kill mutants the other tests let live (decision 0015): the journal a
number comes from, and who a restricted document shows to."""

from __future__ import annotations

import pytest
from django.utils import timezone

from bering.core.errors import ValidationFailed
from bering.documents import services
from bering.documents.models import Document, Flow
from bering.documents.permissions import (
    actions_for,
    can_edit,
    can_register,
    can_register_document,
    can_view,
    files_frozen,
    has_approval_route,
    is_sendable,
    takes_resolutions,
    visibility_q,
)
from bering.documents.tests.factories import DocumentFactory, JournalFactory
from conftest import Persona

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed(registrar: Persona, executor: Persona) -> Document:
    return DocumentFactory(
        organization=registrar.org,
        author=executor.employee,
        flow="outgoing",
        status=Document.Status.SIGNED,
    )


def test_a_journal_of_another_organization_gives_no_number(
    signed: Document, registrar: Persona, outsider: Persona
) -> None:
    foreign = JournalFactory(organization=outsider.org, flow="outgoing")
    with pytest.raises(ValidationFailed):
        services.document_register(actor=registrar.actor, document=signed, journal=foreign)
    signed.refresh_from_db()
    assert (signed.status, signed.journal_id, signed.reg_number) == (
        Document.Status.SIGNED,
        None,
        "",
    )
    assert foreign.counters.count() == 0


def test_an_inactive_or_other_flow_journal_gives_no_number(
    signed: Document, registrar: Persona
) -> None:
    closed = JournalFactory(organization=registrar.org, flow="outgoing", is_active=False)
    incoming = JournalFactory(organization=registrar.org, flow="incoming")
    for journal in (closed, incoming):
        with pytest.raises(ValidationFailed):
            services.document_register(actor=registrar.actor, document=signed, journal=journal)
    own = JournalFactory(organization=registrar.org, flow="outgoing", template="{index}/{seq}")
    services.document_register(actor=registrar.actor, document=signed, journal=own)
    signed.refresh_from_db()
    assert signed.journal == own and signed.reg_number == f"{own.index}/1"
    assert signed.registered_by == registrar.employee


def visible(person: Persona, document: Document) -> bool:
    return Document.objects.filter(visibility_q(person.employee), pk=document.pk).exists()


def test_a_restricted_document_shows_to_the_named_and_the_roles_only(
    registrar: Persona, executor: Persona, controller: Persona, head: Persona, outsider: Persona
) -> None:
    document = DocumentFactory(
        organization=registrar.org, author=executor.employee, access=Document.Access.RESTRICTED
    )
    assert not visible(controller, document) and not can_view(controller.employee, document)
    document.allowed.add(controller.employee)
    assert visible(controller, document) and can_view(controller.employee, document)
    assert visible(executor, document) and can_view(executor.employee, document)
    assert not visible(head, document) and not can_view(head.employee, document)
    for role in ("signer", "executor", "registered_by"):
        Document.objects.filter(pk=document.pk).update(**{role: head.employee})
        document.refresh_from_db()
        assert visible(head, document) and can_view(head.employee, document), role
        Document.objects.filter(pk=document.pk).update(**{role: None})
    document.allowed.add(outsider.employee)  # named across organizations: still nothing
    assert not visible(outsider, document) and not can_view(outsider.employee, document)


def test_edit_rules(registrar: Persona, executor: Persona, controller: Persona) -> None:
    document = DocumentFactory(organization=registrar.org, author=executor.employee)
    assert can_edit(executor.employee, document)  # the author's draft
    assert can_edit(registrar.employee, document)
    assert not can_edit(controller.employee, document)
    for status in (Document.Status.ON_APPROVAL, Document.Status.SIGNED):
        document.status = status
        assert not can_edit(executor.employee, document)
        assert can_edit(registrar.employee, document)
        assert files_frozen(document)
    document.status = Document.Status.REWORK
    assert can_edit(executor.employee, document) and not files_frozen(document)
    document.status = Document.Status.CANCELLED
    assert not can_edit(registrar.employee, document)


def test_a_registrar_of_another_organization_edits_nothing(
    registrar: Persona, executor: Persona, outsider: Persona
) -> None:
    document = DocumentFactory(organization=registrar.org, author=executor.employee)
    assert outsider.employee.is_registrar
    assert not can_edit(outsider.employee, document)


def test_files_freeze_once_signed_whatever_the_status(registrar: Persona) -> None:
    document = DocumentFactory(organization=registrar.org, status=Document.Status.DRAFT)
    assert not files_frozen(document)
    document.signed_at = timezone.now()
    assert files_frozen(document)


@pytest.mark.parametrize("status", list(Document.Status))
@pytest.mark.parametrize("flow", list(Flow))
def test_card_flags_follow_status_and_flow(
    registrar: Persona, executor: Persona, status: str, flow: str
) -> None:
    document = DocumentFactory(organization=registrar.org, author=executor.employee, flow=flow)
    document.status = status
    registered = status == Document.Status.REGISTERED
    for_registrar = actions_for(registrar.employee, document)
    assert for_registrar.register == (status in (Document.Status.DRAFT, Document.Status.SIGNED))
    assert for_registrar.resolutions == (registered and flow != Flow.OUTGOING)
    assert takes_resolutions(document) == for_registrar.resolutions
    assert for_registrar.delivery == (registered and flow == Flow.OUTGOING)
    assert is_sendable(document) == for_registrar.delivery
    assert for_registrar.approval_route == (flow != Flow.INCOMING)
    assert has_approval_route(document) == for_registrar.approval_route
    assert can_register_document(registrar.employee, document) == for_registrar.register
    assert not can_register_document(executor.employee, document)
    assert not actions_for(executor.employee, document).register
    assert can_register(registrar.employee) and not can_register(executor.employee)
