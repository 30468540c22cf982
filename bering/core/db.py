"""Database helpers: bounded retries on lock contention, moments as plain numbers."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from django.db import OperationalError, transaction
from django.db.models import FloatField, Func
from django.utils.translation import gettext_lazy as _

from bering.core.errors import Busy

T = TypeVar("T")
P = ParamSpec("P")
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


def retried_atomic(fn: Callable[P, T]) -> Callable[P, T]:
    """A service whose whole body is one transaction, run again on lock contention.

    Replaces the idiom ``def work(): ...; return atomic_with_retry(work)`` when
    nothing has to happen outside the transaction (checks inside it are simply
    repeated on a retry, which is what a retry means).
    """

    @wraps(fn)
    def run(*args: P.args, **kwargs: P.kwargs) -> T:
        return atomic_with_retry(lambda: fn(*args, **kwargs))

    return run


class EpochSeconds(Func):
    """A datetime column as POSIX seconds (a float, microseconds kept; NULL stays NULL).

    Reports read hundreds of thousands of moments only to do arithmetic on them;
    a number skips building an aware datetime per value (Django's SQLite
    converter parses text, psycopg builds a zoned datetime), the largest cost of
    a region-wide report. SQLite keeps UTC text ``YYYY-MM-DD HH:MM:SS[.ffffff]``:
    whole seconds from ``unixepoch`` (SQLite 3.38) plus the fraction after the
    19th character (``julianday`` would round to milliseconds).
    """

    output_field = FloatField()
    arity = 1

    def get_db_converters(self, connection: Any) -> list[Any]:
        # Both databases already return a float (or None): no per-row float() call.
        return list(self.output_field.get_db_converters(connection))

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        column, params = compiler.compile(self.source_expressions[0])
        # SQLite rounds a time to milliseconds (…59.9996 becomes the next second), so the
        # whole seconds are taken from the first 19 characters only.
        sql = f"(unixepoch(substr({column}, 1, 19)) + CAST(substr({column}, 20) AS REAL))"
        return sql, (*params, *params)

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        template = "CAST(EXTRACT(EPOCH FROM %(expressions)s) AS double precision)"
        return self.as_sql(compiler, connection, template=template, **extra)
