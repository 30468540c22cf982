from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from bering.documents.models import Document, DocumentType, Journal
from bering.documents.reference import ensure_document_types
from bering.orgs.tests.factories import EmployeeFactory, OrganizationFactory


def doc_type(code: str = "incoming-letter") -> DocumentType:
    ensure_document_types()
    return DocumentType.objects.get(code=code)


class JournalFactory(DjangoModelFactory):
    class Meta:
        model = Journal

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Журнал входящих {n}")
    flow = "incoming"
    index = "01-15"
    template = "{index}/{seq}"


class DocumentFactory(DjangoModelFactory):
    class Meta:
        model = Document

    organization = factory.SubFactory(OrganizationFactory)
    doc_type = factory.LazyFunction(lambda: doc_type("memo"))
    flow = "internal"
    title = factory.Sequence(lambda n: f"О проведении совещания № {n}")
    author = factory.SubFactory(
        EmployeeFactory, organization=factory.SelfAttribute("..organization")
    )
