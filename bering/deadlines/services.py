"""Changing the calendar: a day's kind, a year's seed, a year's decree.

Each change runs in one transaction under the year's row lock, bumps the year's
``revision`` (so caches in other processes notice) and writes its audit event.
The process's own cache is dropped at once and again after commit.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from bering.audit.services import record
from bering.core.errors import Conflict, ValidationFailed
from bering.deadlines import cache
from bering.deadlines.calendar import default_kind
from bering.deadlines.models import CalendarDay, CalendarYear, DayKind
from bering.deadlines.seeding import SeedYear, seed_year

if TYPE_CHECKING:
    from bering.orgs.actor import Actor

OBJECT_TYPE = "calendar_year"
MIN_YEAR, MAX_YEAR = 1992, 2200


def _forget(year: int) -> None:
    cache.invalidate(year)
    transaction.on_commit(lambda: cache.invalidate(year))


def _audit(
    *, actor: Actor | None, verb: str, year: int, username: str, data: dict[str, Any]
) -> None:
    if actor is None and username:
        data = {**data, "username": username}
    record(actor=actor, verb=verb, object_type=OBJECT_TYPE, object_id=year, data=data)


def _check_year(year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationFailed(
            _("The calendar covers the years %(min)s to %(max)s.")
            % {"min": MIN_YEAR, "max": MAX_YEAR},
            field="year",
        )


def calendar_day_set(
    *,
    actor: Actor | None,
    day: dt.date,
    kind: DayKind | None,
    name: str = "",
    via: str = "page",
    username: str = "",
) -> CalendarDay | None:
    """Make ``day`` a working, shortened, non-working day or a holiday; ``None`` makes it
    an ordinary day of the week again. The year must be in the calendar already."""
    _check_year(day.year)
    if kind == DayKind.WEEKEND:
        kind = None if day.weekday() >= 5 else DayKind.DAY_OFF
    if kind is not None:
        kind = DayKind(kind)
    name = name.strip()[:200]
    if kind is not None and kind == default_kind(day) and not name:
        kind = None  # an ordinary day needs no row
    with transaction.atomic():
        year = CalendarYear.objects.select_for_update().filter(year=day.year).first()
        if year is None:
            raise ValidationFailed(
                _(
                    "The calendar of %(year)s is not filled in yet. Fill it from the built-in "
                    "calendar first (the button on the calendar page or calendar_seed %(year)s)."
                )
                % {"year": day.year},
                code="year_missing",
                field="date",
            )
        existing = CalendarDay.objects.filter(date=day).first()
        before = existing.kind if existing else ""
        if kind is None:
            if existing is not None:
                existing.delete()
            result = None
        elif existing is None:
            result = CalendarDay.objects.create(year=year, date=day, kind=kind, name=name)
        else:
            existing.kind, existing.name = kind, name
            existing.save(update_fields=["kind", "name"])
            result = existing
        CalendarYear.objects.filter(pk=year.pk).update(revision=F("revision") + 1)
        _audit(
            actor=actor,
            verb="calendar.day_set",
            year=day.year,
            username=username,
            data={
                "date": day.isoformat(),
                "from": before,
                "to": kind.value if kind else "",
                "name": name,
                "via": via,
            },
        )
        _forget(day.year)
    return result


def calendar_year_seed(
    *,
    actor: Actor | None,
    year: int,
    replace: bool = False,
    decree: str = "",
    official_working_days: int | None = None,
    seed: SeedYear | None = None,
    via: str = "page",
    username: str = "",
) -> CalendarYear:
    """Fill a year from the ``holidays`` package (or the ``seed`` given).

    A year already in the calendar is refused unless ``replace``: then its days,
    hand edits included, are replaced; its decree and official count are kept
    unless new ones are given.
    """
    _check_year(year)
    seed = seed or seed_year(year)
    with transaction.atomic():
        row = CalendarYear.objects.select_for_update().filter(year=year).first()
        if row is not None and not replace:
            raise Conflict(
                _("The calendar of %(year)s is already filled in.") % {"year": year},
                code="year_exists",
            )
        if row is None:
            row = CalendarYear.objects.create(year=year, revision=1)
        else:
            CalendarDay.objects.filter(year=row).delete()
            row.revision += 1
        row.source = seed.source
        row.decree = decree.strip()[:300] or row.decree
        if official_working_days is not None:
            row.official_working_days = official_working_days
        row.save()
        CalendarDay.objects.bulk_create(
            CalendarDay(year=row, date=d.date, kind=d.kind, name=d.name) for d in seed.days
        )
        _audit(
            actor=actor,
            verb="calendar.year_seeded",
            year=year,
            username=username,
            data={
                "source": seed.source,
                "knows_decree": seed.knows_decree,
                "days": len(seed.days),
                "working_days": seed.working_days,
                "replaced": replace,
                "via": via,
            },
        )
        _forget(year)
    return row


def calendar_year_describe(
    *,
    actor: Actor | None,
    year: int,
    decree: str,
    official_working_days: int | None,
    via: str = "page",
    username: str = "",
) -> CalendarYear:
    """Record the decree of a year and its official count of working days."""
    with transaction.atomic():
        row = CalendarYear.objects.select_for_update().filter(year=year).first()
        if row is None:
            raise ValidationFailed(
                _("The calendar of %(year)s is not filled in yet.") % {"year": year},
                code="year_missing",
            )
        before = {"decree": row.decree, "official_working_days": row.official_working_days}
        row.decree = decree.strip()[:300]
        row.official_working_days = official_working_days
        row.revision += 1
        row.save(update_fields=["decree", "official_working_days", "revision", "updated_at"])
        _audit(
            actor=actor,
            verb="calendar.year_described",
            year=year,
            username=username,
            data={
                "from": before,
                "to": {"decree": row.decree, "official_working_days": official_working_days},
                "via": via,
            },
        )
        _forget(year)
    return row
