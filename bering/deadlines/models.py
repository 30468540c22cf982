"""The official working-day calendar as data: a year (with its decree) and its exceptional days.

A day without a row is an ordinary day of the five-day week: Monday to Friday
working, Saturday and Sunday off. A row changes that one date: a public holiday,
a non-working day (a transferred day off), a working day on a weekend (a
transferred working day, e.g. Saturday 01.11.2025) or a shortened pre-holiday day.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DayKind(models.TextChoices):
    """What a date is. ``WEEKEND`` is only shown, never stored: it is the ordinary Sat/Sun."""

    WORKING = "working", _("working day")
    SHORT = "short", _("shortened pre-holiday day")
    WEEKEND = "weekend", _("weekend")
    DAY_OFF = "day_off", _("non-working day")
    HOLIDAY = "holiday", _("public holiday")


WORKING_KINDS = frozenset({DayKind.WORKING, DayKind.SHORT})
STORED_KINDS = (DayKind.WORKING, DayKind.SHORT, DayKind.DAY_OFF, DayKind.HOLIDAY)


class Basis(models.TextChoices):
    """How a term is counted."""

    WORKING = "working", _("working days")
    CALENDAR = "calendar", _("calendar days")


class Roll(models.TextChoices):
    """Where a calendar-day deadline moves when it falls on a non-working day."""

    NEXT = "next", _("to the next working day")
    PREVIOUS = "previous", _("to the previous working day")


class CalendarYear(models.Model):
    """A year whose calendar was set from the government's decree on weekend transfers."""

    year = models.PositiveSmallIntegerField(_("year"), primary_key=True)
    decree = models.CharField(
        _("decree"),
        max_length=300,
        blank=True,
        help_text=_("The government decree on weekend transfers for this year."),
    )
    official_working_days = models.PositiveSmallIntegerField(
        _("working days per the official calendar"),
        null=True,
        blank=True,
        help_text=_("As published with the decree; the calendar page warns when the days differ."),
    )
    source = models.CharField(_("source"), max_length=100, blank=True)
    revision = models.PositiveIntegerField(
        _("revision"), default=1, help_text=_("Grows with every change; caches compare it.")
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(year__gte=1992, year__lte=2200), name="calendar_year_range"
            )
        ]

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(models.Model):
    """One date that differs from the ordinary five-day week."""

    year = models.ForeignKey(
        CalendarYear, verbose_name=_("year"), on_delete=models.CASCADE, related_name="days"
    )
    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(
        _("kind"), max_length=10, choices=[(k.value, k.label) for k in STORED_KINDS]
    )
    name = models.CharField(_("name"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=[k.value for k in STORED_KINDS]),
                name="calendar_day_kind_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.date:%d.%m.%Y} {self.get_kind_display()}"
