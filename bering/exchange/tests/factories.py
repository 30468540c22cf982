"""A registered outgoing letter of the Ministry of Health, ready to send."""

from __future__ import annotations

import io
from typing import Any

import weasyprint

from bering.documents import services as document_services
from bering.documents.models import Document
from bering.documents.tests.factories import JournalFactory, doc_type

MARKER = "МЕТКА-ЧУЖОЙ-ДОСТАВКИ-8812"


def outgoing(registrar: Any, *, title: str = MARKER) -> Document:
    pdf = weasyprint.HTML(string=f"<p>{title}</p>").write_pdf()
    draft = document_services.document_create(
        actor=registrar.actor,
        card=document_services.Card(
            doc_type=doc_type("outgoing-letter"), title=title, addressee="Минобр"
        ),
        flow="outgoing",
        uploads=[document_services.Upload(name=f"{title}.pdf", stream=io.BytesIO(pdf))],
    )
    journal = JournalFactory(
        organization=registrar.org, flow="outgoing", index="02", template="{index}/{seq}"
    )
    return document_services.document_register(
        actor=registrar.actor, document=draft, journal=journal
    )
