"""Tests that kill mutants of the documents services the other tests let live
(decision 0015): what a card must hold, where a file goes, who a restricted
document is opened to, and when a number is refused."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone

from bering.audit.models import AuditEvent
from bering.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from bering.documents import selectors, services
from bering.documents.indexing import document_index
from bering.documents.models import Document, DocumentFile, DocumentType
from bering.documents.tests.factories import DocumentFactory, JournalFactory, doc_type
from bering.files import samples
from conftest import Persona

pytestmark = pytest.mark.django_db


def png() -> io.BytesIO:
    return io.BytesIO(samples.make_png(40, 30))


def card(**kw: object) -> services.Card:
    base: dict[str, object] = {
        "doc_type": doc_type("incoming-letter"),
        "title": "О ремонте школы в с. Никольское",
        "correspondent": "Администрация Алеутского муниципального округа",
        "correspondent_number": "125-ОД",
        "correspondent_date": dt.date(2026, 11, 20),
    }
    base.update(kw)
    return services.Card(**base)  # type: ignore[arg-type]


def refused_field(actor: Persona, bad: services.Card, flow: str = "internal") -> str | None:
    with pytest.raises(ValidationFailed) as caught:
        services.document_create(actor=actor.actor, card=bad, flow=flow)
    return caught.value.field


def test_a_card_is_checked_field_by_field(
    registrar: Persona, executor: Persona, head: Persona, outsider: Persona
) -> None:
    assert refused_field(registrar, card(title="   ")) == "title"
    retired = doc_type("memo")
    retired.is_active = False
    assert refused_field(registrar, card(doc_type=retired)) == "doc_type"
    assert refused_field(registrar, card(signer=outsider.employee)) == "signer"
    assert refused_field(registrar, card(executor=outsider.employee)) == "executor"
    assert refused_field(registrar, card(allowed=[head.employee, outsider.employee])) == "allowed"
    foreign = DocumentFactory(organization=outsider.org)
    assert refused_field(registrar, card(in_reply_to=foreign)) == "in_reply_to"
    tomorrow = timezone.localdate() + dt.timedelta(days=2)
    assert refused_field(registrar, card(correspondent_date=tomorrow)) == "correspondent_date"
    restricted = card(access=Document.Access.RESTRICTED)
    assert refused_field(registrar, restricted) == "allowed"
    assert refused_field(registrar, card(), flow="sideways") == "flow"
    assert list(Document.objects.all()) == [foreign]
    # and a card of one's own people, with today's date, is taken
    own = DocumentFactory(organization=registrar.org)
    document = services.document_create(
        actor=registrar.actor,
        card=card(
            signer=head.employee,
            executor=executor.employee,
            in_reply_to=own,
            correspondent_date=registrar.org.local_today(timezone.now()),
            access=Document.Access.RESTRICTED,
            allowed=[executor.employee],
        ),
        flow="internal",
    )
    assert (document.signer, document.executor, document.in_reply_to) == (
        head.employee,
        executor.employee,
        own,
    )
    assert list(document.allowed.all()) == [executor.employee]


def test_an_incoming_letter_needs_its_correspondent(registrar: Persona) -> None:
    journal = JournalFactory(organization=registrar.org)
    with pytest.raises(ValidationFailed) as caught:
        services.document_register_incoming(
            actor=registrar.actor, card=card(correspondent="  "), journal=journal
        )
    assert caught.value.field == "correspondent"
    assert not Document.objects.exists()


def test_a_duplicate_warning_names_the_registered_number(registrar: Persona) -> None:
    journal = JournalFactory(organization=registrar.org)
    first = services.document_register_incoming(actor=registrar.actor, card=card(), journal=journal)
    with pytest.raises(services.PossibleDuplicate) as caught:
        services.document_register_incoming(actor=registrar.actor, card=card(), journal=journal)
    assert f"№ {first.reg_number}" in str(caught.value.message)
    assert caught.value.duplicates == [first]


def test_a_duplicate_warning_marks_an_unnumbered_draft_with_a_dash(registrar: Persona) -> None:
    draft = services.document_create(actor=registrar.actor, card=card(), flow="incoming")
    journal = JournalFactory(organization=registrar.org)
    with pytest.raises(services.PossibleDuplicate) as caught:
        services.document_register_incoming(actor=registrar.actor, card=card(), journal=journal)
    assert caught.value.duplicates == [draft]
    assert "№ —" in str(caught.value.message)


def test_the_first_file_is_the_main_one_and_the_next_are_attachments(
    registrar: Persona, executor: Persona
) -> None:
    document = services.document_create(
        actor=executor.actor,
        card=card(),
        flow="internal",
        uploads=[services.Upload("a.png", png())],
    )
    services.document_file_add(
        actor=executor.actor, document=document, upload=services.Upload("b.png", png())
    )
    services.document_file_add(
        actor=executor.actor, document=document, upload=services.Upload("c.png", png())
    )
    rows = list(document.files.order_by("slot").values_list("slot", "version", "role"))
    assert rows == [
        (1, 1, DocumentFile.Role.MAIN),
        (2, 1, DocumentFile.Role.ATTACHMENT),
        (3, 1, DocumentFile.Role.ATTACHMENT),
    ]


def test_a_new_version_goes_to_its_own_slot_of_its_own_document(executor: Persona) -> None:
    uploads = [services.Upload("a.png", png()), services.Upload("b.png", png())]
    document = services.document_create(
        actor=executor.actor, card=card(), flow="internal", uploads=uploads
    )
    other = services.document_create(
        actor=executor.actor,
        card=card(),
        flow="internal",
        uploads=[services.Upload("x.png", png()), services.Upload("y.png", png())],
    )
    services.document_file_add(
        actor=executor.actor,
        document=other,
        upload=services.Upload("y2.png", png()),
        replaces_slot=2,
    )
    item = services.document_file_add(
        actor=executor.actor,
        document=document,
        upload=services.Upload("b2.png", png()),
        replaces_slot=2,
    )
    assert (item.slot, item.version, item.role) == (2, 2, DocumentFile.Role.ATTACHMENT)
    assert document.files.count() == 3
    with pytest.raises(ValidationFailed) as caught:
        services.document_file_add(
            actor=executor.actor,
            document=document,
            upload=services.Upload("c.png", png()),
            replaces_slot=7,
        )
    assert caught.value.field == "slot"
    assert document.files.count() == 3


def test_files_of_a_frozen_or_unreadable_document_do_not_change(
    registrar: Persona, executor: Persona, controller: Persona
) -> None:
    document = services.document_create(
        actor=executor.actor,
        card=card(),
        flow="internal",
        uploads=[services.Upload("a.png", png())],
    )
    with pytest.raises(Forbidden):
        services.document_file_add(
            actor=controller.actor, document=document, upload=services.Upload("b.png", png())
        )
    DocumentFactory(organization=registrar.org)  # a newer draft of someone else stays open
    Document.objects.filter(pk=document.pk).update(status=Document.Status.ON_APPROVAL)
    with pytest.raises(Conflict) as on_approval:
        services.document_file_add(
            actor=registrar.actor, document=document, upload=services.Upload("b.png", png())
        )
    Document.objects.filter(pk=document.pk).update(
        status=Document.Status.SIGNED, signed_at=timezone.now()
    )
    with pytest.raises(Conflict) as signed:
        services.document_file_add(
            actor=registrar.actor, document=document, upload=services.Upload("b.png", png())
        )
    # only a document on its way may be recalled; a signed one is told it is signed
    assert "отзовите" in str(on_approval.value.message)
    assert "отзовите" not in str(signed.value.message)
    assert document.files.count() == 1


def test_registering_twice_or_too_early_is_refused(registrar: Persona, executor: Persona) -> None:
    journal = JournalFactory(organization=registrar.org, flow="internal")
    document = DocumentFactory(
        organization=registrar.org, author=executor.employee, status=Document.Status.ON_APPROVAL
    )
    with pytest.raises(Forbidden):
        services.document_register(actor=executor.actor, document=document, journal=journal)
    with pytest.raises(Conflict):
        services.document_register(actor=registrar.actor, document=document, journal=journal)
    Document.objects.filter(pk=document.pk).update(status=Document.Status.SIGNED)
    registered = services.document_register(
        actor=registrar.actor, document=document, journal=journal
    )
    with pytest.raises(Conflict) as again:
        services.document_register(actor=registrar.actor, document=document, journal=journal)
    assert registered.reg_number in str(again.value.message)
    assert journal.counters.get().last_seq == 1


def test_grants_name_new_people_once_and_only_on_restricted_documents(
    registrar: Persona, executor: Persona, head: Persona, outsider: Persona
) -> None:
    general = DocumentFactory(organization=registrar.org)
    services.document_grant_access(
        actor=registrar.actor, document=general, employees=[head.employee], reason="r"
    )
    assert not general.allowed.exists()
    restricted = DocumentFactory(organization=registrar.org, access=Document.Access.RESTRICTED)
    restricted.allowed.add(executor.employee)
    with pytest.raises(ValidationFailed):
        services.document_grant_access(
            actor=registrar.actor,
            document=restricted,
            employees=[head.employee, outsider.employee],
            reason="r",
        )
    assert list(restricted.allowed.all()) == [executor.employee]
    services.document_grant_access(
        actor=registrar.actor, document=restricted, employees=[executor.employee], reason="r"
    )
    assert not AuditEvent.objects.filter(verb="document.access_granted").exists()
    services.document_grant_access(
        actor=registrar.actor,
        document=restricted,
        employees=[executor.employee, head.employee],
        reason="approval",
    )
    event = AuditEvent.objects.get(verb="document.access_granted")
    assert event.data == {"employees": [head.employee.pk], "reason": "approval"}
    assert set(restricted.allowed.all()) == {executor.employee, head.employee}


# -- selectors: what a list, a getter and a picker show


def test_the_getter_hides_others_and_guards_writes(
    registrar: Persona, executor: Persona, controller: Persona, outsider: Persona
) -> None:
    document = DocumentFactory(organization=registrar.org, author=executor.employee)
    assert selectors.document_get_for_user(executor.actor, document.pk, for_write=True) == document
    assert selectors.document_get_for_user(controller.actor, document.pk) == document
    with pytest.raises(Forbidden):
        selectors.document_get_for_user(controller.actor, document.pk, for_write=True)
    with pytest.raises(NotFound):
        selectors.document_get_for_user(outsider.actor, document.pk)
    with pytest.raises(NotFound):
        selectors.document_get_for_user(registrar.actor, document.pk + 1000)
    assert list(selectors.documents_visible(outsider.actor)) == []


def test_the_list_filter_narrows_by_each_field(registrar: Persona, executor: Persona) -> None:
    journal = JournalFactory(organization=registrar.org)
    letter = services.document_register_incoming(
        actor=registrar.actor, card=card(title="О ремонте школы"), journal=journal
    )
    memo = DocumentFactory(
        organization=registrar.org, author=executor.employee, title="О проведении совещания"
    )
    old = DocumentFactory(organization=registrar.org, title="О ремонте дороги")
    for made_by_factory in (memo, old):  # the factory skips the services, which index
        document_index(made_by_factory)
    Document.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=30))
    every = {letter, memo, old}

    def found(**kw: object) -> set[Document]:
        return set(selectors.document_list(registrar.actor, selectors.DocumentFilter(**kw)))  # type: ignore[arg-type]

    assert found() == every
    assert found(doc_type_id=letter.doc_type_id) == {letter}
    assert found(status=Document.Status.REGISTERED) == {letter}
    assert found(flow="incoming") == {letter}
    today = timezone.localdate()
    assert found(date_from=today - dt.timedelta(days=1)) == {letter, memo}
    assert found(date_to=today - dt.timedelta(days=10)) == {old}
    assert found(number=f" {letter.reg_number} ") == {letter}
    assert found(text="ремонте школы") == {letter}
    assert found(text="ремонте") == {letter, old}


def test_current_files_keep_the_newest_version_of_each_slot(executor: Persona) -> None:
    uploads = [services.Upload("a.png", png()), services.Upload("b.png", png())]
    document = services.document_create(
        actor=executor.actor, card=card(), flow="internal", uploads=uploads
    )
    other = services.document_create(
        actor=executor.actor,
        card=card(),
        flow="internal",
        uploads=[services.Upload("x.png", png())],
    )
    newer = services.document_file_add(
        actor=executor.actor,
        document=document,
        upload=services.Upload("a2.png", png()),
        replaces_slot=1,
    )
    everything = selectors.document_files(document)
    assert [(f.slot, f.version) for f in everything] == [(1, 2), (1, 1), (2, 1)]
    current = selectors.current_files(document)
    assert [(f.slot, f.version) for f in current] == [(1, 2), (2, 1)]
    assert current[0] == newer
    assert selectors.document_file_get(executor.actor, document.pk, newer.pk) == newer
    foreign_file = other.files.get(version=1)
    services.document_file_add(
        actor=executor.actor,
        document=other,
        upload=services.Upload("x2.png", png()),
        replaces_slot=1,
    )
    assert [(f.slot, f.version) for f in selectors.current_files(other)] == [(1, 2)]
    with pytest.raises(NotFound):
        selectors.document_file_get(executor.actor, document.pk, foreign_file.pk)


def test_duplicates_match_organization_flow_number_and_date_only(
    registrar: Persona, outsider: Persona
) -> None:
    journal = JournalFactory(organization=registrar.org)
    letter = services.document_register_incoming(
        actor=registrar.actor, card=card(), journal=journal
    )
    DocumentFactory(  # an internal paper with the same requisites is no duplicate
        organization=registrar.org,
        correspondent=letter.correspondent,
        correspondent_number=letter.correspondent_number,
        correspondent_date=letter.correspondent_date,
    )
    cancelled = services.document_create(actor=registrar.actor, card=card(), flow="incoming")
    Document.objects.filter(pk=cancelled.pk).update(status=Document.Status.CANCELLED)

    def dupes(**kw: object) -> list[Document]:
        base: dict[str, object] = {
            "organization_id": registrar.org.pk,
            "correspondent": letter.correspondent.upper(),
            "number": f" {letter.correspondent_number} ",
            "date": letter.correspondent_date,
        }
        base.update(kw)
        return selectors.incoming_duplicates(**base)  # type: ignore[arg-type]

    assert dupes() == [letter]
    assert dupes(organization_id=outsider.org.pk) == []
    assert dupes(number="999") == []
    assert dupes(number="") == []
    assert dupes(date=None) == []
    assert dupes(date=dt.date(2026, 1, 1)) == []
    assert dupes(correspondent="Другой отправитель") == []
    # letters without their number or their date are never taken for duplicates
    no_number = card(correspondent_number="", correspondent_date=dt.date(2026, 11, 21))
    no_date = card(correspondent_number="77", correspondent_date=None)
    for other in (no_number, no_date):
        services.document_register_incoming(actor=registrar.actor, card=other, journal=journal)
    assert dupes(number="", date=dt.date(2026, 11, 21)) == []
    assert dupes(number="77", date=None) == []


def test_pickers_offer_active_journals_of_ones_own_and_active_types(
    registrar: Persona, outsider: Persona
) -> None:
    incoming = JournalFactory(organization=registrar.org, flow="incoming", name="Б")
    outgoing = JournalFactory(organization=registrar.org, flow="outgoing", name="А")
    JournalFactory(organization=registrar.org, is_active=False)
    JournalFactory(organization=outsider.org)
    assert list(selectors.journals_for(registrar.actor)) == [outgoing, incoming]
    assert list(selectors.journals_for(registrar.actor, flow="incoming")) == [incoming]
    retired = doc_type("memo")
    DocumentType.objects.filter(pk=retired.pk).update(is_active=False)
    every = list(selectors.document_types())
    assert retired not in every
    assert {t.flow for t in every} == {"incoming", "outgoing", "internal"}
    assert {t.flow for t in selectors.document_types(flow="outgoing")} == {"outgoing"}
