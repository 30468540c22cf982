"""Database helpers shared by the services: bounded retries on lock contention."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from typing import TypeVar

from django.db import OperationalError, transaction
from django.utils.translation import gettext_lazy as _

from bering.core.errors import Busy

T = TypeVar("T")
log = logging.getLogger(__name__)

_LOCK_MARKERS = ("database is locked", "deadlock detected", "could not serialize", "lock timeout")


def is_lock_error(exc: BaseException) -> bool:
    text = str(exc).lower()
    return any(marker in text for marker in _LOCK_MARKERS)


def atomic_with_retry(fn: Callable[[], T], *, attempts: int = 6) -> T:
    """Run ``fn`` in a transaction, running it again if the database was locked.

    SQLite answers "database is locked" when another writer holds the lock past
    the busy timeout; PostgreSQL may report a deadlock. Either way nothing was
    committed, so the whole transaction runs again. After the last attempt the
    caller gets ``Busy`` (HTTP 503 with a message). Inside an outer transaction
    only the outermost level can retry, so ``fn`` simply runs once.
    """
    if transaction.get_connection().in_atomic_block:
        with transaction.atomic():
            return fn()
    last_error: OperationalError | None = None
    for attempt in range(attempts):
        if last_error is not None:
            time.sleep(min(0.05 * 2 ** (attempt - 1), 1.0) * (0.5 + random.random()))
        try:
            with transaction.atomic():
                return fn()
        except OperationalError as exc:
            if not is_lock_error(exc):
                raise
            log.info("lock contention, attempt %s of %s: %s", attempt + 1, attempts, exc)
            last_error = exc
    raise Busy(_("The system is busy right now. Please try again in a minute.")) from last_error
