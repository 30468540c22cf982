"""manage.py calendar_seed YEAR: the yearly update."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from bering.audit.models import AuditEvent
from bering.deadlines.models import CalendarYear
from bering.deadlines.selectors import calendar_year_view

pytestmark = pytest.mark.django_db


def run(*args):
    out = io.StringIO()
    call_command("calendar_seed", *args, stdout=out)
    return out.getvalue()


def test_seed_next_year_checking_the_official_count():
    out = run("2027", "--expect", "247", "--decree", "Постановление о переносе выходных в 2027")
    assert "2027: 247 working days, 4 shortened" in out
    year = CalendarYear.objects.get(year=2027)
    assert year.official_working_days == 247
    assert year.decree.startswith("Постановление")
    assert calendar_year_view(year=2027).working_days == 247
    event = AuditEvent.objects.get(verb="calendar.year_seeded")
    assert event.actor_user is None and event.data["via"] == "command"


def test_a_year_already_filled_in_needs_replace():
    with pytest.raises(CommandError, match="--replace"):
        run("2026")
    assert "is saved" in run("2026", "--replace", "--expect", "247")


def test_a_wrong_count_saves_nothing():
    with pytest.raises(CommandError, match="250"):
        run("2027", "--expect", "250")
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_dry_run_saves_nothing():
    assert "Dry run" in run("2027", "--dry-run")
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_a_year_the_package_does_not_know_is_refused_unless_allowed():
    with pytest.raises(CommandError, match="does not know"):
        run("2035")
    assert "is saved" in run("2035", "--allow-unknown")


def test_out_of_range():
    with pytest.raises(CommandError):
        run("1800")
