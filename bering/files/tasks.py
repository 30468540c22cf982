"""Background work on stored files: text extraction and a first-page preview."""

from __future__ import annotations

from django_tasks import task

from bering.files import processing


@task()
def file_process(stored_id: int) -> None:
    """Idempotent: a file already processed is left as it is."""
    processing.process(stored_id)
