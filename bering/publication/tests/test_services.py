"""The rules of publication, the services and the published PDF."""

from __future__ import annotations

import hashlib
import io

import pytest

from bering.audit.models import AuditEvent
from bering.core.errors import Conflict, Forbidden, ValidationFailed
from bering.documents.models import Document
from bering.documents.services import Upload
from bering.files import pdf as pdf_facts
from bering.files.services import file_open
from bering.publication import selectors, services
from bering.publication.models import Publication
from bering.publication.tests.conftest import BUDGET, act_pdf, mark, signed_act


def _bytes(stored) -> bytes:
    with file_open(stored) as stream:
        return stream.read()


def test_a_marked_signed_registered_act_is_published_by_the_registrar(published, act, head):
    signature = selectors.main_signature(act)
    assert published.number == act.reg_number
    assert published.title == BUDGET
    assert published.kind == "Постановление"
    assert published.signer == head.user.display_name
    assert published.signed_sha256 == signature.sha256
    assert published.signed_at == signature.signed_at
    data = _bytes(published.pdf)
    assert published.pdf.sha256 == hashlib.sha256(data).hexdigest()
    assert published.pdf.sha256 != published.signed_sha256
    event = AuditEvent.objects.get(verb="publication.published")
    assert event.object_id == act.pk
    assert event.data["pdf_sha256"] == published.pdf.sha256


def test_the_published_copy_carries_the_note_and_leaves_the_original_as_signed(published, act):
    signature = selectors.main_signature(act)
    original = _bytes(signature.document_file.stored)
    assert hashlib.sha256(original).hexdigest() == signature.sha256
    text = pdf_facts.text(_bytes(published.pdf), limit=100_000)
    assert "Опубликовано" in text
    assert "Документ подписан электронной подписью" in text
    assert signature.sha256[:16] in text
    assert "Утвердить основные характеристики" in text


def test_restricted_acts_are_never_published(executor, head, registrar):
    act = signed_act(executor, head, registrar, access=Document.Access.RESTRICTED)
    with pytest.raises(Forbidden):
        mark(executor, act)
    facts = selectors.facts_for(act)
    assert "не публикуются никогда" in str(services.permissions.refusals(act, facts)[0])
    with pytest.raises(Conflict):
        services.publication_publish(actor=registrar.actor, document=act)
    assert not Publication.objects.exists()


def test_personal_data_without_a_redacted_copy_is_never_published(act, executor, registrar):
    mark(executor, act, personal_data=True)
    with pytest.raises(Conflict, match="персональные данные"):
        services.publication_publish(actor=registrar.actor, document=act)
    assert act not in selectors.candidates(act.organization_id)
    assert not Publication.objects.exists()


def test_with_a_redacted_copy_the_redacted_copy_is_published(act, executor, registrar):
    redacted = act_pdf(BUDGET, "Сведения о гражданах удалены. ОБЕЗЛИЧЕНО-4417.")
    mark(
        executor,
        act,
        personal_data=True,
        redacted=Upload(name="обезличено.pdf", stream=io.BytesIO(redacted)),
    )
    publication = services.publication_publish(actor=registrar.actor, document=act)
    text = pdf_facts.text(_bytes(publication.pdf), limit=100_000)
    assert "ОБЕЗЛИЧЕНО-4417" in text
    assert "Утвердить основные характеристики" not in text
    assert publication.redacted


def test_a_redacted_copy_must_be_a_pdf(act, executor):
    from bering.files import samples

    with pytest.raises(ValidationFailed):
        mark(
            executor,
            act,
            personal_data=True,
            redacted=Upload(name="x.docx", stream=io.BytesIO(samples.make_docx("a", "b"))),
        )


def test_only_a_registrar_of_the_organization_publishes(act, executor, head, outsider):
    mark(executor, act)
    for persona in (executor, head, outsider):
        with pytest.raises(Forbidden):
            services.publication_publish(actor=persona.actor, document=act)
    assert not Publication.objects.exists()


def test_the_author_and_a_registrar_mark_others_do_not(act, executor, registrar, head, outsider):
    mark(executor, act)
    mark(registrar, act, to_publish=False)
    for persona in (head, outsider):
        with pytest.raises(Forbidden):
            mark(persona, act)
    act.refresh_from_db()
    assert act.publication_mark.to_publish is False
    assert AuditEvent.objects.filter(verb="publication.marked").count() == 2


def test_unmarked_unsigned_or_unregistered_acts_are_not_published(executor, head, registrar):
    unregistered = signed_act(executor, head, registrar, register=False)
    mark(executor, unregistered)
    with pytest.raises(Conflict, match="не зарегистрирован"):
        services.publication_publish(actor=registrar.actor, document=unregistered)
    unmarked = signed_act(executor, head, registrar)
    with pytest.raises(Conflict, match="не отмечен"):
        services.publication_publish(actor=registrar.actor, document=unmarked)
    letter = signed_act(executor, head, registrar, code="outgoing-letter")
    with pytest.raises(Conflict, match="этого вида не публикуются"):
        services.publication_publish(actor=registrar.actor, document=letter)


def test_unpublishing_needs_a_reason_is_audited_and_a_republication_is_a_new_row(
    published, act, registrar
):
    with pytest.raises(ValidationFailed):
        services.publication_unpublish(actor=registrar.actor, publication=published, reason=" ")
    services.publication_unpublish(
        actor=registrar.actor, publication=published, reason="Признан утратившим силу"
    )
    published.refresh_from_db()
    assert published.unpublished_at is not None
    assert published.unpublish_reason == "Признан утратившим силу"
    event = AuditEvent.objects.get(verb="publication.unpublished")
    assert event.data["reason"] == "Признан утратившим силу"
    with pytest.raises(Conflict):
        services.publication_unpublish(actor=registrar.actor, publication=published, reason="x")
    again = services.publication_publish(actor=registrar.actor, document=act)
    assert again.pk != published.pk
    assert Publication.objects.filter(document=act).count() == 2
    with pytest.raises(Conflict, match="уже опубликован"):
        services.publication_publish(actor=registrar.actor, document=act)


def test_marks_cannot_change_while_the_act_is_public(published, act, executor):
    with pytest.raises(Conflict):
        mark(executor, act, to_publish=False)


def test_an_outsider_cannot_unpublish(published, outsider):
    with pytest.raises(Forbidden):
        services.publication_unpublish(actor=outsider.actor, publication=published, reason="x")


def test_a_docx_act_is_published_from_its_pdf_copy(
    executor, head, registrar, django_capture_on_commit_callbacks
):
    from bering.files import samples

    docx = samples.make_docx(BUDGET, "Утвердить характеристики бюджета. ТЕКСТ-ИЗ-DOCX-5521.")
    with django_capture_on_commit_callbacks(execute=True):
        act = signed_act(executor, head, registrar, data=docx, name="акт.docx")
    main = selectors.main_file(act)
    main.stored.refresh_from_db()
    assert main.stored.kind == "docx" and main.stored.rendition_status == "done"
    mark(executor, act)
    publication = services.publication_publish(actor=registrar.actor, document=act)
    text = pdf_facts.text(_bytes(publication.pdf), limit=100_000)
    assert "ТЕКСТ-ИЗ-DOCX-5521" in text
    assert "Опубликовано" in text
    assert hashlib.sha256(_bytes(main.stored)).hexdigest() == publication.signed_sha256


def test_a_docx_act_waits_for_its_pdf_copy(executor, head, registrar):
    from bering.files import samples

    act = signed_act(
        executor, head, registrar, data=samples.make_docx(BUDGET, "Текст."), name="акт.docx"
    )
    mark(executor, act)
    with pytest.raises(Conflict, match="ещё не готова"):
        services.publication_publish(actor=registrar.actor, document=act)
    assert services.publication_publish_due() == 0
