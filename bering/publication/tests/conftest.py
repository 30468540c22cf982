"""Acts of the Ministry of Health: Vera writes a decree, Boris (the head) signs it,
Alice (the registrar) registers and publishes it. Oleg of the Ministry of Education
must not mark or publish it."""

from __future__ import annotations

import io

import pytest

from bering.approvals import services as approval_services
from bering.approvals.models import Visa
from bering.approvals.reference import ensure_regulations
from bering.documents import services as document_services
from bering.documents.models import Document, Journal
from bering.documents.tests.factories import doc_type
from bering.files import samples
from bering.orgs.tests.factories import PASSWORD
from bering.publication import services
from bering.publication.models import Publication
from bering.publication.reference import ensure_publication_rules

BUDGET = "О бюджете Камчатского края на 2027 год"
BODY = "Утвердить основные характеристики краевого бюджета. Дефицит покрыть заимствованиями."


def act_pdf(title: str = BUDGET, body: str = BODY) -> bytes:
    return samples.make_pdf(title, body)


def signed_act(
    author,
    signer,
    registrar,
    *,
    code: str = "decree",
    title: str = BUDGET,
    access: str = Document.Access.GENERAL,
    data: bytes | None = None,
    register: bool = True,
    name: str = "акт.pdf",
) -> Document:
    """An act written by ``author``, signed by ``signer`` and registered by ``registrar``."""
    ensure_regulations()
    ensure_publication_rules()  # a transactional test before this one flushed the migration's
    draft = document_services.document_create(
        actor=author.actor,
        card=document_services.Card(
            doc_type=doc_type(code),
            title=title,
            signer=signer.employee,
            access=access,
            allowed=[registrar.employee] if access == Document.Access.RESTRICTED else [],
        ),
        flow="outgoing",
        uploads=[
            document_services.Upload(
                name=name, stream=io.BytesIO(data if data is not None else act_pdf(title))
            )
        ],
    )
    approval_services.approval_start(actor=author.actor, document=draft, plan=[])
    visa = Visa.objects.get(run__document=draft, approver=signer.employee)
    approval_services.approval_sign(actor=signer.actor, visa=visa, password=PASSWORD)
    if not register:
        return Document.objects.get(pk=draft.pk)
    journal, _ = Journal.objects.get_or_create(
        organization=registrar.org,
        name="Акты",
        defaults={"flow": "outgoing", "template": "{seq}-п"},
    )
    return document_services.document_register(
        actor=registrar.actor, document=draft, journal=journal
    )


def mark(persona, document: Document, **kwargs) -> None:
    services.publication_mark(
        actor=persona.actor,
        document=document,
        marks=services.Marks(
            to_publish=kwargs.pop("to_publish", True),
            personal_data=kwargs.pop("personal_data", False),
            **kwargs,
        ),
    )


@pytest.fixture
def act(executor, head, registrar, django_capture_on_commit_callbacks) -> Document:
    with django_capture_on_commit_callbacks(execute=True):
        return signed_act(executor, head, registrar)


@pytest.fixture
def published(act, executor, registrar, django_capture_on_commit_callbacks) -> Publication:
    mark(executor, act)
    with django_capture_on_commit_callbacks(execute=True):
        return services.publication_publish(actor=registrar.actor, document=act)
