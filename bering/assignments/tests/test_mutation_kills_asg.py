"""Resolutions and extensions, rule by rule (decision 0015: kills the mutants of
``assignments/services/resolutions.py`` and ``extensions.py`` the story tests let live).
Each test asserts what a user sees: the refusal, the status, who is told, the event."""

from __future__ import annotations

import pytest

from bering.assignments import services
from bering.assignments.models import Resolution
from bering.assignments.tests.factories import incoming, issued, spec
from bering.core.errors import Conflict, ValidationFailed
from bering.documents.models import Document
from bering.notifications.models import Notification
from bering.orgs.tests.factories import EmployeeFactory
from conftest import Persona

pytestmark = pytest.mark.django_db


@pytest.fixture
def letter(registrar: Persona) -> Document:
    return incoming(registrar)


def _draft(registrar: Persona, letter: Document, head: Persona, executor: Persona) -> Resolution:
    return services.resolution_draft(
        actor=registrar.actor, document=letter, spec=spec(executor.employee), author=head.employee
    )


# --- Resolutions ----------------------------------------------------------------------


def test_an_inactive_person_cannot_be_named_an_executor(letter: Document, head: Persona) -> None:
    gone = EmployeeFactory(organization=head.org, is_active=False)
    with pytest.raises(ValidationFailed) as exc:
        issued(head, letter, gone)
    assert exc.value.field == "executors"
    assert not Resolution.objects.filter(document=letter).exists()


def test_the_controller_named_by_the_head_is_told_the_head_controlling_is_not(
    letter: Document, head: Persona, executor: Persona, controller: Persona
) -> None:
    named = issued(head, letter, executor.employee, controller=controller.employee)
    assert Notification.objects.filter(
        recipient=controller.employee, object_type="resolution", object_id=named.pk
    ).exists()
    own = issued(head, letter, executor.employee)
    assert own.controller_id == head.employee.pk
    assert not Notification.objects.filter(
        recipient=head.employee, object_type="resolution", object_id=own.pk
    ).exists()


def test_a_draft_is_prepared_only_for_a_head_of_the_documents_organization(
    letter: Document, registrar: Persona, executor: Persona, controller: Persona, outsider: Persona
) -> None:
    assert outsider.employee.is_head  # a head, but of another organization
    for author in (outsider, controller):  # controller: of this organization, but no head
        with pytest.raises(ValidationFailed) as exc:
            services.resolution_draft(
                actor=registrar.actor,
                document=letter,
                spec=spec(executor.employee),
                author=author.employee,
            )
        assert exc.value.field == "author"
    assert not Resolution.objects.filter(document=letter).exists()


def test_confirming_one_draft_leaves_the_other_drafts_waiting(
    letter: Document, registrar: Persona, head: Persona, executor: Persona
) -> None:
    first = _draft(registrar, letter, head, executor)
    second = _draft(registrar, incoming(registrar, number="126-ОД"), head, executor)
    services.resolution_confirm(actor=head.actor, resolution=first)
    second.refresh_from_db()
    assert second.status == Resolution.Status.DRAFT
    services.resolution_confirm(actor=head.actor, resolution=second)
    second.refresh_from_db()
    assert second.status == Resolution.Status.ACTIVE


def test_the_controller_of_the_draft_stays_when_the_head_confirms_it(
    letter: Document, registrar: Persona, head: Persona, executor: Persona, controller: Persona
) -> None:
    draft = services.resolution_draft(
        actor=registrar.actor,
        document=letter,
        spec=spec(executor.employee, controller=controller.employee),
        author=head.employee,
    )
    confirmed = services.resolution_confirm(actor=head.actor, resolution=draft)
    confirmed.refresh_from_db()
    assert confirmed.controller_id == controller.employee.pk


def test_returning_a_draft_already_confirmed_is_a_conflict(
    letter: Document, registrar: Persona, head: Persona, executor: Persona
) -> None:
    draft = _draft(registrar, letter, head, executor)
    services.resolution_confirm(actor=head.actor, resolution=draft)
    draft.refresh_from_db()
    with pytest.raises(Conflict):
        services.resolution_return(actor=head.actor, resolution=draft, note="Не то")


def test_returning_a_draft_confirmed_meanwhile_is_a_conflict_and_keeps_it_issued(
    letter: Document, registrar: Persona, head: Persona, executor: Persona
) -> None:
    draft = _draft(registrar, letter, head, executor)
    stale = Resolution.objects.get(pk=draft.pk)  # the page the head opened before the tap
    services.resolution_confirm(actor=head.actor, resolution=draft)
    with pytest.raises(Conflict):
        services.resolution_return(actor=head.actor, resolution=stale, note="Не то")
    draft.refresh_from_db()
    assert draft.status == Resolution.Status.ACTIVE
    assert not Notification.objects.filter(kind="returned").exists()


def test_returning_one_draft_leaves_the_other_drafts_waiting(
    letter: Document, registrar: Persona, head: Persona, executor: Persona
) -> None:
    first = _draft(registrar, letter, head, executor)
    second = _draft(registrar, incoming(registrar, number="126-ОД"), head, executor)
    services.resolution_return(actor=head.actor, resolution=first, note="Другой исполнитель")
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Resolution.Status.RETURNED
    assert first.return_note == "Другой исполнитель"
    assert second.status == Resolution.Status.DRAFT
    assert Notification.objects.filter(
        recipient=registrar.employee, kind="returned", object_id=first.pk
    ).exists()
