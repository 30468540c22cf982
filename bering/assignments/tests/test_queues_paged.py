"""Every queue a page at a time: 20 rows, «ещё» brings the next 20 as a fragment."""

from __future__ import annotations

import datetime as dt

import pytest

from bering.documents import services as documents
from bering.documents.tests.factories import JournalFactory, doc_type

pytestmark = pytest.mark.django_db


def _letters(registrar, n: int) -> None:  # type: ignore[no-untyped-def]
    journal = JournalFactory(organization=registrar.org)
    for i in range(n):
        documents.document_register_incoming(
            actor=registrar.actor,
            card=documents.Card(
                doc_type=doc_type("incoming-letter"),
                title=f"О ремонте дороги № {i}",
                correspondent="Администрация Мильковского района",
                correspondent_number=str(i),
                correspondent_date=dt.date(2026, 11, 2),
            ),
            journal=journal,
            confirm_duplicate=True,
        )


def test_resolutions_screen_shows_20_awaiting_and_more(head, registrar):
    _letters(registrar, 45)
    client = head.client()
    page = client.get("/assignments/head/").content.decode()
    assert page.count('data-list="awaiting"') == 1
    assert page.count("data-document=") == 20 and 'data-more="awaiting"' in page
    second = client.get("/assignments/head/?awaiting=2", HTTP_HX_REQUEST="true")
    rows = second.content.decode()
    assert "<html" not in rows and rows.count("data-document=") == 20
    assert len(second.content) < 10 * 1024
    third = client.get("/assignments/head/?awaiting=3", HTTP_HX_REQUEST="true").content.decode()
    assert third.count("data-document=") == 5 and "data-more" not in third


def test_executor_sees_no_buttons_to_the_head_queues(executor, head):
    page = executor.client().get("/assignments/").content.decode()
    assert "/assignments/head/" not in page.split("<main", 1)[1]
    assert "/assignments/control/" not in page.split("<main", 1)[1]
    head_page = head.client().get("/assignments/").content.decode().split("<main", 1)[1]
    assert "/assignments/head/" in head_page and "/assignments/control/" in head_page
