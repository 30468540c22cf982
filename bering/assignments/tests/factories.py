"""Fixtures for execution tests: a registered incoming letter of the Ministry of Health."""

from __future__ import annotations

import datetime as dt
import io
import itertools
from typing import Any

import weasyprint

from bering.assignments import services
from bering.assignments.models import Resolution, TermKind
from bering.assignments.terms import Term
from bering.documents import services as document_services
from bering.documents.models import Document
from bering.documents.tests.factories import JournalFactory, doc_type
from bering.orgs.models import Employee

MARKER = "МЕТКА-ЧУЖОГО-ПОРУЧЕНИЯ-5521"


def pdf(text: str = "Письмо") -> bytes:
    data: bytes = weasyprint.HTML(string=f"<p>{text}</p>").write_pdf()
    return data


def incoming(
    registrar: Any, *, title: str = MARKER, access: str = "general", **kw: Any
) -> Document:
    journal = JournalFactory(organization=registrar.org)
    return document_services.document_register_incoming(
        actor=registrar.actor,
        card=document_services.Card(
            doc_type=doc_type("incoming-letter"),
            title=title,
            access=access,
            correspondent="Администрация Алеутского МО",
            correspondent_number=kw.pop("number", "125-ОД"),
            correspondent_date=dt.date(2026, 11, 2),
            allowed=kw.pop("allowed", []),
        ),
        journal=journal,
        uploads=[document_services.Upload(name="скан.pdf", stream=io.BytesIO(pdf(title)))],
        confirm_duplicate=True,
    )


def spec(
    responsible: Employee,
    *co: Employee,
    controller: Employee | None = None,
    days: int = 10,
    text: str = "Подготовить ответ",
) -> services.ResolutionSpec:
    return services.ResolutionSpec(
        text=text,
        responsible=responsible,
        co_executors=list(co),
        controller=controller,
        term=Term(kind=TermKind.WORKING, days=days),
    )


def issued(head: Any, document: Document, *people: Employee, **kw: Any) -> Resolution:
    return services.resolution_issue(actor=head.actor, document=document, spec=spec(*people, **kw))


_LETTER_NUMBERS = itertools.count(1)


def draft_resolution(registrar: Any, head: Any, executor: Any, **kw: Any) -> Resolution:
    """A letter registered (its correspondent's number new each time, so never a duplicate)
    with a draft resolution the registrar prepared for the head: what waits on «Ждут моего
    решения». ``kw`` goes to ``spec``."""
    letter = document_services.document_register_incoming(
        actor=registrar.actor,
        card=document_services.Card(
            doc_type=doc_type("incoming-letter"),
            title="О подготовке к отопительному сезону",
            correspondent="Администрация Елизовского района",
            correspondent_number=str(next(_LETTER_NUMBERS)),
            correspondent_date=dt.date(2026, 11, 20),
        ),
        journal=JournalFactory(organization=registrar.org),
    )
    return services.resolution_draft(
        actor=registrar.actor,
        document=letter,
        spec=spec(executor.employee, **kw),
        author=head.employee,
    )
