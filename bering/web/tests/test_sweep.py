import io

from django.core.management import call_command

from bering.files.models import StoredFile
from bering.files.samples import make_pdf
from bering.files.services import file_store


def test_sweep_processes_files_a_lost_task_left_pending(db):
    stored = file_store(
        stream=io.BytesIO(make_pdf("Письмо", "Текст письма")), name="a.pdf", uploaded_by_id=None
    )
    # No on_commit callbacks ran: the task was "lost".
    assert StoredFile.objects.get(pk=stored.pk).text_status == "pending"
    call_command("sweep", verbosity=0)
    stored.refresh_from_db()
    assert stored.text_status == "done" and "Текст письма" in stored.text
    assert stored.preview_status == "done"
