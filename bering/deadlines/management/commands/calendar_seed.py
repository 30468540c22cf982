"""Fill a year of the working-day calendar from the ``holidays`` package.

The yearly update: once the government's decree on weekend transfers for the
next year is out (and the package, updated, knows it), run
``manage.py calendar_seed 2027 --expect 247 --decree "..."`` and compare the
count it prints with the official production calendar. See docs/user/calendar.md.
"""

from __future__ import annotations

import getpass
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bering.core.errors import DomainError
from bering.deadlines.models import DayKind
from bering.deadlines.seeding import seed_year
from bering.deadlines.services import MAX_YEAR, MIN_YEAR, calendar_year_seed


class Command(BaseCommand):
    help = "Fill YEAR of the working-day calendar from the holidays package (country RU)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("year", type=int)
        parser.add_argument(
            "--replace", action="store_true", help="Replace a year already filled in."
        )
        parser.add_argument("--decree", default="", help="The decree on weekend transfers.")
        parser.add_argument(
            "--expect",
            type=int,
            default=None,
            help="Working days per the official calendar: refuse if the count differs.",
        )
        parser.add_argument(
            "--allow-unknown",
            action="store_true",
            help="Seed even if the package does not know this year's decree yet.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Show, do not save.")

    def handle(self, *args: Any, **options: Any) -> None:
        year: int = options["year"]
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise CommandError(f"The year must be from {MIN_YEAR} to {MAX_YEAR}.")
        seed = seed_year(year)
        for day in seed.days:
            self.stdout.write(f"  {day.date:%d.%m.%Y}  {day.kind.value:<8} {day.name}")
        shortened = sum(d.kind == DayKind.SHORT for d in seed.days)
        self.stdout.write(
            f"{year}: {seed.working_days} working days, {shortened} shortened ({seed.source})."
        )
        if not seed.knows_decree and not options["allow_unknown"]:
            raise CommandError(
                f"{seed.source} does not know the decree on weekend transfers for {year}: "
                "update the package (pip install -U holidays) or pass --allow-unknown and "
                "enter the transfers on the calendar page."
            )
        expected = options["expect"]
        if expected is not None and expected != seed.working_days:
            raise CommandError(
                f"The official calendar has {expected} working days, the package gives "
                f"{seed.working_days}: nothing saved. Check the decree, then edit the days "
                "on the calendar page."
            )
        if options["dry_run"]:
            self.stdout.write("Dry run: nothing saved.")
            return
        try:
            calendar_year_seed(
                actor=None,
                year=year,
                replace=options["replace"],
                decree=options["decree"],
                official_working_days=expected,
                seed=seed,
                via="command",
                username=_whoami(),
            )
        except DomainError as exc:
            hint = " Pass --replace to fill it again." if exc.code == "year_exists" else ""
            raise CommandError(f"{exc.message}{hint}") from exc
        self.stdout.write(self.style.SUCCESS(f"The calendar of {year} is saved."))


def _whoami() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""
