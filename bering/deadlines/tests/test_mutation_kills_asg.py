"""Who changes the calendar (decision 0015: kills the mutants of
``deadlines/permissions.py``): an active region administrator only."""

from __future__ import annotations

import itertools

import pytest

from bering.accounts.models import User
from bering.deadlines.permissions import can_edit_calendar


@pytest.mark.parametrize(("active", "admin"), list(itertools.product((True, False), repeat=2)))
def test_only_an_active_region_admin_edits_the_calendar(active: bool, admin: bool) -> None:
    user = User(username="u", is_active=active, is_region_admin=admin)
    assert can_edit_calendar(user) is (active and admin)
