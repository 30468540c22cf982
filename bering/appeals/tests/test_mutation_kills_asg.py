"""Who may do what with an appeal, rule by rule (decision 0015: kills the mutants of
``appeals/permissions.py``). Plain unsaved rows: the rules read fields only; the one
rule that asks the document's own rule gets a general-access document."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from bering.appeals import permissions
from bering.appeals.models import Appeal, Citizen, NoAnswerGround
from bering.documents.models import Document
from bering.orgs.models import Employee

ORG, OTHER = 1, 2
ROLES = ("is_registrar", "is_head", "is_controller")


def person(org: int = ORG, **roles: bool) -> Employee:
    return Employee(pk=10, organization_id=org, user_id=110, **roles)


def appeal(status: str = Appeal.Status.REGISTERED, **kw: object) -> Appeal:
    return Appeal(pk=1, organization_id=ORG, citizen_id=5, status=status, **kw)


@pytest.mark.parametrize("flags", list(itertools.product((True, False), repeat=3)))
def test_registrars_heads_and_controllers_see_every_appeal_of_their_organization(
    flags: tuple[bool, bool, bool],
) -> None:
    roles = dict(zip(ROLES, flags, strict=True))
    everyone = any(flags)
    assert permissions.sees_all_appeals(person(**roles)) is everyone
    assert permissions.sees_appeals_menu(person(**roles)) is everyone
    assert permissions.can_view(person(**roles), appeal()) is everyone  # no document yet
    assert not permissions.can_view(person(OTHER, **roles), appeal())


def test_others_see_an_appeal_through_its_document() -> None:
    document = Document(organization_id=ORG, access=Document.Access.GENERAL)
    assert permissions.can_view(person(), appeal(document=document))
    foreign = Document(organization_id=OTHER, access=Document.Access.GENERAL)
    assert not permissions.can_view(person(), appeal(document=foreign))


@pytest.mark.parametrize("flags", list(itertools.product((True, False), repeat=3)))
def test_each_action_is_for_its_role_of_the_appeals_organization(
    flags: tuple[bool, bool, bool],
) -> None:
    roles = dict(zip(ROLES, flags, strict=True))
    registrar, head = roles["is_registrar"], roles["is_head"]
    for org, mine in ((ORG, True), (OTHER, False)):
        who = person(org, **roles)
        assert permissions.can_register(who, appeal()) is (mine and registrar)
        assert permissions.can_redirect(who, appeal()) is (mine and (registrar or head))
        assert permissions.can_extend(who, appeal()) is (mine and head)
        assert permissions.can_send_answer(who, appeal()) is (mine and registrar)
        for ground in NoAnswerGround.values:
            allowed = head if ground == NoAnswerGround.REPEATED else (registrar or head)
            assert permissions.can_close_without_answer(who, appeal(), ground) is (mine and allowed)


def test_a_citizen_owns_only_their_appeals() -> None:
    assert permissions.citizen_owns(Citizen(pk=5), appeal())
    assert not permissions.citizen_owns(Citizen(pk=6), appeal())


def _actions(who: Employee, item: Appeal) -> tuple[bool, ...]:
    a = permissions.actions_for(who, item)
    return (a.register, a.redirect, a.extend, a.close, a.end_correspondence, a.send_answer)


def test_the_card_flags_follow_the_status() -> None:
    both = person(is_registrar=True, is_head=True)
    received = appeal(Appeal.Status.RECEIVED)
    assert _actions(both, received) == (True, False, False, True, True, False)
    assert _actions(both, appeal()) == (False, True, True, True, True, True)
    extended = appeal(extended_at=dt.datetime(2026, 12, 1, tzinfo=dt.UTC))
    assert _actions(both, extended) == (False, True, False, True, True, True)
    for status in (Appeal.Status.ANSWERED, Appeal.Status.NO_ANSWER, Appeal.Status.REDIRECTED):
        assert _actions(both, appeal(status)) == (False,) * 6
    assert _actions(person(OTHER, is_registrar=True, is_head=True), appeal()) == (False,) * 6
    registrar = person(is_registrar=True)
    assert _actions(registrar, received) == (True, False, False, True, False, False)
    assert _actions(registrar, appeal()) == (False, True, False, True, False, True)
    head = person(is_head=True)
    assert _actions(head, received) == (False, False, False, True, True, False)
