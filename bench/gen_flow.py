"""The generator's work on a document: approval rounds, resolutions, assignments, reports.

Times are POSIX seconds (floats) until a row is made. A registered draft is planned
backwards from its registration (signed some hours before, approved before that,
created before the first round); a draft still in work is planned forwards from its
creation and cut at ``now``: what would happen later has not happened, and the rows
say where the work stands (a pending visa, a round returned for rework, a draft
signed and waiting for its number). A resolution is issued after registration and
its assignments reported and accepted as far as ``now`` allows; a fifth are late.

The statuses follow the services: a round returned closes its open stages and visas
as cancelled (``approvals.services.common._close_open``), the signed round signs the
draft, an accepted report closes control.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from bench.gen_audit import Chains
from bench.gen_region import Org, Person
from bench.gen_sink import Table
from bering.approvals.models import ApprovalRun, Stage, Visa
from bering.assignments.models import Assignment, Report, Resolution

HOUR = 3600.0
DAY = 86400.0
UTC = dt.UTC

STAGES = ("Правовое управление", "Финансово-экономический отдел", "Заместитель руководителя")
SIGNING = "Подписание"
REMARKS = (
    "Уточнить сроки исполнения.",
    "Дополнить ссылкой на нормативный акт.",
    "Исправить реквизиты адресата.",
    "Согласовать объем финансирования с финансовым отделом.",
)
REFUSALS = (
    "Не соответствует требованиям законодательства, доработать.",
    "Нет финансово-экономического обоснования.",
    "Проект требует согласования с прокуратурой.",
)
ORDERS = (
    "Подготовить ответ.",
    "Рассмотреть и доложить.",
    "Подготовить предложения.",
    "Принять к исполнению.",
    "Организовать исполнение, о результатах доложить.",
    "Подготовить проект ответа за подписью руководителя.",
)
TERMS = (5, 10, 10, 10, 15, 30)

RUN_COLUMNS = (
    "id",
    "document_id",
    "round",
    "status",
    "template_id",
    "file_ids",
    "started_by_id",
    "started_at",
    "finished_at",
    "due_at",
    "due_explanation",
)
STAGE_COLUMNS = (
    "id",
    "run_id",
    "order",
    "name",
    "mode",
    "is_signing",
    "days",
    "status",
    "started_at",
    "finished_at",
    "due_at",
    "due_explanation",
)
VISA_COLUMNS = (
    "id",
    "run_id",
    "stage_id",
    "order",
    "kind",
    "approver_id",
    "status",
    "activated_at",
    "due_at",
    "due_explanation",
    "decided_at",
    "decided_by_user_id",
    "decided_in_post_id",
    "comment",
    "remark_file_id",
    "reminded_at",
    "overdue_notified_at",
    "escalated_at",
)
RESOLUTION_COLUMNS = (
    "id",
    "organization_id",
    "document_id",
    "parent_id",
    "author_id",
    "prepared_by_id",
    "controller_id",
    "text",
    "term_kind",
    "term_days",
    "term_date",
    "urgency",
    "due_at",
    "due_explanation",
    "status",
    "return_note",
    "created_at",
    "issued_at",
    "closed_at",
)
ASSIGNMENT_COLUMNS = (
    "id",
    "resolution_id",
    "organization_id",
    "document_id",
    "executor_id",
    "role",
    "due_at",
    "due_explanation",
    "first_due_at",
    "status",
    "reported_at",
    "done_at",
    "reminded_at",
    "overdue_notified_at",
    "escalated_at",
    "created_at",
)
REPORT_COLUMNS = (
    "id",
    "assignment_id",
    "author_id",
    "submitted_by_id",
    "text",
    "reply_id",
    "decision",
    "decided_by_id",
    "decided_at",
    "decision_note",
    "created_at",
)


_moment = dt.datetime.fromtimestamp


def at(seconds: float | None) -> dt.datetime | None:
    return None if seconds is None else _moment(seconds, UTC)


@dataclass
class VisaPlan:
    approver: Person
    decided: float | None = None  # None: never decided (cancelled when the round ended)
    outcome: str = "cancelled"  # agreed, remarks, rejected, signed, cancelled
    comment: str = ""


@dataclass
class StagePlan:
    name: str
    signing: bool
    days: int
    start: float | None  # None: never reached (its round was returned before)
    end: float | None
    visas: list[VisaPlan]


@dataclass
class RoundPlan:
    start: float
    stages: list[StagePlan]
    returned: float | None  # the refusal that ended the round
    end: float


@dataclass
class Outcome:
    """Where a draft's approval stands at ``now``."""

    status: str  # draft, on_approval, rework, on_signing, signed
    signed_at: float | None
    last: float  # the latest thing that happened
    people: set[int] = field(default_factory=set)  # approvers and signer: access to a DSP draft


class Work:
    """Plans and writes the work on documents."""

    def __init__(self, rng: random.Random, chains: Chains, now: float) -> None:
        self.rng = rng
        self.chains = chains
        self.now = now
        (
            self.runs,
            self.stages,
            self.visas,
            self.resolutions,
            self.assignments,
            self.reports,
        ) = self.new_tables()

    @staticmethod
    def new_tables() -> list[Table]:
        """The tables of the work, in the order they are written (parents first)."""
        return [
            Table(ApprovalRun, RUN_COLUMNS),
            Table(Stage, STAGE_COLUMNS),
            Table(Visa, VISA_COLUMNS),
            Table(Resolution, RESOLUTION_COLUMNS),
            Table(Assignment, ASSIGNMENT_COLUMNS),
            Table(Report, REPORT_COLUMNS),
        ]

    @property
    def tables(self) -> list[Table]:
        return [
            self.runs,
            self.stages,
            self.visas,
            self.resolutions,
            self.assignments,
            self.reports,
        ]

    # -- approval ---------------------------------------------------------------

    def plan(
        self, org: Org, author: Person, signer: Person, days: tuple[int, int, int]
    ) -> list[RoundPlan]:
        """Rounds from time 0: one in six returned once with a refusal, then signed.

        Each round has one to three approval stages and the signing stage; in a
        returned round the first stage ends with the refusal and the rest are never
        reached (``start`` None)."""
        rng = self.rng
        _, stage_days, sign_days = days
        officials = org.officials
        rounds = []
        moment = 0.0
        for returned in [True, False] if rng.random() < 0.17 else [False]:
            start = moment
            stages = []
            names = STAGES[: rng.choice((1, 1, 2, 2, 3))]
            for n, name in enumerate(names):
                wanted = rng.choice((1, 1, 2, 2, 3))
                drawn = rng.sample(officials, min(len(officials), wanted + 2))
                people = [p for p in drawn if p is not author and p is not signer][:wanted]
                if returned and n > 0:
                    stages.append(
                        StagePlan(
                            name, False, stage_days, None, None, [VisaPlan(p) for p in people]
                        )
                    )
                    continue
                took = rng.uniform(2 * HOUR, (3 if name == STAGES[0] else 2) * DAY)
                visas = []
                for k, person in enumerate(people):
                    last = k == len(people) - 1
                    decided: float | None = moment + (
                        took if last else took * rng.uniform(0.1, 0.95)
                    )
                    outcome = "remarks" if rng.random() < 0.1 else "agreed"
                    comment = rng.choice(REMARKS) if outcome == "remarks" else ""
                    if returned and last:
                        outcome, comment = "rejected", rng.choice(REFUSALS)
                    elif returned and rng.random() < 0.3:
                        decided, outcome = None, "cancelled"  # still open at the refusal
                    visas.append(VisaPlan(person, decided, outcome, comment))
                stages.append(StagePlan(name, False, stage_days, moment, moment + took, visas))
                moment += took
            if returned:
                stages.append(StagePlan(SIGNING, True, sign_days, None, None, [VisaPlan(signer)]))
                rounds.append(RoundPlan(start, stages, moment, moment))
                moment += rng.uniform(4 * HOUR, 3 * DAY)  # the rework
                continue
            took = rng.uniform(HOUR, 2 * DAY)
            stages.append(
                StagePlan(
                    SIGNING,
                    True,
                    sign_days,
                    moment,
                    moment + took,
                    [VisaPlan(signer, moment + took, "signed")],
                )
            )
            moment += took
            rounds.append(RoundPlan(start, stages, None, moment))
        return rounds

    def approval_write(
        self,
        document: int,
        org: Org,
        author: Person,
        rounds: list[RoundPlan],
        base: float,
        total_days: int,
    ) -> Outcome:
        """The rounds' rows from ``base`` on, as they stand at ``now``, with their events."""
        now = self.now
        outcome = Outcome("draft", None, base)
        for number, plan in enumerate(rounds, 1):
            start = base + plan.start
            if start > now:
                break
            run_id = self.runs.next_id()
            returned = None if plan.returned is None else base + plan.returned
            end = base + plan.end
            if returned is not None:
                status, finished = ("returned", returned) if returned <= now else ("active", None)
            else:
                status, finished = ("signed", end) if end <= now else ("active", None)
            self.runs.add(
                (
                    run_id,
                    document,
                    number,
                    status,
                    None,
                    "[]",
                    author.employee,
                    at(start),
                    at(finished),
                    at(start + total_days * 1.4 * DAY),
                    "",
                )
            )
            self.chains.push(
                start,
                org.id,
                "approval.started",
                author.user,
                author.employee,
                "document",
                document,
                {"run": run_id, "round": number, "files": [], "direct_to_signing": False},
            )
            outcome.status, outcome.last = "on_approval", max(outcome.last, start)
            closed = returned if status == "returned" else None
            for order, stage in enumerate(plan.stages, 1):
                self._stage_write(run_id, order, stage, base, closed, outcome, org, document)
            if status == "returned":
                outcome.status = "rework"
            elif status == "signed":
                outcome.status, outcome.signed_at = "signed", end
        return outcome

    def _stage_write(
        self,
        run_id: int,
        order: int,
        stage: StagePlan,
        base: float,
        closed: float | None,
        outcome: Outcome,
        org: Org,
        document: int,
    ) -> None:
        """A stage and its visas at ``now``; ``closed``: when its round was returned."""
        now = self.now
        stage_id = self.stages.next_id()
        start = None if stage.start is None else base + stage.start
        started = start is not None and start <= now
        end = None if stage.end is None else base + stage.end
        due = None if start is None or not started else start + stage.days * 1.4 * DAY
        if closed is not None:  # _close_open: whatever was open is cancelled at the refusal
            status, finished = "cancelled", closed
        elif not started:
            status, finished = "waiting", None
        elif end is not None and end <= now:
            status, finished = "done", end
        else:
            status, finished = "active", None
            if stage.signing:
                outcome.status = "on_signing"
        started_at = at(start) if started else None
        due_at = at(due)
        self.stages.add(
            (
                stage_id,
                run_id,
                order,
                stage.name,
                "parallel",
                stage.signing,
                stage.days,
                status,
                started_at,
                at(finished),
                due_at,
                "",
            )
        )
        for k, visa in enumerate(stage.visas, 1):
            person = visa.approver
            outcome.people.add(person.employee)
            decided = None if visa.decided is None else base + visa.decided
            if decided is not None and decided <= now:
                v_status = visa.outcome
            else:
                decided = None
                if closed is not None:
                    v_status = "cancelled"
                else:
                    v_status = "pending" if started else "waiting"
            self.visas.add(
                (
                    self.visas.next_id(),
                    run_id,
                    stage_id,
                    k,
                    "sign" if stage.signing else "visa",
                    person.employee,
                    v_status,
                    started_at,
                    due_at,
                    "",
                    at(decided),
                    person.user if decided is not None else None,
                    person.employee if decided is not None else None,
                    visa.comment if decided is not None else "",
                    None,
                    None,
                    None,
                    None,
                )
            )
            if decided is not None:
                outcome.last = max(outcome.last, decided)
                if v_status in ("rejected", "signed"):
                    self.chains.push(
                        decided,
                        org.id,
                        "approval.returned" if v_status == "rejected" else "approval.signed",
                        person.user,
                        person.employee,
                        "document",
                        document,
                        {"run": run_id, "stage": stage.name, "comment": visa.comment},
                    )

    # -- execution --------------------------------------------------------------

    def resolution_write(self, document: int, org: Org, registered: float) -> list[int]:
        """A head's resolution some hours after registration, if issued by ``now``.

        Returns the executors' posts (they may read a DSP document)."""
        rng, now = self.rng, self.now
        issued = registered + rng.uniform(0.5 * HOUR, 2 * DAY)
        if issued > now:
            return []
        head = org.head
        prepared = rng.random() < 0.5
        created = issued - rng.uniform(HOUR, DAY) if prepared else issued
        term = rng.choice(TERMS)
        due = issued + term * 1.4 * DAY
        issued_at, due_at = at(issued), at(due)
        assert issued_at is not None
        explanation = f"{term} рабочих дней с {issued_at:%d.%m.%Y}"
        people = rng.sample(org.officials, min(len(org.officials), rng.choice((1, 1, 1, 2, 2, 3))))
        resolution_id = self.resolutions.next_id()
        late = rng.random() < 0.2
        reported = issued + (term * 1.4 * DAY) * (
            rng.uniform(1.02, 1.6) if late else rng.uniform(0.2, 0.97)
        )
        accepted = reported + rng.uniform(HOUR, 36 * HOUR)
        closed = accepted <= now
        controller = org.controller if rng.random() < 0.5 else head
        self.resolutions.add(
            (
                resolution_id,
                org.id,
                document,
                None,
                head.employee,
                org.registrar.employee if prepared else None,
                controller.employee,
                rng.choice(ORDERS),
                "working",
                term,
                None,
                "",
                due_at,
                explanation,
                "closed" if closed else "active",
                "",
                at(created),
                issued_at,
                at(accepted) if closed else None,
            )
        )
        push = self.chains.push
        push(
            issued,
            org.id,
            "resolution.issued",
            head.user,
            head.employee,
            "document",
            document,
            {"resolution": resolution_id, "executors": [p.employee for p in people], "term": term},
        )
        for k, person in enumerate(people):
            responsible = k == 0
            mine = reported if responsible else issued + (reported - issued) * rng.uniform(0.4, 0.9)
            if accepted <= now:
                status = "done"
            elif mine <= now:
                status = "reported"
            else:
                status = "in_progress"
            assignment_id = self.assignments.next_id()
            self.assignments.add(
                (
                    assignment_id,
                    resolution_id,
                    org.id,
                    document,
                    person.employee,
                    "responsible" if responsible else "co_executor",
                    due_at,
                    explanation,
                    due_at,
                    status,
                    at(mine) if mine <= now else None,
                    at(accepted) if status == "done" else None,
                    None,
                    None,
                    None,
                    issued_at,
                )
            )
            if mine > now:
                continue
            if responsible:
                decision = "accepted" if closed else "pending"
                decided_by, decided_at = (controller.employee, accepted) if closed else (None, None)
                push(
                    mine,
                    org.id,
                    "assignment.reported",
                    person.user,
                    person.employee,
                    "document",
                    document,
                    {"assignment": assignment_id},
                )
                if closed:
                    push(
                        accepted,
                        org.id,
                        "report.accepted",
                        controller.user,
                        controller.employee,
                        "document",
                        document,
                        {"assignment": assignment_id, "resolution": resolution_id},
                    )
            else:
                collected = reported <= now
                decision = "collected" if collected else "pending"
                decided_by = people[0].employee if collected else None
                decided_at = reported if collected else None
            self.reports.add(
                (
                    self.reports.next_id(),
                    assignment_id,
                    person.employee,
                    person.employee,
                    "Исполнено." if responsible else "Предложения направлены ответственному.",
                    None,
                    decision,
                    decided_by,
                    at(decided_at),
                    "",
                    at(mine),
                )
            )
        return [p.employee for p in people]
