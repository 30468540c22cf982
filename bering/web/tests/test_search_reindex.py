"""``search_reindex``: documents written before the index existed become findable."""

import io

import pytest
from django.core.management import call_command

from bering.assignments.tests.factories import incoming, issued
from bering.documents import selectors
from bering.documents.tests.factories import DocumentFactory
from bering.search.models import SearchEntry

pytestmark = pytest.mark.django_db


def found(persona, words):
    page = selectors.document_search(persona.actor, selectors.SearchQuery(text=words))
    return [hit.document.pk for hit in page.hits]


def test_missing_documents_are_indexed_once_and_everything_on_a_full_run(registrar, head, executor):
    old = DocumentFactory(
        organization=registrar.org, author=registrar.employee, title="О завозе угля"
    )
    letter = incoming(registrar, title="О ремонте моста")
    issued(head, letter, executor.employee, text="Проверить сметную стоимость")
    assert found(registrar, "уголь") == []
    out = io.StringIO()
    call_command("search_reindex", "--missing", stdout=out)
    assert out.getvalue().strip() == "indexed: 1"
    assert found(registrar, "угля") == [old.pk]
    SearchEntry.objects.all().delete()
    call_command("search_reindex", stdout=io.StringIO())
    assert found(registrar, "сметный") == [letter.pk]
    assert found(registrar, "мост") == [letter.pk]
    call_command("search_reindex", "--missing", stdout=out)
    assert out.getvalue().strip().endswith("indexed: 0")
