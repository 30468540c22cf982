"""Two workers handed the same file at once: one does the work, the other nothing.

These tests commit for real (``transaction=True``) so the workers' threads see the
row; serialized_rollback and the snapshot below keep the migrations' data for the
tests that follow (the same pattern as documents' numbering concurrency tests).
"""

from __future__ import annotations

import threading
import time

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
