"""Background work on stored files: text extraction and a first-page preview."""

from __future__ import annotations

from django_tasks import task

from bering.files import processing


@task()
def file_process(stored_id: int) -> bool:
    """Idempotent: the file is claimed first, so a repeat or a second worker does nothing."""
    return processing.process(stored_id)
