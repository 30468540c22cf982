"""An assignment's queries join few tables (issue 14, decision 0026).

Joined with its executor, the resolution's author and controller and their users, an
assignment list's query had 13 tables, which PostgreSQL took ~12 ms to plan; the
people now come in small queries of their own.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bering.assignments import selectors
from bering.assignments.tests.factories import incoming, issued

pytestmark = pytest.mark.django_db


def test_the_list_and_the_getter_join_few_tables_and_have_every_name_in_hand(
    registrar, head, executor, controller, django_assert_num_queries
):
    letter = incoming(registrar)
    resolution = issued(head, letter, executor.employee, controller=controller.employee)
    with CaptureQueriesContext(connection) as ctx:
        rows = selectors.assignments_mine(executor.actor)
        item = selectors.assignment_get_for_user(executor.actor, rows[0].assignment.pk)
    joins = {q["sql"][:90]: q["sql"].count(" JOIN ") for q in ctx.captured_queries}
    assert max(joins.values()) <= 5, joins  # 12 before
    with django_assert_num_queries(0):
        for assignment in (rows[0].assignment, item):
            names = (
                assignment.executor.user.last_name,
                assignment.executor.position.name,
                assignment.resolution.author.user.last_name,
                assignment.resolution.controller.user.last_name,
                assignment.document.doc_type.name,
            )
            assert names[0] == executor.user.last_name
            assert names[3] == controller.user.last_name
    assert item.resolution == resolution
    with django_assert_num_queries(0):
        assert item.resolution.document.organization.pk == letter.organization_id
