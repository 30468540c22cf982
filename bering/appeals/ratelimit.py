"""Rate limits of the public side, shared across worker processes.

A fixed window per key, counted in the database: the increment is one UPDATE
under the row's lock, so two processes never both see the last free slot.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from bering.appeals.models import RateBucket
from bering.core import clock
from bering.core.db import atomic_with_retry
from bering.core.errors import DomainError


class RateLimited(DomainError):
    status_code = 429
    code = "rate_limited"

    def __init__(self, retry_after: int) -> None:
        minutes = max(1, (retry_after + 59) // 60)
        super().__init__(
            _("Too many requests. Please try again in %(minutes)s min.") % {"minutes": minutes}
        )
        self.retry_after = retry_after


@dataclass(frozen=True)
class Limit:
    name: str
    count: int
    seconds: int


def limit(name: str) -> Limit:
    """The configured limits (``BERING_RATE_LIMITS``: name -> (count, seconds))."""
    count, seconds = settings.BERING_RATE_LIMITS[name]
    return Limit(name=name, count=int(count), seconds=int(seconds))


def _key(name: str, subject: str) -> str:
    return hashlib.sha256(f"{settings.SECRET_KEY}:{name}:{subject}".encode()).hexdigest()


def hit(name: str, subject: str) -> None:
    """Count one request of ``subject`` (an account id, an address) against the
    limit ``name``; raise ``RateLimited`` with ``retry_after`` once it is spent.

    A refused request counts as well, so hammering does not open the door sooner.
    """
    rule = limit(name)
    now = clock.now()
    epoch = int(now.timestamp())
    start_epoch = epoch - epoch % rule.seconds
    window = dt.datetime.fromtimestamp(start_epoch, tz=dt.UTC)
    key = _key(name, subject)

    def work() -> int:
        try:
            with transaction.atomic():
                RateBucket.objects.get_or_create(key=key, window_start=window)
        except IntegrityError:
            pass  # another process created it first
        RateBucket.objects.filter(key=key, window_start=window).update(count=F("count") + 1)
        return RateBucket.objects.get(key=key, window_start=window).count

    count = atomic_with_retry(work)
    if count > rule.count:
        raise RateLimited(retry_after=max(1, start_epoch + rule.seconds - epoch))


def buckets_prune(*, older_than: dt.timedelta = dt.timedelta(days=2)) -> int:
    deleted, _ = RateBucket.objects.filter(window_start__lt=clock.now() - older_than).delete()
    return deleted
