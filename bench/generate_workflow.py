"""Approval rounds, visas and assignments for the bench region (after bench/generate.py).

A year of work: rounds with two or three stages and a signing stage, about one in
six returned once for rework; assignments of issued resolutions, a fifth of them
late. Rows go in with bulk_create; the times are plausible, not calendar-exact.

    BERING_DATA_DIR=/tmp/bench .venv/bin/python bench/generate_workflow.py --approvals 40000
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from bering.approvals.models import ApprovalRun, Stage, Visa  # noqa: E402
from bering.approvals.reference import ensure_regulations  # noqa: E402
from bering.assignments.models import Assignment, Resolution  # noqa: E402
from bering.documents.models import Document  # noqa: E402
from bering.orgs.models import Employee  # noqa: E402

STAGES = ["Правовое управление", "Финансово-экономический отдел", "Заместитель министра"]
BATCH = 5000


def _hours(rng: random.Random, low: float, high: float) -> dt.timedelta:
    return dt.timedelta(hours=rng.uniform(low, high))


def generate(*, approvals: int, assignments: int, seed: int = 11) -> None:
    rng = random.Random(seed)
    ensure_regulations()
    start_clock = time.perf_counter()
    now = timezone.now()
    staff: dict[int, list[int]] = {}
    for pk, org_id in Employee.objects.values_list("pk", "organization_id"):
        staff.setdefault(org_id, []).append(pk)
    docs = list(Document.objects.values_list("pk", "organization_id", "author_id")[:approvals])
    runs: list[ApprovalRun] = []
    plans: list[list[tuple[str, bool, int, dt.datetime, dt.datetime, dt.datetime]]] = []
    for doc_id, org_id, author_id in docs:
        people = staff[org_id]
        start = now - dt.timedelta(days=rng.uniform(20, 365))
        rounds = 2 if rng.random() < 0.17 else 1
        for number in range(1, rounds + 1):
            signed = number == rounds
            moment = start
            stages = []
            names = STAGES[: rng.choice((2, 3))] + (["Подписание"] if signed else [])
            if not signed:
                names = names[:1]
            for name in names:
                took = _hours(rng, 1, 24 * (6 if name == STAGES[0] else 3))
                due = moment + dt.timedelta(days=1, hours=9)
                approver = rng.choice(people)
                stages.append((name, name == "Подписание", approver, moment, moment + took, due))
                moment += took
            runs.append(
                ApprovalRun(
                    document_id=doc_id,
                    round=number,
                    status="signed" if signed else "returned",
                    started_by_id=author_id,
                    started_at=start,
                    finished_at=moment if moment < now else None,
                    due_at=start + dt.timedelta(days=4),
                )
            )
            plans.append(stages)
            start = moment + _hours(rng, 2, 48)
    with transaction.atomic():
        created_runs: list[ApprovalRun] = []
        for i in range(0, len(runs), BATCH):
            created_runs += ApprovalRun.objects.bulk_create(runs[i : i + BATCH])
        stage_rows: list[Stage] = []
        visa_plan: list[tuple[int, int, dt.datetime, dt.datetime, dt.datetime, bool]] = []
        for run, stages in zip(created_runs, plans, strict=True):
            for order, (name, signing, approver, began, ended, due) in enumerate(stages, 1):
                stage_rows.append(
                    Stage(
                        run=run,
                        order=order,
                        name=name,
                        is_signing=signing,
                        days=1,
                        status="done",
                        started_at=began,
                        finished_at=ended,
                        due_at=due,
                    )
                )
                visa_plan.append((run.pk, approver, began, ended, due, signing))
        created_stages: list[Stage] = []
        for i in range(0, len(stage_rows), BATCH):
            created_stages += Stage.objects.bulk_create(stage_rows[i : i + BATCH])
        visas = [
            Visa(
                run_id=run_id,
                stage=stage,
                approver_id=approver,
                kind="sign" if signing else "visa",
                status=("pending" if ended > now else "signed" if signing else "agreed"),
                activated_at=began,
                due_at=due,
                decided_at=None if ended > now else ended,
            )
            for stage, (run_id, approver, began, ended, due, signing) in zip(
                created_stages, visa_plan, strict=True
            )
        ]
        for i in range(0, len(visas), BATCH):
            Visa.objects.bulk_create(visas[i : i + BATCH])
    print(
        f"generated {len(created_runs)} rounds, {len(created_stages)} stages, "
        f"{len(visas)} visas in {time.perf_counter() - start_clock:.1f} s"
    )
    _assignments(rng, assignments, staff, now)
    print(f"workflow data ready in {time.perf_counter() - start_clock:.1f} s")


def _assignments(
    rng: random.Random, count: int, staff: dict[int, list[int]], now: dt.datetime
) -> None:
    docs = list(
        Document.objects.filter(status="registered").values_list("pk", "organization_id")[:count]
    )
    resolutions = []
    for doc_id, org_id in docs:
        issued = now - dt.timedelta(days=rng.uniform(1, 365))
        head = staff[org_id][0]
        resolutions.append(
            Resolution(
                organization_id=org_id,
                document_id=doc_id,
                author_id=head,
                controller_id=head,
                text="Подготовить ответ",
                term_kind="working",
                term_days=10,
                due_at=issued + dt.timedelta(days=14),
                due_explanation="",
                status="active",
                issued_at=issued,
            )
        )
    with transaction.atomic():
        made: list[Resolution] = []
        for i in range(0, len(resolutions), BATCH):
            made += Resolution.objects.bulk_create(resolutions[i : i + BATCH])
        rows = []
        for resolution in made:
            assert resolution.issued_at is not None
            due = resolution.due_at
            took = dt.timedelta(days=rng.uniform(1, 18))
            finished = resolution.issued_at + took
            done = finished < now
            rows.append(
                Assignment(
                    resolution=resolution,
                    organization_id=resolution.organization_id,
                    document_id=resolution.document_id,
                    executor_id=rng.choice(staff[resolution.organization_id]),
                    role="responsible",
                    due_at=due,
                    first_due_at=due,
                    due_explanation="",
                    status="done" if done else "in_progress",
                    reported_at=finished if done else None,
                    done_at=finished + dt.timedelta(hours=4) if done else None,
                )
            )
        for i in range(0, len(rows), BATCH):
            Assignment.objects.bulk_create(rows[i : i + BATCH])
    print(f"generated {len(made)} resolutions and {len(rows)} assignments")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--approvals", type=int, default=40_000)
    parser.add_argument("--assignments", type=int, default=60_000)
    args = parser.parse_args()
    generate(approvals=args.approvals, assignments=args.assignments)
