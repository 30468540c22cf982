"""Personas shared by every test: the people of two organizations of the region.

Kamchatka's Ministry of Health: Alice the registrar, Boris the head (Минздрав),
Vera an executor, Dmitry the controller. Another organization, the Ministry of
Education: Oleg, an outsider who must never see the Ministry of Health's papers.
Citizen Galina has no post at all.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.test import Client

from bering.orgs.actor import Actor
from bering.orgs.models import Employee, Organization
from bering.orgs.tests.factories import (
    PASSWORD,
    EmployeeFactory,
    OrganizationFactory,
    PositionFactory,
    UserFactory,
)

# The staff page's and the staff API's people (org_admin, foreign_admin, region_admin)
# and a substitution: one home for both test modules.
pytest_plugins = ["bering.orgs.tests.staff_fixtures"]

FIXTURES = Path(__file__).parent / "bering" / "files" / "tests" / "fixtures"


@dataclass
class Persona:
    employee: Employee

    @property
    def user(self):  # type: ignore[no-untyped-def]
        return self.employee.user

    @property
    def actor(self) -> Actor:
        return Actor(user=self.employee.user, post=self.employee)

    @property
    def org(self) -> Organization:
        return self.employee.organization

    def client(self) -> Client:
        client = Client()
        client.force_login(self.employee.user)
        return client


def _persona(
    org: Organization, username: str, last: str, first: str, position: str, **roles: bool
) -> Persona:
    user = UserFactory(username=username, last_name=last, first_name=first)
    pos = PositionFactory(organization=org, name=position)
    return Persona(EmployeeFactory(user=user, organization=org, position=pos, **roles))


@pytest.fixture
def health(db: None) -> Organization:
    return OrganizationFactory(
        name="Министерство здравоохранения Камчатского края", short_name="Минздрав", code="MZ"
    )


@pytest.fixture
def education(db: None) -> Organization:
    return OrganizationFactory(
        name="Министерство образования Камчатского края", short_name="Минобр", code="MO"
    )


@pytest.fixture
def registrar(health: Organization) -> Persona:
    return _persona(health, "alice", "Алексеева", "Алиса", "Делопроизводитель", is_registrar=True)


@pytest.fixture
def head(health: Organization) -> Persona:
    return _persona(health, "boris", "Борисов", "Борис", "Министр", is_head=True)


@pytest.fixture
def executor(health: Organization) -> Persona:
    return _persona(health, "vera", "Васильева", "Вера", "Консультант")


@pytest.fixture
def controller(health: Organization) -> Persona:
    return _persona(health, "dmitry", "Дмитриев", "Дмитрий", "Референт", is_controller=True)


@pytest.fixture
def outsider(education: Organization) -> Persona:
    return _persona(
        education, "oleg", "Олегов", "Олег", "Делопроизводитель", is_registrar=True, is_head=True
    )


@pytest.fixture
def citizen(db: None):  # type: ignore[no-untyped-def]
    return UserFactory(username="galina", last_name="Гусева", first_name="Галина")


@pytest.fixture(autouse=True)
def _media_root(tmp_path: Path, settings) -> Iterator[None]:  # type: ignore[no-untyped-def]
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.BERING_DEMO_PKI_DIR = tmp_path / "demo-pki"
    settings.AXES_ENABLED = False
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # One process's memory, empty for each test: never another test's report figures.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "bering-tests",
        }
    }
    from django.core.cache import cache as django_cache

    django_cache.clear()
    from bering.deadlines import cache

    cache.invalidate()  # a test that edits the calendar must not leak into the next
    yield


@pytest.fixture(autouse=True)
def _audit_chain_head(request: pytest.FixtureRequest) -> None:
    """A transactional test (or a live server's) starts from a flushed database, which a
    real one never is: the migrations' chain head of the audit log is put back, as the
    migration made it. Without it ``audit.record`` refuses to write (decision 0001)."""
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker is not None and marker.kwargs.get("transaction"))
    if not (transactional or "live_server" in request.fixturenames):
        return
    request.getfixturevalue("transactional_db")
    from bering.audit.models import ROOT_CHAIN, AuditChainHead
    from bering.audit.services import GENESIS

    AuditChainHead.objects.get_or_create(pk=ROOT_CHAIN, defaults={"last_hash": GENESIS})


__all__ = ["PASSWORD"]


# --- Browser tests: Debian's chromium, never a downloaded browser ------------------
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):  # type: ignore[no-untyped-def]
    import os

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--lang=ru-RU",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):  # type: ignore[no-untyped-def]
    """A tablet held upright (iPad-sized), in Russian."""
    return {
        **browser_context_args,
        "viewport": {"width": 820, "height": 1180},
        "locale": "ru-RU",
        "timezone_id": "Asia/Kamchatka",
        "has_touch": True,
    }


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Transactional tests empty every table when they end; restore the data
    migrations' rows (document types) afterwards, so later tests still see them."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker is not None and marker.kwargs.get("transaction"):
            kwargs = {**marker.kwargs, "serialized_rollback": True}
            item.add_marker(pytest.mark.django_db(*marker.args, **kwargs), append=False)
