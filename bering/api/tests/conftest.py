"""API fixtures: bearer-token clients for the personas, a journal, real PDFs."""

from __future__ import annotations

import datetime as dt
import io
import secrets
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import pytest
import weasyprint
from rest_framework.test import APIClient

from bering.accounts.models import ApiToken
from bering.accounts.services import token_hash
from bering.documents import services
from bering.documents.models import Document, Journal
from bering.documents.tests.factories import JournalFactory, doc_type

MARKER = "МЕТКА-ЧУЖОГО-ДОКУМЕНТА-API-4471"


@lru_cache(maxsize=16)
def pdf_bytes(text: str = "Письмо") -> bytes:
    """A real one-page PDF, rendered by WeasyPrint."""
    html = f"<html lang='ru'><meta charset='utf-8'><body><p>{text}</p></body></html>"
    data: bytes = weasyprint.HTML(string=html).write_pdf()
    return data


def pdf_upload(name: str = "скан письма.pdf", text: str = "Письмо") -> io.BytesIO:
    stream = io.BytesIO(pdf_bytes(text))
    stream.name = name
    return stream


def bearer(user: Any) -> APIClient:
    raw = secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, key_hash=token_hash(raw), name="test")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


@pytest.fixture
def api() -> Callable[[Any], APIClient]:
    """``api(persona)``: a client authenticated with a fresh bearer token of the persona."""

    def make(persona: Any) -> APIClient:
        return bearer(persona.user)

    return make


@pytest.fixture
def journal(health: Any) -> Journal:
    return JournalFactory(organization=health, name="Входящие", index="01-15")


@pytest.fixture
def outgoing_journal(health: Any) -> Journal:
    return JournalFactory(
        organization=health, name="Исходящие", flow="outgoing", index="02", template="{index}/{seq}"
    )


def incoming_card(**overrides: Any) -> dict[str, Any]:
    card: dict[str, Any] = {
        "doc_type": doc_type("incoming-letter").pk,
        "title": "О ремонте фельдшерско-акушерского пункта в с. Никольское",
        "correspondent": "Администрация Алеутского муниципального округа",
        "correspondent_number": "125-ОД",
        "correspondent_date": "2026-11-20",
    }
    card.update(overrides)
    return card


@pytest.fixture
def foreign_document(
    registrar: Any, journal: Journal, django_capture_on_commit_callbacks: Any
) -> Document:
    """A registered letter of the Ministry of Health, marker text everywhere, with a preview."""
    with django_capture_on_commit_callbacks(execute=True):
        return services.document_register_incoming(
            actor=registrar.actor,
            card=services.Card(
                doc_type=doc_type("incoming-letter"),
                title=MARKER,
                correspondent=MARKER,
                correspondent_number="1",
                correspondent_date=dt.date(2026, 11, 2),
                addressee=MARKER,
            ),
            journal=journal,
            uploads=[services.Upload(name=f"{MARKER}.pdf", stream=io.BytesIO(pdf_bytes(MARKER)))],
        )
