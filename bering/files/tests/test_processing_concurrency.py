"""Two workers handed the same file at once: one does the work, the other nothing.

These tests commit for real (``transaction=True``) so the workers' threads see the
row; serialized_rollback and the snapshot below keep the migrations' data for the
tests that follow (the same pattern as documents' numbering concurrency tests).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection

from bering.files import processing
from bering.files.models import StoredFile
from bering.files.tests import sample_files
from bering.files.tests.test_processing import stored_file

pytestmark = [
    pytest.mark.concurrency,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(autouse=True, scope="module")
def _keep_seed_data(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """Put the migrations' data back after the flush that ends a transactional test."""
    with django_db_blocker.unblock():
        snapshot = connection.creation.serialize_db_to_string()
    yield
    with django_db_blocker.unblock():
        connection.creation.deserialize_db_from_string(snapshot)
        connection.close()


def test_two_workers_given_the_same_file_process_it_once(monkeypatch):
    stored = stored_file(sample_files.docx(), "docx")
    calls: list[int] = []
    real = processing.extract_text

    def slow(kind, data):
        calls.append(1)
        time.sleep(0.5)
        return real(kind, data)

    monkeypatch.setattr(processing, "extract_text", slow)
    results: list[bool] = []
    start = threading.Barrier(2)

    def worker() -> None:
        try:
            start.wait()
            results.append(processing.process(stored.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results) == [False, True]
    assert len(calls) == 1
    stored.refresh_from_db()
    assert stored.text_status == StoredFile.Processing.DONE
    assert stored.processing_attempts == 1
