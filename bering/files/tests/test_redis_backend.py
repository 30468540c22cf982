"""The same task code runs on the Redis queue (BERING_TASKS=rq) when Redis answers."""

from __future__ import annotations

import io

import pytest
import redis

from bering.files.models import StoredFile
from bering.files.samples import make_pdf
from bering.files.services import file_store

REDIS_URL = "redis://127.0.0.1:6379/15"


def _redis_up() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping())
    except redis.RedisError:
        return False


pytestmark = [
    pytest.mark.skipif(not _redis_up(), reason="Redis is not running on 127.0.0.1:6379"),
    pytest.mark.django_db(transaction=True),
]


def test_file_processing_through_redis_queue(settings, django_capture_on_commit_callbacks):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}
    settings.RQ_QUEUES = {"default": {"URL": REDIS_URL}}
    import django_rq
    from django_tasks_rq.backend import Job
    from rq import SimpleWorker

    queue = django_rq.get_queue("default")
    queue.empty()
    with django_capture_on_commit_callbacks(execute=True):
        stored = file_store(
            stream=io.BytesIO(make_pdf("Письмо", "Очередь Redis")),
            name="r.pdf",
            uploaded_by_id=None,
        )
    assert queue.count == 1
    assert StoredFile.objects.get(pk=stored.pk).text_status == "pending"
    SimpleWorker([queue], connection=queue.connection, job_class=Job).work(burst=True)
    stored.refresh_from_db()
    assert stored.text_status == "done"
    assert "Очередь Redis" in stored.text
