"""Connecting organizations, adding staff, substitutions: the services' rules."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from bering.accounts.models import User
from bering.audit.models import AuditEvent
from bering.audit.selectors import chain_verify
from bering.core.errors import Conflict, Forbidden, ValidationFailed
from bering.documents.models import Journal
from bering.documents.numbering import format_number
from bering.documents.onboarding import organization_onboard
from bering.orgs import services
from bering.orgs.models import Employee, Organization, Substitution
from bering.orgs.services import PersonData
from bering.orgs.tests.factories import EmployeeFactory, UserFactory
from bering.orgs.tests.staff_fixtures import TODAY

pytestmark = pytest.mark.usefixtures("kamchatka_noon")


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def connect(actor=None, **kw):
    base = dict(
        actor=actor,
        name="Министерство рыбного хозяйства Камчатского края",
        short_name="Минрыбхоз",
        code="МРХ",
        kind=Organization.Kind.EXECUTIVE,
        connected_on=dt.date(2026, 2, 2),
        registrar=PersonData("Петрова", "Анна", "Сергеевна", position="Секретарь"),
        head=PersonData("Сидоров", "Иван", "Петрович", username="sidorov", position="Министр"),
    )
    base.update(kw)
    return organization_onboard(**base)


@pytest.fixture
def region_admin(registrar):
    User.objects.filter(pk=registrar.user.pk).update(is_region_admin=True)
    registrar.employee.user.refresh_from_db()
    return registrar


def test_connect_creates_people_journals_and_event(db):
    org = connect()
    head = Employee.objects.get(organization=org, is_head=True)
    registrar = Employee.objects.get(organization=org, is_registrar=True)
    assert head.user.username == "sidorov"
    assert head.position.name == "Министр"
    assert registrar.user.username == "petrova.as"
    assert not registrar.user.has_usable_password()
    journals = {j.flow: j for j in Journal.objects.filter(organization=org)}
    assert set(journals) == {"incoming", "outgoing", "internal"}
    assert {t.flow for t in journals["incoming"].document_types.all()} == {"incoming"}
    assert journals["outgoing"].document_types.filter(code="outgoing-letter").exists()
    out = journals["outgoing"]
    assert format_number(template=out.template, index=out.index, seq=7, year=2026) == "МРХ-7"
    event = AuditEvent.objects.get(verb="organization.connected")
    assert event.object_id == org.pk and event.organization_id == org.pk
    assert event.data["code"] == "МРХ" and len(event.data["people"]) == 2
    assert chain_verify() is None


def test_tiny_organization_one_person_is_registrar_and_head(db):
    person = PersonData("Ким", "Ольга", username="kim", position="Директор")
    org = connect(registrar=person, head=person, kind=Organization.Kind.OTHER)
    post = Employee.objects.get(organization=org)
    assert post.is_head and post.is_registrar


def test_only_a_region_admin_connects(registrar, region_admin):
    org = connect(actor=region_admin.actor)
    event = AuditEvent.objects.get(verb="organization.connected")
    assert event.actor_user_id == region_admin.user.pk
    assert event.organization_id == org.pk


def test_others_may_not_connect(executor):
    with pytest.raises(Forbidden):
        connect(actor=executor.actor)
    assert not Organization.objects.filter(code="МРХ").exists()


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"code": "MZ"}, "code"),
        ({"name": "Министерство здравоохранения Камчатского края"}, "name"),
        ({"kind": "ministry"}, "kind"),
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"inn": "12345"}, "inn"),
        ({"short_name": "  "}, "short_name"),
        ({"head": PersonData("", "Иван")}, "head_last_name"),
        ({"registrar": PersonData("Петрова", "Анна", username="bad login")}, "registrar_username"),
    ],
)
def test_connect_refuses_bad_data(health, kw, field):
    with pytest.raises(ValidationFailed) as info:
        connect(**kw)
    assert info.value.field == field
    assert Organization.objects.count() == 1


def test_a_login_of_another_person_is_refused(db):
    UserFactory(username="sidorov", last_name="Другой", first_name="Человек")
    with pytest.raises(ValidationFailed):
        connect()
    assert not Organization.objects.filter(code="МРХ").exists()
    assert not User.objects.filter(last_name="Петрова").exists()


def test_employee_add_reuses_the_same_person_and_refuses_a_duplicate_post(health, education):
    person = PersonData("Иванова", "Мария", username="ivanova", position="Консультант")
    first = services.employee_add(
        actor=None, organization=health, person=person, is_controller=True
    )
    assert first.is_controller and first.position.name == "Консультант"
    second = services.employee_add(actor=None, organization=education, person=person)
    assert second.user_id == first.user_id
    with pytest.raises(Conflict):
        services.employee_add(actor=None, organization=health, person=person)
    assert AuditEvent.objects.filter(verb="employee.added").count() == 2


def test_generated_logins_are_unique(health):
    a = services.employee_add(actor=None, organization=health, person=PersonData("Щукин", "Юрий"))
    b = services.employee_add(actor=None, organization=health, person=PersonData("Щукин", "Юрий"))
    assert a.user.username == "shchukin.yu"
    assert b.user.username == "shchukin.yu2"


def test_employee_add_permissions(registrar, executor, outsider, health):
    person = PersonData("Новикова", "Нина")
    with pytest.raises(Forbidden):
        services.employee_add(actor=executor.actor, organization=health, person=person)
    Employee.objects.filter(pk=outsider.employee.pk).update(is_org_admin=True)
    outsider.employee.refresh_from_db()
    with pytest.raises(Forbidden):
        services.employee_add(actor=outsider.actor, organization=health, person=person)
    Employee.objects.filter(pk=executor.employee.pk).update(is_org_admin=True)
    executor.employee.refresh_from_db()
    added = services.employee_add(actor=executor.actor, organization=health, person=person)
    assert added.organization == health


# --- Substitutions: Vera acts for Boris the head while he is away ---------------------------


def substitute(actor, absent, substitute_, start=TODAY, days=7, **kw):
    return services.substitution_create(
        actor=actor,
        absent=absent,
        substitute=substitute_,
        starts_on=start,
        ends_on=start + dt.timedelta(days=days),
        **kw,
    )


def test_head_arranges_a_substitution(head, executor):
    s = substitute(head.actor, head.employee, executor.employee, reason="Отпуск")
    assert s.reason == "Отпуск"
    event = AuditEvent.objects.get(verb="substitution.created")
    assert event.data["absent"] == "boris" and event.data["substitute"] == "vera"
    assert event.organization_id == head.org.pk


def test_substitution_validation(head, executor, controller, outsider):
    with pytest.raises(ValidationFailed, match="themselves"):
        substitute(head.actor, head.employee, head.employee)
    other_post = EmployeeFactory(user=head.user, organization=head.org)
    with pytest.raises(ValidationFailed, match="themselves"):
        substitute(head.actor, head.employee, other_post)
    with pytest.raises(ValidationFailed, match="same organization"):
        substitute(head.actor, head.employee, outsider.employee)
    with pytest.raises(ValidationFailed, match="before the start"):
        substitute(head.actor, head.employee, executor.employee, days=-1)
    with pytest.raises(ValidationFailed, match="past"):
        substitute(head.actor, head.employee, executor.employee, start=TODAY - dt.timedelta(30))
    with pytest.raises(ValidationFailed, match="at most a year"):
        substitute(head.actor, head.employee, executor.employee, days=400)
    substitute(head.actor, head.employee, executor.employee)
    with pytest.raises(ValidationFailed, match="already substitutes"):
        substitute(head.actor, head.employee, controller.employee, start=TODAY + dt.timedelta(3))
    with pytest.raises(ValidationFailed, match="absent themselves"):
        substitute(head.actor, controller.employee, head.employee, start=TODAY + dt.timedelta(2))
    assert Substitution.objects.count() == 1


def test_who_may_arrange_a_substitution(head, executor, controller, outsider):
    with pytest.raises(Forbidden):
        substitute(executor.actor, head.employee, controller.employee)
    with pytest.raises(Forbidden):
        substitute(outsider.actor, head.employee, controller.employee)
    mine = substitute(executor.actor, executor.employee, controller.employee)
    assert mine.absent == executor.employee


def test_substitution_end(head, executor):
    s = substitute(head.actor, head.employee, executor.employee, days=10)
    ended = services.substitution_end(actor=head.actor, substitution=s, on=TODAY + dt.timedelta(2))
    assert ended.ends_on == TODAY + dt.timedelta(2)
    with pytest.raises(Conflict):
        services.substitution_end(actor=head.actor, substitution=s, on=TODAY + dt.timedelta(5))
    with pytest.raises(ValidationFailed):
        services.substitution_end(actor=head.actor, substitution=s, on=TODAY - dt.timedelta(1))
    event = AuditEvent.objects.get(verb="substitution.ended")
    assert event.data["was"] == str(TODAY + dt.timedelta(10))
    assert chain_verify() is None
