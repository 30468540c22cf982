from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from bering.appeals import selectors, services
from bering.appeals.models import Appeal, Milestone, NoAnswerGround, Result, TrackingLink
from bering.appeals.tests.conftest import signed_answer
from bering.audit.models import AuditEvent
from bering.core.errors import Conflict, Forbidden, ValidationFailed
from bering.exchange.models import Dispatch

pytestmark = pytest.mark.django_db


def test_send_keeps_the_appeal_its_terms_and_a_hashed_link(sent, galina, health):
    appeal = sent.appeal
    assert appeal.status == Appeal.Status.RECEIVED
    assert appeal.citizen == galina and appeal.organization == health
    assert "3 календарных дня" in appeal.registration_due_note
    link = TrackingLink.objects.get(appeal=appeal)
    assert sent.token not in link.token_hash and len(link.token_hash) == 64
    assert selectors.appeal_by_token(sent.token) == appeal
    assert [m.kind for m in appeal.milestones.all()] == ["received"]
    assert AuditEvent.objects.filter(verb="appeal.received", object_id=appeal.pk).exists()
    to_citizen = [m for m in mail.outbox if m.to == ["galina@mail.ru"]]
    assert len(to_citizen) == 1 and sent.token in to_citizen[0].body


def test_send_refuses_without_consent_text_or_profile(galina, health):
    with pytest.raises(ValidationFailed, match="152"):
        services.appeal_send(citizen=galina, organization=health, text="x", consent=False)
    with pytest.raises(ValidationFailed):
        services.appeal_send(citizen=galina, organization=health, text="  ", consent=True)
    galina.postal_address = ""
    galina.email = ""
    with pytest.raises(ValidationFailed, match=r"profile|профил"):
        services.appeal_send(citizen=galina, organization=health, text="x", consent=True)
    assert not Appeal.objects.exists()


def test_answer_by_email_needs_a_national_zone_address(galina, health):
    galina.email = "galina@gmail.com"
    with pytest.raises(ValidationFailed, match=r"\.ru"):
        services.appeal_send(
            citizen=galina, organization=health, text="x", consent=True, answer_by_email=True
        )


def test_dont_know_whom_goes_to_the_reception(galina, settings, registrar):
    settings.BERING_RECEPTION_ORG_CODE = registrar.org.code
    sent = services.appeal_send(citizen=galina, organization=None, text="Куда?", consent=True)
    assert sent.appeal.organization == registrar.org and sent.appeal.addressed_to_reception


def test_register_makes_an_incoming_document_in_the_journal_of_appeals(registered, registrar):
    appeal = registered
    assert appeal.status == Appeal.Status.REGISTERED
    doc = appeal.document
    assert doc.doc_type.code == "appeal" and doc.flow == "incoming"
    assert doc.journal.name == services.APPEALS_JOURNAL and doc.reg_number.endswith("-ОГ")
    assert "Гусева Галина Петровна" in doc.correspondent
    assert "30 календарных дней" in appeal.answer_due_note
    assert "7 календарных дней" in appeal.redirect_due_note
    step = appeal.milestones.get(kind="registered")
    assert step.data["number"] == doc.reg_number
    with pytest.raises(Conflict):
        services.appeal_register(actor=registrar.actor, appeal=appeal)


def test_only_the_registrar_of_the_organization_registers(sent, executor, outsider):
    for persona in (executor, outsider):
        with pytest.raises(Forbidden):
            services.appeal_register(actor=persona.actor, appeal=sent.appeal)


def test_redirect_to_an_organization_of_the_region(registered, registrar, outsider):
    child_org = outsider.org
    services.appeal_redirect(actor=registrar.actor, appeal=registered, organization=child_org)
    registered.refresh_from_db()
    assert registered.status == Appeal.Status.REDIRECTED and registered.result == Result.REDIRECTED
    child = Appeal.objects.get(redirected_from=registered)
    assert child.organization == child_org and child.status == Appeal.Status.RECEIVED
    assert child.citizen_id == registered.citizen_id
    kinds = [s.kind for s in selectors.tracking_steps(registered)]
    assert kinds == ["received", "registered", "redirected", "received"]


def test_redirect_outside_goes_to_the_dispatch_register(registered, head):
    services.appeal_redirect(
        actor=head.actor, appeal=registered, outside_name="Прокуратура Камчатского края"
    )
    assert Dispatch.objects.get(document=registered.document).addressee.startswith("Прокуратура")


def test_extend_once_by_the_head(registered, head, registrar):
    with pytest.raises(Forbidden):
        services.appeal_extend(actor=registrar.actor, appeal=registered, days=30, reason="x")
    before = registered.answer_due_at
    services.appeal_extend(actor=head.actor, appeal=registered, days=30, reason="Запрос в ФОИВ")
    registered.refresh_from_db()
    assert registered.answer_due_at > before + dt.timedelta(days=25)
    assert registered.original_answer_due_at == before
    with pytest.raises(Conflict, match=r"once|одно"):
        services.appeal_extend(actor=head.actor, appeal=registered, days=5, reason="ещё")
    with pytest.raises(ValidationFailed):
        services.appeal_extend(actor=head.actor, appeal=registered, days=31, reason="x")


def test_repeated_ends_correspondence_only_by_the_head(registered, head, registrar):
    with pytest.raises(Forbidden):
        services.appeal_close_without_answer(
            actor=registrar.actor, appeal=registered, ground=NoAnswerGround.REPEATED
        )
    services.appeal_close_without_answer(
        actor=head.actor, appeal=registered, ground=NoAnswerGround.REPEATED
    )
    registered.refresh_from_db()
    assert registered.status == Appeal.Status.NO_ANSWER and registered.result == Result.NO_ANSWER
    assert registered.milestones.filter(kind=Milestone.Kind.NO_ANSWER).exists()


def test_answer_is_sent_with_pdf_sha_and_new_link(
    registered, registrar, executor, head, django_capture_on_commit_callbacks
):
    answer = signed_answer(registered, executor, head, registrar)
    with django_capture_on_commit_callbacks(execute=True):
        services.appeal_answer_send(
            actor=registrar.actor, appeal=registered, answer=answer, result=Result.EXPLAINED
        )
    registered.refresh_from_db()
    assert registered.status == Appeal.Status.ANSWERED
    assert registered.answer_file.content_type == "application/pdf"
    signed = answer.files.get(slot=1).stored.sha256
    assert registered.answer_sha256 == signed
    step = registered.milestones.get(kind="answered")
    assert step.data["sha256"] == signed and step.data["number"] == answer.reg_number
    assert registered.tracking_links.count() == 2


def test_answer_must_be_in_reply_signed_and_registered(registered, registrar, executor, head):
    import io

    from bering.appeals.tests.conftest import pdf
    from bering.documents import services as document_services
    from bering.documents.tests.factories import doc_type

    loose = document_services.document_create(
        actor=executor.actor,
        card=document_services.Card(doc_type=doc_type("outgoing-letter"), title="Ответ"),
        flow="outgoing",
        uploads=[document_services.Upload(name="a.pdf", stream=io.BytesIO(pdf("x")))],
    )
    with pytest.raises(ValidationFailed, match=r"reply|ответ"):
        services.appeal_answer_send(
            actor=registrar.actor, appeal=registered, answer=loose, result=Result.EXPLAINED
        )


def test_citizen_supplements_and_withdraws_only_their_own(sent, galina, petr):
    with pytest.raises(Forbidden):
        services.appeal_withdraw(citizen=petr, appeal=sent.appeal)
    services.appeal_supplement(citizen=galina, appeal=sent.appeal, text="Дополнение")
    services.appeal_withdraw(citizen=galina, appeal=sent.appeal)
    sent.appeal.refresh_from_db()
    assert sent.appeal.status == Appeal.Status.WITHDRAWN
    with pytest.raises(Conflict):
        services.appeal_supplement(citizen=galina, appeal=sent.appeal, text="ещё")


def test_renewed_link_revokes_the_old(sent, galina):
    new = services.tracking_link_renew(citizen=galina, appeal=sent.appeal)
    assert selectors.appeal_by_token(sent.token) is None
    assert selectors.appeal_by_token(new) == sent.appeal
