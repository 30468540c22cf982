"""People and a substitution for the tests of the staff page and the staff API
(``orgs/tests/test_staff.py``, ``api/tests/test_staff_api.py``), loaded as a pytest
plugin by the root ``conftest.py``; a test module's own fixture of a name wins."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from bering.accounts.models import User
from bering.core import clock
from bering.orgs.models import Substitution

TODAY = clock.local_date(clock.now(), "Asia/Kamchatka")
NOON = dt.datetime.combine(TODAY, dt.time(12), tzinfo=zoneinfo.ZoneInfo("Asia/Kamchatka"))


@pytest.fixture
def kamchatka_noon(monkeypatch):
    """The services' clock at noon of ``TODAY`` in Kamchatka: a run that crosses
    midnight there (12:00 UTC) would otherwise see «today» move under ``TODAY``."""
    monkeypatch.setattr(clock, "now", lambda: NOON)
    return NOON


@pytest.fixture
def org_admin(health):
    """Kira, the administrator of the Ministry of Health."""
    from conftest import _persona

    return _persona(health, "kira", "Кириллова", "Кира", "Кадровик", is_org_admin=True)


@pytest.fixture
def foreign_admin(education):
    """Yana, the administrator of another organization (the Ministry of Education)."""
    from conftest import _persona

    return _persona(education, "yana", "Янова", "Яна", "Кадровик", is_org_admin=True)


@pytest.fixture
def region_admin(outsider):
    """Oleg of the Ministry of Education, made the region's administrator."""
    User.objects.filter(pk=outsider.user.pk).update(is_region_admin=True)
    outsider.employee.user.refresh_from_db()
    return outsider


@pytest.fixture
def substitution(executor, controller):
    """Dmitry substitutes Vera from two days ago to ten days ahead."""
    return Substitution.objects.create(
        absent=executor.employee,
        substitute=controller.employee,
        starts_on=TODAY - dt.timedelta(days=2),
        ends_on=TODAY + dt.timedelta(days=10),
        reason="отпуск",
    )
