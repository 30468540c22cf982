"""The approval workflow as a state machine (QUALITY.md item 6).

Hypothesis drives the services in any order: start, visas of two approvers
(agree, agree with remarks, not agree), new versions, recall, signing with a
right or wrong password, the signer returning the draft, registration. After
every step:

- the document's status is the one the model expects: no step is skipped, and
  a negative visa blocks signing until the author starts a new round;
- every successful transition wrote exactly one audit event, a refused one none;
- once signed, the signed bytes are the bytes of the round whose every visa was
  positive, and they never change afterwards;
- the other organization sees neither the document nor any task of it.
"""

from __future__ import annotations

import hashlib
import io
from typing import Any

import pytest
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from bering.approvals import selectors, services
from bering.approvals.models import ApprovalRun, Visa
from bering.approvals.services import StagePlan
from bering.approvals.tests.conftest import create_draft, make_pdf
from bering.audit.models import AuditEvent
from bering.core.errors import DomainError
from bering.documents import services as document_services
from bering.documents.models import Document
from bering.documents.selectors import documents_visible
from bering.files.services import file_open
from bering.signatures.models import Signature
from conftest import PASSWORD

S = Document.Status
REACHED: set[str] = set()


def build_machine(
    *, author: Any, signer: Any, approvers: list[Any], registrar: Any, outsider: Any, journal: Any
) -> type[RuleBasedStateMachine]:
    class ApprovalMachine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.document = create_draft(author, signer, text="v1")
            self.status = S.DRAFT
            self.version = 1
            self.events = self._events()
            self.signed_sha: str | None = None

        # --- helpers ------------------------------------------------------------------

        def _events(self) -> int:
            return AuditEvent.objects.filter(
                object_type="document", object_id=self.document.pk
            ).count()

        def _fresh(self) -> Document:
            return Document.objects.get(pk=self.document.pk)

        def _attempt(self, allowed: bool, action: Any) -> bool:
            """Run ``action``; a refusal must be a DomainError that changed nothing."""
            before = self._events()
            try:
                action()
            except DomainError:
                assert not allowed, "a permitted step was refused"
                assert self._events() == before, "a refused step wrote an audit event"
                return False
            assert allowed, "a forbidden step succeeded"
            assert self._events() == before + 1, "a transition wrote not exactly one event"
            self.events = before + 1
            return True

        def _pending(self, persona: Any, kind: str = "visa") -> Visa | None:
            return Visa.objects.filter(
                run__document=self.document, approver=persona.employee, kind=kind, status="pending"
            ).first()

        def _latest(self, persona: Any, kind: str = "visa") -> Visa | None:
            return (
                Visa.objects.filter(
                    run__document=self.document, approver=persona.employee, kind=kind
                )
                .order_by("-run__round")
                .first()
            )

        # --- rules --------------------------------------------------------------------

        @rule()
        def start(self) -> None:
            allowed = self.status in (S.DRAFT, S.REWORK)
            plan = [StagePlan(name="Все", approver_ids=tuple(p.employee.pk for p in approvers))]
            if self._attempt(
                allowed,
                lambda: services.approval_start(
                    actor=author.actor, document=self._fresh(), plan=plan
                ),
            ):
                self.status = S.ON_APPROVAL

        @rule(
            who=st.sampled_from(range(len(approvers))),
            outcome=st.sampled_from(["agreed", "agreed", "agreed", "remarks", "rejected"]),
        )
        def decide(self, who: int, outcome: str) -> None:
            persona = approvers[who]
            visa = self._pending(persona) or self._latest(persona)
            if visa is None:
                return
            allowed = visa.status == "pending"
            if self._attempt(
                allowed,
                lambda: services.visa_decide(
                    actor=persona.actor, visa=visa, outcome=outcome, comment="Замечание"
                ),
            ):
                if outcome == "rejected":
                    self.status = S.REWORK
                elif not Visa.objects.filter(
                    run=visa.run, kind="visa", status__in=["pending", "waiting"]
                ).exists():
                    self.status = S.ON_SIGNING

        @precondition(lambda self: self.status == S.ON_APPROVAL)
        @rule()
        def agree_next(self) -> None:
            """The commonest step, so that the search reaches signing often."""
            visa = Visa.objects.filter(
                run__document=self.document, kind="visa", status="pending"
            ).first()
            assert visa is not None
            persona = next(p for p in approvers if p.employee.pk == visa.approver_id)
            self.decide(approvers.index(persona), "agreed")

        @precondition(lambda self: self.status == S.ON_SIGNING)
        @rule()
        def sign_now(self) -> None:
            self.sign(True)

        @precondition(lambda self: self.status == S.SIGNED)
        @rule()
        def register_now(self) -> None:
            self.register()

        @rule()
        def upload_new_version(self) -> None:
            allowed = self.status in (S.DRAFT, S.REWORK)
            text = f"v{(self.version + 1) % 4}"

            def act() -> None:
                document_services.document_file_add(
                    actor=author.actor,
                    document=self._fresh(),
                    upload=document_services.Upload(
                        name="проект.pdf", stream=io.BytesIO(make_pdf(text))
                    ),
                    replaces_slot=1,
                )

            if self._attempt(allowed, act):
                self.version += 1

        @rule(right=st.booleans())
        def sign(self, right: bool) -> None:
            visa = self._pending(signer, "sign") or self._latest(signer, "sign")
            if visa is None:
                return
            allowed = right and self.status == S.ON_SIGNING
            password = PASSWORD if right else "wrong-password"
            if self._attempt(
                allowed,
                lambda: services.approval_sign(actor=signer.actor, visa=visa, password=password),
            ):
                self.status = S.SIGNED

        @rule()
        def signer_returns(self) -> None:
            visa = self._pending(signer, "sign") or self._latest(signer, "sign")
            if visa is None:
                return
            allowed = self.status == S.ON_SIGNING
            if self._attempt(
                allowed,
                lambda: services.visa_decide(
                    actor=signer.actor, visa=visa, outcome="rejected", comment="Переделать"
                ),
            ):
                self.status = S.REWORK

        @rule()
        def recall(self) -> None:
            allowed = self.status in (S.ON_APPROVAL, S.ON_SIGNING)
            if self._attempt(
                allowed,
                lambda: services.approval_recall(actor=author.actor, document=self._fresh()),
            ):
                self.status = S.DRAFT

        @rule()
        def register(self) -> None:
            # A draft on the approval path is registered only once signed.
            if self.status in (S.DRAFT, S.REWORK):
                return
            allowed = self.status == S.SIGNED
            if self._attempt(
                allowed,
                lambda: document_services.document_register(
                    actor=registrar.actor, document=self._fresh(), journal=journal
                ),
            ):
                self.status = S.REGISTERED

        # --- invariants ---------------------------------------------------------------

        @invariant()
        def status_is_the_models(self) -> None:
            event(f"reached {self.status}")
            REACHED.add(self.status)
            assert self._fresh().status == self.status
            assert self._events() == self.events

        @invariant()
        def signed_bytes_got_the_last_full_set_of_visas(self) -> None:
            signatures = list(Signature.objects.filter(document_file__document=self.document))
            if self.status not in (S.SIGNED, S.REGISTERED):
                assert not signatures
                return
            run = ApprovalRun.objects.get(document=self.document, status="signed")
            last = ApprovalRun.objects.filter(document=self.document).order_by("-round").first()
            assert last == run
            assert set(run.visas.values_list("status", flat=True)) <= set(Visa.POSITIVE)
            assert sorted(s.document_file_id for s in signatures) == sorted(run.file_ids)
            current = self._fresh().files.order_by("slot", "-version").first()
            assert current is not None and current.pk in run.file_ids
            sha = signatures[0].sha256
            if self.signed_sha is None:
                self.signed_sha = sha
            assert sha == self.signed_sha == current.stored.sha256
            with file_open(current.stored) as stream:
                assert hashlib.sha256(stream.read()).hexdigest() == sha

        @invariant()
        def other_organization_sees_nothing(self) -> None:
            assert not documents_visible(outsider.actor).filter(pk=self.document.pk).exists()
            assert selectors.inbox(outsider.actor) == []

    return ApprovalMachine


@pytest.mark.django_db
def test_approval_state_machine(
    executor, head, registrar, outsider, lawyer, economist, outgoing_journal
) -> None:
    from hypothesis.stateful import run_state_machine_as_test

    machine = build_machine(
        author=executor,
        signer=head,
        approvers=[lawyer, economist],
        registrar=registrar,
        outsider=outsider,
        journal=outgoing_journal,
    )
    run_state_machine_as_test(
        machine,
        settings=settings(
            max_examples=40,
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
            derandomize=True,
        ),
    )
    # The search reached every status, so the invariants were checked in each.
    assert set(S.values) - {S.CANCELLED} <= REACHED, REACHED
