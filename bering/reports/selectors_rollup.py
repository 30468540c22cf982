"""How far the sweep's facts reach (``models.RollupState``), and whether they still hold."""

from __future__ import annotations

import datetime as dt
import hashlib

from bering.deadlines.models import CalendarYear
from bering.orgs.models import Organization
from bering.reports.models import RollupState

PARTS = ("visas", "assignments", "approval", "coverage")
"""The rollup's parts: the discipline facts of each kind, the approval facts, the
documents registered per organization and day."""


def rollup_stamp() -> str:
    """What the facts' working days were worked out with: the calendar's revisions and
    every organization's time zone (two small queries). Another stamp: build them again."""
    years = list(CalendarYear.objects.order_by("year").values_list("year", "revision"))
    zones = list(Organization.objects.order_by("pk").values_list("pk", "time_zone"))
    return hashlib.sha256(repr((years, zones)).encode()).hexdigest()


def rollup_watermarks() -> dict[str, dt.datetime]:
    """Each part's watermark, for the facts that still hold (three queries); a part that
    was never built or was made with another calendar is absent (computed directly).
    The documents registered do not depend on the calendar; their part is dropped with
    the rest all the same (simpler, and a calendar edit is rare)."""
    states = list(RollupState.objects.filter(watermark__isnull=False))
    if not states:
        return {}
    stamp = rollup_stamp()
    return {s.part: s.watermark for s in states if s.stamp == stamp and s.watermark is not None}
