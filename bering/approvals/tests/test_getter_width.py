"""The visa's getter joins few tables (issue 14, decision 0026).

Joined with its document's people and its approver's user and position, the getter's
query had 15 tables, which PostgreSQL took ~12 ms to plan for a 0.4 ms read; the
people now come in small queries of their own.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bering.approvals import selectors, services
from bering.approvals.tests.test_mutation_kills_app2 import pending, stage

pytestmark = pytest.mark.django_db


def test_the_visa_getter_joins_few_tables_and_has_every_name_in_hand(
    draft, executor, lawyer, django_assert_num_queries
):
    services.approval_start(actor=executor.actor, document=draft, plan=[stage(lawyer)])
    visa = pending(draft, lawyer)
    with CaptureQueriesContext(connection) as ctx:
        got = selectors.visa_get_for_user(lawyer.actor, visa.pk)
    assert max(q["sql"].count(" JOIN ") for q in ctx.captured_queries) <= 5  # 14 before
    assert len(ctx.captured_queries) <= 5  # the visa, its approver, the author, the signer
    with django_assert_num_queries(0):
        names = (
            got.approver.user.last_name,
            got.approver.position.name,
            got.run.document.author.user.last_name,
            got.run.document.doc_type.name,
            got.stage.name,
            got.decided_by_user,
            got.remark_file,
        )
    assert names[0] == lawyer.user.last_name
    assert names[2] == executor.user.last_name
