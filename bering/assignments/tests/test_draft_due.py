"""Issue 10, defect 4: the head confirms the date he is shown.

A draft's term runs from the head's decision (decision 0008), so the head's
screen and the API show the due date as it will be if confirmed now (and
tomorrow's when it moves), by the same function the confirmation uses.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

import pytest
from django.utils import timezone

from bering.api.tests.conftest import bearer
from bering.assignments import selectors, services
from bering.assignments.models import Assignment, Resolution
from bering.assignments.terms import Term
from bering.assignments.tests.factories import incoming, spec

pytestmark = pytest.mark.django_db

DATE = re.compile(r"\d\d\.\d\d\.\d{4}")


@contextmanager
def clock_at(moment: dt.datetime) -> Iterator[None]:
    with mock.patch.object(timezone, "now", return_value=moment):
        yield


def _moments(tz: str) -> tuple[dt.datetime, dt.datetime]:
    zone = zoneinfo.ZoneInfo(tz)
    drafted = dt.datetime(2026, 12, 1, 10, 0, tzinfo=zone)  # Tuesday
    decided = dt.datetime(2026, 12, 7, 10, 0, tzinfo=zone)  # the next Monday
    return drafted, decided


def _local(moment: dt.datetime, tz: str) -> str:
    return moment.astimezone(zoneinfo.ZoneInfo(tz)).strftime("%d.%m.%Y")


def _draft(registrar, head, executor, co, drafted):  # type: ignore[no-untyped-def]
    with clock_at(drafted):
        letter = incoming(registrar, title="О завозе топлива")
        return services.resolution_draft(
            actor=registrar.actor,
            document=letter,
            spec=spec(executor.employee, co.employee, days=5),
            author=head.employee,
        )


def test_head_screen_shows_the_date_the_confirmation_stores(registrar, head, executor, controller):
    tz = registrar.org.time_zone
    drafted, decided = _moments(tz)
    draft = _draft(registrar, head, executor, controller, drafted)
    stale = _local(draft.due_at, tz)
    with clock_at(decided):
        page = head.client().get("/assignments/head/").content.decode()
        (shown,) = re.findall(r"<span data-draft-due>([^<]*)</span>", page)
        response = head.client().post(f"/assignments/resolutions/{draft.pk}/confirm/")
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Resolution.Status.ACTIVE
    stored = _local(draft.due_at, tz)
    assert stored != stale  # the term ran from the decision, not from the draft
    # Five working days from Monday 07.12 is Monday 14.12; a day later, Tuesday 15.12.
    # (The words are translated; the dates, in this order, are the point.)
    assert stored == "14.12.2026"
    assert DATE.findall(shown) == ["14.12.2026", "15.12.2026"], shown


def test_fixed_date_does_not_move(registrar, head, executor, controller):
    tz = registrar.org.time_zone
    drafted, decided = _moments(tz)
    with clock_at(drafted):
        letter = incoming(registrar)
        term = services.ResolutionSpec(
            text="Доложить",
            responsible=executor.employee,
            term=Term(kind="date", date=dt.date(2026, 12, 25)),
        )
        draft = services.resolution_draft(
            actor=registrar.actor, document=letter, spec=term, author=head.employee
        )
    with clock_at(decided):
        due = selectors.draft_due_of(Resolution.objects.get(pk=draft.pk))
    assert not due.moves
    assert DATE.findall(due.sentence) == ["25.12.2026"]


def test_api_shows_the_date_the_confirmation_stores(registrar, head, executor, controller):
    tz = registrar.org.time_zone
    drafted, decided = _moments(tz)
    draft = _draft(registrar, head, executor, controller, drafted)
    boss = bearer(head.user)
    with clock_at(decided):
        (body,) = boss.get("/api/v1/resolutions/drafts").json()
        confirmed = boss.post(f"/api/v1/resolutions/{draft.pk}/confirm")
    assert confirmed.status_code == 200, confirmed.json()
    draft.refresh_from_db()
    assert dt.datetime.fromisoformat(body["due_at"]) == draft.due_at
    assert DATE.findall(body["due_note"])[0] == _local(draft.due_at, tz)
    assert body["due_if_confirmed_tomorrow"] is not None
    shown = {a["executor"]: dt.datetime.fromisoformat(a["due_at"]) for a in body["assignments"]}
    stored = dict(Assignment.objects.filter(resolution=draft).values_list("executor", "due_at"))
    assert shown == stored


def test_preview_and_confirmation_agree_on_any_day(registrar, head, executor, controller):
    """Whatever day the head decides, the preview is what the confirmation stores."""
    tz = registrar.org.time_zone
    drafted, _decided = _moments(tz)
    for offset in range(7):
        decided = drafted + dt.timedelta(days=offset, hours=3)
        draft = _draft(registrar, head, executor, controller, drafted)
        with clock_at(decided):
            preview = selectors.draft_due_of(Resolution.objects.get(pk=draft.pk))
            services.resolution_confirm(actor=head.actor, resolution=draft)
        draft.refresh_from_db()
        assert preview.today is not None and preview.today.at == draft.due_at, offset
