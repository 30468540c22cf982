"""Approval stories: Vera (executor) writes a draft, Boris (the head) signs it,
Pavel and Raisa approve it, Alice registers it; Oleg of another ministry sees nothing."""

from __future__ import annotations

import functools
import io

import pytest
import weasyprint

from bering.approvals.reference import ensure_regulations
from bering.documents import services as document_services
from bering.documents.models import Document
from bering.documents.tests.factories import JournalFactory, doc_type
from conftest import Persona, _persona


@functools.lru_cache(maxsize=32)
def make_pdf(text: str) -> bytes:
    return weasyprint.HTML(string=f"<h1>Проект</h1><p>{text}</p>").write_pdf()


@pytest.fixture
def api_client_for():  # type: ignore[no-untyped-def]
    """``api_client_for(persona)``: an API client with a fresh bearer token of the persona."""
    from bering.api.tests.conftest import bearer

    return lambda persona: bearer(persona.user)


@pytest.fixture
def lawyer(health) -> Persona:
    return _persona(health, "pavel", "Павлов", "Павел", "Начальник правового отдела")


@pytest.fixture
def economist(health) -> Persona:
    return _persona(health, "raisa", "Романова", "Раиса", "Главный экономист")


@pytest.fixture
def outgoing_journal(health):
    return JournalFactory(
        organization=health,
        name="Исходящие",
        flow="outgoing",
        index="02-10",
        template="{index}/{seq}",
    )


def create_draft(
    author: Persona, signer: Persona, *, text: str = "Текст проекта", code: str = "normative-act"
) -> Document:
    ensure_regulations()
    return document_services.document_create(
        actor=author.actor,
        card=document_services.Card(
            doc_type=doc_type(code), title="О порядке завоза топлива", signer=signer.employee
        ),
        flow=doc_type(code).flow,
        uploads=[document_services.Upload(name="проект.pdf", stream=io.BytesIO(make_pdf(text)))],
    )


@pytest.fixture
def draft(executor, head, django_capture_on_commit_callbacks) -> Document:
    with django_capture_on_commit_callbacks(execute=True):
        return create_draft(executor, head)
