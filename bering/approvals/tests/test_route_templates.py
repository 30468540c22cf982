"""Keeping route templates: Alice (registrar) sets up the Ministry of Health's usual routes.

Boris (head) and an organization administrator may too; Vera (executor) may read
them but not change them; Oleg of the Ministry of Education never sees them and
cannot name his ministry's people in them.
"""

from __future__ import annotations

import pytest

from bering.approvals import route_templates, selectors
from bering.approvals.models import RouteParticipant, RouteStage, RouteTemplate
from bering.audit.models import AuditEvent
from bering.core.errors import Forbidden, NotFound, ValidationFailed
from bering.documents.tests.factories import doc_type
from bering.orgs.models import Department
from conftest import _persona


@pytest.fixture
def template(registrar) -> RouteTemplate:
    return route_templates.route_template_create(actor=registrar.actor, name="Приказы")


def stage_names(template: RouteTemplate) -> list[tuple[int, str]]:
    return list(
        RouteStage.objects.filter(template=template).order_by("order").values_list("order", "name")
    )


def verbs(template: RouteTemplate) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type="route_template", object_id=template.pk)
        .order_by("pk")
        .values_list("verb", flat=True)
    )


def test_registrar_sets_up_a_two_stage_route(registrar, lawyer, economist, health) -> None:
    legal_dept = Department.objects.create(organization=health, name="Правовой отдел")
    template = route_templates.route_template_create(
        actor=registrar.actor, name="  Нормативные   акты ", doc_type_id=doc_type("order").pk
    )
    assert template.name == "Нормативные акты" and template.is_active
    legal = route_templates.route_stage_add(
        actor=registrar.actor, template=template, name="Юристы", mode="sequential", days=2
    )
    top = route_templates.route_stage_add(
        actor=registrar.actor, template=template, name="Руководство"
    )
    assert (legal.order, top.order) == (1, 2) and top.days is None and top.mode == "parallel"
    route_templates.route_participant_add(
        actor=registrar.actor,
        template=template,
        stage_id=legal.pk,
        kind="position",
        position_id=lawyer.employee.position_id,
    )
    route_templates.route_participant_add(
        actor=registrar.actor,
        template=template,
        stage_id=legal.pk,
        kind="employee",
        employee_id=economist.employee.pk,
        position_id=lawyer.employee.position_id,  # ignored: not the field of the kind
    )
    route_templates.route_participant_add(
        actor=registrar.actor,
        template=template,
        stage_id=top.pk,
        kind="dept_head",
        department_id=legal_dept.pk,
    )
    route_templates.route_participant_add(
        actor=registrar.actor, template=template, stage_id=top.pk, kind="org_head"
    )
    people = list(
        RouteParticipant.objects.filter(stage__template=template)
        .order_by("stage__order", "order")
        .values_list("stage__order", "order", "kind", "employee", "position", "department")
    )
    assert people == [
        (1, 1, "position", None, lawyer.employee.position_id, None),
        (1, 2, "employee", economist.employee.pk, None, None),
        (2, 1, "dept_head", None, None, legal_dept.pk),
        (2, 2, "org_head", None, None, None),
    ]
    assert verbs(template) == [
        "route.created",
        "route.stage_added",
        "route.stage_added",
        "route.participant_added",
        "route.participant_added",
        "route.participant_added",
        "route.participant_added",
    ]
    event = AuditEvent.objects.filter(verb="route.participant_added").first()
    assert event is not None
    assert event.actor_user_id == registrar.user.pk and event.organization_id == health.pk
    assert event.data["kind"] == "position" and event.data["label"].endswith(
        lawyer.employee.position.name
    )


def test_head_and_org_admin_may_keep_routes_executor_may_not(
    health, head, executor, template
) -> None:
    admin = _persona(health, "kira", "Кириллова", "Кира", "Администратор", is_org_admin=True)
    route_templates.route_stage_add(actor=head.actor, template=template, name="Руководитель")
    route_templates.route_template_update(
        actor=admin.actor, template=template, name="Приказы министра"
    )
    with pytest.raises(Forbidden):
        route_templates.route_template_create(actor=executor.actor, name="Мой маршрут")
    with pytest.raises(Forbidden):
        route_templates.route_stage_add(actor=executor.actor, template=template, name="Ещё")
    with pytest.raises(Forbidden):
        route_templates.route_template_update(
            actor=executor.actor, template=template, is_active=False
        )
    # Vera reads the organization's templates, but the getter for a change refuses.
    assert selectors.route_template_get_for_user(executor.actor, template.pk) == template
    with pytest.raises(Forbidden):
        selectors.route_template_get_for_user(executor.actor, template.pk, for_write=True)
    assert RouteStage.objects.filter(template=template).count() == 1
    assert RouteTemplate.objects.filter(organization=health).count() == 1


def test_another_organization_gets_not_found(outsider, template) -> None:
    with pytest.raises(NotFound):
        selectors.route_template_get_for_user(outsider.actor, template.pk)
    with pytest.raises(NotFound):
        route_templates.route_stage_add(actor=outsider.actor, template=template, name="Чужой этап")
    with pytest.raises(NotFound):
        route_templates.route_template_update(actor=outsider.actor, template=template, name="Чужое")
    assert list(selectors.route_templates_kept(outsider.actor)) == []
    assert stage_names(template) == []


def test_name_is_unique_in_the_organization(registrar, outsider, template) -> None:
    with pytest.raises(ValidationFailed) as exc:
        route_templates.route_template_create(actor=registrar.actor, name="Приказы")
    assert exc.value.field == "name" and exc.value.code == "name_taken"
    assert "Приказы" in str(exc.value.message)
    other = route_templates.route_template_create(actor=registrar.actor, name="Письма")
    with pytest.raises(ValidationFailed):
        route_templates.route_template_update(actor=registrar.actor, template=other, name="Приказы")
    # Another ministry may have its own «Приказы».
    assert (
        route_templates.route_template_create(actor=outsider.actor, name="Приказы").pk
        != template.pk
    )
    with pytest.raises(ValidationFailed) as empty:
        route_templates.route_template_create(actor=registrar.actor, name="   ")
    assert empty.value.field == "name"
    with pytest.raises(ValidationFailed) as long:
        route_templates.route_template_create(actor=registrar.actor, name="Я" * 201)
    assert long.value.field == "name"
    with pytest.raises(ValidationFailed) as kind:
        route_templates.route_template_create(
            actor=registrar.actor, name="Новый", doc_type_id=10**9
        )
    assert kind.value.field == "doc_type"


def test_rename_change_type_and_switch_off(registrar, executor, template) -> None:
    route_templates.route_template_update(
        actor=registrar.actor, template=template, name="Приказы", doc_type_id=doc_type("order").pk
    )
    route_templates.route_template_update(actor=registrar.actor, template=template, is_active=False)
    route_templates.route_template_update(actor=registrar.actor, template=template, is_active=False)
    template.refresh_from_db()
    assert template.doc_type == doc_type("order") and not template.is_active
    # Authors no longer see it; the keepers still do.
    assert list(selectors.route_templates_for(executor.actor)) == []
    assert list(selectors.route_templates_kept(executor.actor)) == [template]
    route_templates.route_template_update(
        actor=registrar.actor, template=template, doc_type_id=None
    )
    route_templates.route_template_update(actor=registrar.actor, template=template, is_active=True)
    template.refresh_from_db()
    assert template.doc_type is None and template.is_active
    # A change that changes nothing writes nothing.
    assert verbs(template) == [
        "route.created",
        "route.changed",
        "route.deactivated",
        "route.changed",
        "route.activated",
    ]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "Этап", "days": 0}, "days"),
        ({"name": "Этап", "days": 31}, "days"),
        ({"name": "Этап", "mode": "random"}, "mode"),
    ],
)
def test_stage_input_is_checked(registrar, template, changes, field) -> None:
    with pytest.raises(ValidationFailed) as exc:
        route_templates.route_stage_add(actor=registrar.actor, template=template, **changes)
    assert exc.value.field == field
    assert stage_names(template) == []


def test_stage_is_changed_only_where_asked(registrar, template) -> None:
    stage = route_templates.route_stage_add(
        actor=registrar.actor, template=template, name="Юристы", days=3
    )
    route_templates.route_stage_update(
        actor=registrar.actor, template=template, stage_id=stage.pk, mode="sequential"
    )
    stage.refresh_from_db()
    assert (stage.name, stage.mode, stage.days) == ("Юристы", "sequential", 3)
    route_templates.route_stage_update(
        actor=registrar.actor, template=template, stage_id=stage.pk, name="Право", days=None
    )
    stage.refresh_from_db()
    assert (stage.name, stage.mode, stage.days) == ("Право", "sequential", None)
    with pytest.raises(ValidationFailed):
        route_templates.route_stage_update(
            actor=registrar.actor, template=template, stage_id=stage.pk, days=45
        )


def test_stages_move_and_go_keeping_orders_one_to_n(registrar, template) -> None:
    ids = {
        name: route_templates.route_stage_add(
            actor=registrar.actor, template=template, name=name
        ).pk
        for name in ("А", "Б", "В", "Г")
    }
    route_templates.route_stage_move(
        actor=registrar.actor, template=template, stage_id=ids["В"], direction="up"
    )
    assert stage_names(template) == [(1, "А"), (2, "В"), (3, "Б"), (4, "Г")]
    route_templates.route_stage_move(
        actor=registrar.actor, template=template, stage_id=ids["А"], direction="down"
    )
    assert stage_names(template) == [(1, "В"), (2, "А"), (3, "Б"), (4, "Г")]
    before = len(verbs(template))
    route_templates.route_stage_move(
        actor=registrar.actor, template=template, stage_id=ids["В"], direction="up"
    )
    route_templates.route_stage_move(
        actor=registrar.actor, template=template, stage_id=ids["Г"], direction="down"
    )
    assert len(verbs(template)) == before  # at the edge nothing moves, nothing is written
    route_templates.route_stage_remove(actor=registrar.actor, template=template, stage_id=ids["А"])
    assert stage_names(template) == [(1, "В"), (2, "Б"), (3, "Г")]
    with pytest.raises(ValidationFailed):
        route_templates.route_stage_move(
            actor=registrar.actor, template=template, stage_id=ids["Б"], direction="sideways"
        )
    with pytest.raises(NotFound):
        route_templates.route_stage_remove(
            actor=registrar.actor, template=template, stage_id=ids["А"]
        )
    assert verbs(template)[-1] == "route.stage_removed"


def test_stages_the_admin_left_with_gaps_are_renumbered(registrar, template) -> None:
    RouteStage.objects.create(template=template, order=2, name="Первый")
    RouteStage.objects.create(template=template, order=5, name="Второй")
    route_templates.route_stage_add(actor=registrar.actor, template=template, name="Третий")
    assert stage_names(template) == [(1, "Первый"), (2, "Второй"), (3, "Третий")]


def test_a_stage_of_another_template_is_not_found(registrar, template) -> None:
    other = route_templates.route_template_create(actor=registrar.actor, name="Письма")
    stage = route_templates.route_stage_add(actor=registrar.actor, template=other, name="Юристы")
    with pytest.raises(NotFound):
        route_templates.route_stage_update(
            actor=registrar.actor, template=template, stage_id=stage.pk, name="Чужой"
        )
    with pytest.raises(NotFound):
        route_templates.route_participant_add(
            actor=registrar.actor, template=template, stage_id=stage.pk, kind="org_head"
        )
    with pytest.raises(NotFound):
        route_templates.route_stage_remove(
            actor=registrar.actor, template=template, stage_id=10**30
        )


@pytest.mark.parametrize(
    ("kind", "field"),
    [("employee", "employee"), ("position", "position"), ("dept_head", "department")],
)
def test_participant_needs_the_field_of_its_kind(registrar, template, kind, field) -> None:
    stage = route_templates.route_stage_add(actor=registrar.actor, template=template, name="Этап")
    with pytest.raises(ValidationFailed) as exc:
        route_templates.route_participant_add(
            actor=registrar.actor, template=template, stage_id=stage.pk, kind=kind
        )
    assert exc.value.field == field
    with pytest.raises(ValidationFailed) as unknown:
        route_templates.route_participant_add(
            actor=registrar.actor, template=template, stage_id=stage.pk, kind="governor"
        )
    assert unknown.value.field == "kind"
    assert not RouteParticipant.objects.exists()


def test_people_posts_and_departments_of_another_organization_are_not_found(
    registrar, outsider, education, template
) -> None:
    stage = route_templates.route_stage_add(actor=registrar.actor, template=template, name="Этап")
    foreign_dept = Department.objects.create(organization=education, name="Отдел Минобра")
    for kind, ids in (
        ("employee", {"employee_id": outsider.employee.pk}),
        ("position", {"position_id": outsider.employee.position_id}),
        ("dept_head", {"department_id": foreign_dept.pk}),
        ("employee", {"employee_id": 10**30}),
    ):
        with pytest.raises(NotFound):
            route_templates.route_participant_add(
                actor=registrar.actor, template=template, stage_id=stage.pk, kind=kind, **ids
            )
    assert not RouteParticipant.objects.exists()


def test_participant_twice_or_gone_is_refused(registrar, lawyer, template) -> None:
    stage = route_templates.route_stage_add(actor=registrar.actor, template=template, name="Этап")
    add = {"actor": registrar.actor, "template": template, "stage_id": stage.pk}
    route_templates.route_participant_add(**add, kind="employee", employee_id=lawyer.employee.pk)
    route_templates.route_participant_add(**add, kind="org_head")
    with pytest.raises(ValidationFailed):
        route_templates.route_participant_add(
            **add, kind="employee", employee_id=lawyer.employee.pk
        )
    with pytest.raises(ValidationFailed):
        route_templates.route_participant_add(**add, kind="org_head")
    lawyer.employee.is_active = False
    lawyer.employee.save(update_fields=["is_active"])
    first = RouteParticipant.objects.get(kind="employee")
    route_templates.route_participant_remove(**add, participant_id=first.pk)
    with pytest.raises(ValidationFailed) as gone:
        route_templates.route_participant_add(
            **add, kind="employee", employee_id=lawyer.employee.pk
        )
    assert gone.value.field == "employee"
    assert list(RouteParticipant.objects.values_list("kind", "order")) == [("org_head", 1)]
    with pytest.raises(NotFound):
        route_templates.route_participant_remove(**add, participant_id=first.pk)
    assert verbs(template)[-1] == "route.participant_removed"


def test_removing_a_stage_removes_its_participants(registrar, lawyer, template) -> None:
    stage = route_templates.route_stage_add(actor=registrar.actor, template=template, name="Этап")
    route_templates.route_participant_add(
        actor=registrar.actor,
        template=template,
        stage_id=stage.pk,
        kind="employee",
        employee_id=lawyer.employee.pk,
    )
    route_templates.route_stage_remove(actor=registrar.actor, template=template, stage_id=stage.pk)
    assert not RouteParticipant.objects.exists()
    event = AuditEvent.objects.get(verb="route.stage_removed")
    assert event.data["participants"][0]["employee"] == lawyer.employee.pk
