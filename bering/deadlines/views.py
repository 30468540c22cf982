"""The calendar page: a year of working and non-working days; region administrators
change a day, fill a year in or record its decree there. Thin: check, parse, call
one service, redirect."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.dates import MONTHS, WEEKDAYS_ABBR
from django.utils.translation import gettext as _

from bering.accounts.models import User
from bering.core import clock
from bering.core.errors import DomainError, Forbidden
from bering.deadlines import permissions, selectors, services
from bering.deadlines.forms import DayForm, YearForm
from bering.deadlines.models import DayKind
from bering.orgs.current import request_actor, require_actor


def _this_year(request: HttpRequest) -> int:
    actor = request_actor(request)
    tz = actor.organization.time_zone if actor is not None else settings.TIME_ZONE
    return clock.local_date(clock.now(), tz).year


def _year(request: HttpRequest, raw: str | None) -> int:
    if (
        raw
        and raw.isascii()
        and raw.isdigit()
        and services.MIN_YEAR <= int(raw) <= services.MAX_YEAR
    ):
        return int(raw)
    return _this_year(request)


def _weeks(days: list[selectors.DayView]) -> list[list[selectors.DayView | None]]:
    """A month as weeks from Monday, with blanks before the first and after the last day."""
    cells: list[selectors.DayView | None] = [None] * days[0].date.weekday() + list(days)
    cells += [None] * (-len(cells) % 7)
    return [cells[i : i + 7] for i in range(0, len(cells), 7)]


@login_required
def calendar_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    can_edit = permissions.can_edit_calendar(user)
    if request.method == "POST":
        if not can_edit:
            raise Forbidden(_("Only a region administrator may change the calendar."))
        return _change(request)
    year = _year(request, request.GET.get("year"))
    edit = request.GET.get("edit", "")
    try:
        edit_day = dt.date.fromisoformat(edit) if edit else None
    except ValueError:
        edit_day = None
    if edit_day is not None and edit_day.year != year:
        year = _year(request, str(edit_day.year))
    view = selectors.calendar_year_view(year=year)
    day_form = year_form = None
    if can_edit:
        initial: dict[str, object] = {"date": edit_day}
        if edit_day is not None and edit_day.year == year:
            current = view.days[edit_day.timetuple().tm_yday - 1]
            initial |= {
                "kind": current.kind.value if current.is_exception else "",
                "name": current.name,
            }
        day_form = DayForm(initial=initial)
        year_form = YearForm(
            initial={"decree": view.decree, "official_working_days": view.official_working_days}
        )
    context = {
        "view": view,
        "months": [(MONTHS[i + 1], _weeks(days)) for i, days in enumerate(view.months())],
        "weekdays": [WEEKDAYS_ABBR[i] for i in range(7)],
        "exceptions": [d for d in view.days if d.is_exception],
        "can_edit": can_edit,
        "day_form": day_form,
        "year_form": year_form,
        "edit_day": edit_day,
        "kinds": DayKind,
    }
    return render(request, "deadlines/calendar.html", context)


def _complain(request: HttpRequest, form: DayForm | YearForm) -> None:
    for errors in form.errors.values():
        messages.error(request, " ".join(str(e) for e in errors))


def _change(request: HttpRequest) -> HttpResponse:
    actor = require_actor(request)
    action = request.POST.get("action", "")
    year = _year(request, request.POST.get("year"))
    try:
        if action == "day":
            day_form = DayForm(request.POST)
            if day_form.is_valid():
                day: dt.date = day_form.cleaned_data["date"]
                services.calendar_day_set(
                    actor=actor,
                    day=day,
                    kind=day_form.kind_value(),
                    name=day_form.cleaned_data["name"],
                )
                year = day.year
                messages.success(
                    request, _("The day %(date)s is saved.") % {"date": f"{day:%d.%m.%Y}"}
                )
            else:
                _complain(request, day_form)
        elif action == "seed":
            services.calendar_year_seed(actor=actor, year=year)
            messages.success(request, _("The calendar of %(year)s is filled in.") % {"year": year})
        elif action == "describe":
            year_form = YearForm(request.POST)
            if year_form.is_valid():
                services.calendar_year_describe(
                    actor=actor,
                    year=year,
                    decree=year_form.cleaned_data["decree"],
                    official_working_days=year_form.cleaned_data["official_working_days"],
                )
                messages.success(request, _("The year's decree is saved."))
            else:
                _complain(request, year_form)
        else:
            messages.error(request, _("Unknown action."))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect(f"{reverse('deadlines:calendar')}?year={year}")
