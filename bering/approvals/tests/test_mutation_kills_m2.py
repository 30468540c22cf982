"""Who starts, recalls and decides in approval, rule by rule (decision 0015: kills the
mutants of ``approvals/permissions.py``). Plain unsaved rows: the rules read fields."""

from __future__ import annotations

import itertools

import pytest

from bering.approvals import permissions
from bering.approvals.models import Visa
from bering.documents.models import Document
from bering.orgs.models import Employee

ORG, OTHER_ORG = 1, 2
AUTHOR, COLLEAGUE = 10, 11


def person(pk: int = AUTHOR, org: int = ORG, **roles: bool) -> Employee:
    return Employee(pk=pk, organization_id=org, **roles)


def draft(status: str = Document.Status.DRAFT, org: int = ORG) -> Document:
    return Document(
        organization_id=org, author_id=AUTHOR, status=status, access=Document.Access.GENERAL
    )


STARTABLE = {Document.Status.DRAFT, Document.Status.REWORK}
RECALLABLE = {Document.Status.ON_APPROVAL, Document.Status.ON_SIGNING}


@pytest.mark.parametrize("status", list(Document.Status))
def test_the_author_starts_a_draft_or_a_returned_one_and_recalls_it_while_on_approval(
    status: str,
) -> None:
    author = person()
    assert permissions.can_start(author, draft(status)) == (status in STARTABLE)
    assert permissions.can_recall(author, draft(status)) == (status in RECALLABLE)
    assert permissions.is_author(author, draft(status))


@pytest.mark.parametrize("status", sorted(STARTABLE | RECALLABLE))
def test_a_colleague_who_sees_the_draft_neither_starts_nor_recalls_it(status: str) -> None:
    colleague = person(COLLEAGUE, is_registrar=True, is_head=True)
    assert not permissions.is_author(colleague, draft(status))
    assert not permissions.can_start(colleague, draft(status))
    assert not permissions.can_recall(colleague, draft(status))


@pytest.mark.parametrize("status", sorted(STARTABLE | RECALLABLE))
def test_an_author_now_in_another_organization_no_longer_acts_on_the_old_draft(
    status: str,
) -> None:
    # Same employee id, but the draft belongs to an organization they do not see.
    moved = person(org=OTHER_ORG)
    assert not permissions.is_author(moved, draft(status))
    assert not permissions.can_start(moved, draft(status))
    assert not permissions.can_recall(moved, draft(status))


@pytest.mark.parametrize("status", list(Document.Status))
def test_only_a_registrar_registers_and_only_a_signed_draft(status: str) -> None:
    registrar = person(COLLEAGUE, is_registrar=True)
    clerk = person(COLLEAGUE, is_head=True)
    assert permissions.can_register_signed(registrar, draft(status)) == (
        status == Document.Status.SIGNED
    )
    assert not permissions.can_register_signed(clerk, draft(status))


@pytest.mark.parametrize(
    ("roles", "active", "same_org"),
    list(
        itertools.product(
            ("is_org_admin", "is_registrar", "is_head", "is_controller", None),
            (True, False),
            (True, False),
        )
    ),
)
def test_route_templates_are_kept_by_the_organization_admin_registrar_or_head(
    roles: str | None, active: bool, same_org: bool
) -> None:
    employee = person(
        COLLEAGUE,
        org=ORG if same_org else OTHER_ORG,
        is_active=active,
        **({roles: True} if roles else {}),
    )
    keeper = roles in ("is_org_admin", "is_registrar", "is_head")
    assert permissions.can_edit_routes(employee, ORG) == (keeper and active and same_org)


@pytest.mark.parametrize(
    ("kind", "status", "own"),
    list(itertools.product(list(Visa.Kind), list(Visa.Status), (True, False))),
)
def test_only_the_visa_approver_acts_and_only_while_it_is_pending(
    kind: str, status: str, own: bool
) -> None:
    approver = person(AUTHOR)
    visa = Visa(approver_id=AUTHOR if own else COLLEAGUE, kind=kind, status=status)
    mine = own and status == Visa.Status.PENDING
    signing = kind == Visa.Kind.SIGN
    assert permissions.visa_actions_for(approver, visa) == permissions.VisaActions(
        sign=mine and signing, decide=mine and not signing, give_back=mine and signing
    )
