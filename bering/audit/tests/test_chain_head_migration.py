"""The chain head comes from the migrations, before any event (not a transactional test:
those start from a flushed database, see conftest)."""

from __future__ import annotations

import pytest

from bering.audit.models import AuditChainHead, AuditEvent
from bering.audit.services import GENESIS

pytestmark = pytest.mark.django_db


def test_the_migration_creates_the_head_before_any_event() -> None:
    head = AuditChainHead.objects.get()
    assert (head.last_event_id, head.last_hash) == (None, GENESIS)
    assert not AuditEvent.objects.exists()
