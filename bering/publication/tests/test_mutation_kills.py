"""The publication page's flags and the personal-data rule, on plain unsaved rows."""

from bering.documents.models import Document
from bering.orgs.models import Employee
from bering.publication import permissions
from bering.publication.models import PublicationMark, PublicationRule

ORG, OTHER = 1, 2


def person(pk: int, *, registrar: bool = False, org: int = ORG) -> Employee:
    return Employee(pk=pk, organization_id=org, is_registrar=registrar)


def act(**kw: object) -> Document:
    base = dict(
        organization_id=ORG,
        author_id=10,
        status=Document.Status.REGISTERED,
        access=Document.Access.GENERAL,
    )
    base.update(kw)
    return Document(**base)


def facts(*, signed: bool = True, **mark: object) -> permissions.Facts:
    marks = dict(to_publish=True, personal_data=False, redacted_id=None)
    marks.update(mark)
    return permissions.Facts(
        rule=PublicationRule(mode="manual"), mark=PublicationMark(**marks), signed=signed
    )


def flags(employee: Employee, document: Document, f: permissions.Facts, published: bool):
    a = permissions.actions_for(employee, document, f, published=published)
    return (a.mark, a.publish, a.unpublish)


def test_a_mark_without_to_publish_is_refused() -> None:
    assert permissions.refusals(act(), facts()) == []
    assert len(permissions.refusals(act(), facts(to_publish=False))) == 1


def test_personal_data_with_a_redacted_copy_is_a_candidate() -> None:
    assert permissions.refusals(act(), facts(personal_data=True, redacted_id=7)) == []
    assert permissions.refusals(act(), facts(personal_data=True, redacted_id=None))


def test_a_registrar_publishes_a_candidate_and_unpublishes_a_published_act() -> None:
    registrar = person(1, registrar=True)
    assert flags(registrar, act(), facts(), published=False) == (True, True, False)
    assert flags(registrar, act(), facts(), published=True) == (False, False, True)
    assert flags(registrar, act(), facts(signed=False), published=False) == (True, False, False)


def test_the_author_only_marks_and_only_while_unpublished() -> None:
    author = person(10)
    assert flags(author, act(), facts(), published=False) == (True, False, False)
    assert flags(author, act(), facts(), published=True) == (False, False, False)


def test_a_registrar_of_another_organization_or_a_bystander_gets_nothing() -> None:
    foreign = person(2, registrar=True, org=OTHER)
    bystander = person(3)
    for who in (foreign, bystander):
        assert flags(who, act(), facts(), published=False) == (False, False, False)
        assert flags(who, act(), facts(), published=True) == (False, False, False)
