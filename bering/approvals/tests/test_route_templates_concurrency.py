"""Concurrent edits of one route template: stages stay numbered 1..n, names stay unique.

Each edit runs in a thread with its own database connection, all released at the
same moment. The template's row is locked by every edit (on SQLite every
transaction is IMMEDIATE), so they run one after another. Runs on SQLite and on
PostgreSQL (whatever DATABASE_URL says).
"""

from __future__ import annotations

import pytest

from bering.approvals import route_templates
from bering.approvals.models import RouteStage, RouteTemplate
from bering.approvals.tests.test_concurrency import run_together
from bering.audit.selectors import chain_verify
from bering.core.errors import ValidationFailed

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]
EDITS = 6


def orders(template: RouteTemplate) -> list[int]:
    return list(
        RouteStage.objects.filter(template=template)
        .order_by("order")
        .values_list("order", flat=True)
    )


def test_concurrent_stage_edits_keep_orders_one_to_n(registrar, head) -> None:
    template = route_templates.route_template_create(actor=registrar.actor, name="Приказы")
    people = [registrar, head]

    def add(i: int):  # type: ignore[no-untyped-def]
        return lambda: route_templates.route_stage_add(
            actor=people[i % 2].actor, template=template, name=f"Этап {i}"
        )

    results = run_together([add(i) for i in range(EDITS)])
    assert not [r for r in results if isinstance(r, Exception)], results
    assert orders(template) == list(range(1, EDITS + 1))

    stages = list(RouteStage.objects.filter(template=template).order_by("order"))

    def move(stage: RouteStage, direction: str):  # type: ignore[no-untyped-def]
        return lambda: route_templates.route_stage_move(
            actor=registrar.actor, template=template, stage_id=stage.pk, direction=direction
        )

    def remove(stage: RouteStage):  # type: ignore[no-untyped-def]
        return lambda: route_templates.route_stage_remove(
            actor=head.actor, template=template, stage_id=stage.pk
        )

    results = run_together(
        [move(stages[1], "up"), move(stages[2], "down"), remove(stages[3]), move(stages[4], "up")]
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    assert orders(template) == list(range(1, EDITS))
    assert chain_verify() is None


def test_the_same_name_created_at_once_is_a_clear_refusal(registrar, head) -> None:
    def create(persona):  # type: ignore[no-untyped-def]
        return lambda: route_templates.route_template_create(actor=persona.actor, name="Письма")

    results = run_together([create(registrar), create(head), create(registrar)])
    created = [r for r in results if isinstance(r, RouteTemplate)]
    refused = [r for r in results if isinstance(r, ValidationFailed)]
    assert len(created) == 1 and len(refused) == 2, results
    assert all(r.field == "name" for r in refused)
    assert RouteTemplate.objects.filter(name="Письма").count() == 1
