"""The one source of "now": services ask here, tests may move it."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.utils import timezone


def now() -> dt.datetime:
    return timezone.now()


def local_date(moment: dt.datetime, tz_name: str) -> dt.date:
    """The calendar date of ``moment`` in the time zone ``tz_name``."""
    return moment.astimezone(zoneinfo.ZoneInfo(tz_name)).date()
