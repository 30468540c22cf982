"""Registration of appeals: the journal of appeals, portal and paper appeals."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from io import BytesIO

from django.utils.translation import gettext as _

from bering.appeals import answer_pdf, permissions, terms
from bering.appeals.models import (
    Appeal,
    Channel,
    Citizen,
    Milestone,
    Topic,
)
from bering.appeals.services.common import (
    APPEALS_JOURNAL,
    APPEALS_TEMPLATE,
    CitizenData,
    Sent,
    _check_text,
    _link_create,
    _lock,
    _mail_citizen,
    _milestone,
    _new_appeal,
    _require_open,
    _store_uploads,
)
from bering.appeals.validation import clean_citizen_fields
from bering.audit.services import record
from bering.core import clock
from bering.core.db import atomic_with_retry
from bering.core.errors import Conflict, Forbidden, ValidationFailed
from bering.documents import services as document_services
from bering.documents.models import Document, DocumentType, Flow, Journal
from bering.files.services import file_open
from bering.orgs.actor import Actor
from bering.orgs.models import Employee, Organization


def appeals_journal(organization: Organization) -> Journal:
    """The organization's journal of appeals, created the first time it is needed."""
    journal = Journal.objects.filter(organization=organization, name=APPEALS_JOURNAL).first()
    if journal is not None:
        return journal
    journal = Journal.objects.create(
        organization=organization,
        name=APPEALS_JOURNAL,
        flow=Flow.INCOMING,
        index="ОГ",
        template=APPEALS_TEMPLATE,
    )
    appeal_type = DocumentType.objects.filter(code="appeal").first()
    if appeal_type is not None:
        journal.document_types.add(appeal_type)
    record(
        actor=None,
        verb="journal.created",
        object_type="journal",
        object_id=journal.pk,
        organization_id=organization.pk,
        data={"name": journal.name, "template": journal.template},
    )
    return journal


def appeal_title(appeal: Appeal) -> str:
    words = " ".join(appeal.text.split())
    summary = words[:150] + ("…" if len(words) > 150 else "")
    if appeal.topic is not None:
        return f"{appeal.topic.name}: {summary}"
    return summary


def _card_for(appeal: Appeal, *, title: str, executor: Employee | None) -> document_services.Card:
    appeal_type = DocumentType.objects.filter(code="appeal").first()
    if appeal_type is None:
        raise ValidationFailed(_("The document type «appeal» is missing."), field="doc_type")
    citizen = appeal.citizen
    where = citizen.postal_address or citizen.email or citizen.login_email or ""
    return document_services.Card(
        doc_type=appeal_type,
        title=title.strip() or appeal_title(appeal),
        correspondent=f"{citizen.full_name}, {where}".strip(", ")[:500],
        correspondent_date=appeal.organization.local_today(appeal.received_at),
        executor=executor,
    )


def appeal_register(
    *,
    actor: Actor,
    appeal: Appeal,
    title: str = "",
    executor: Employee | None = None,
    journal: Journal | None = None,
) -> Appeal:
    """The registrar registers a received appeal in the journal of appeals."""
    if not permissions.can_register(actor.employee, appeal):
        raise Forbidden(_("Only the registrar of the organization registers appeals."))

    def work() -> Appeal:
        locked = _lock(appeal)
        if locked.status != Appeal.Status.RECEIVED:
            if locked.document is not None:
                raise Conflict(
                    _("Already registered as № %(number)s.")
                    % {"number": locked.document.reg_number}
                )
            _require_open(locked)
        files = list(locked.files.select_related("stored"))
        text = document_services.Upload(
            name="Обращение.pdf", stream=BytesIO(answer_pdf.appeal_text_pdf(locked))
        )
        uploads = [text] + [
            document_services.Upload(name=f.stored.original_name, stream=file_open(f.stored))
            for f in files
        ]
        try:
            document = document_services.document_register_incoming(
                actor=actor,
                card=_card_for(locked, title=title, executor=executor),
                journal=journal or appeals_journal(locked.organization),
                uploads=uploads,
                confirm_duplicate=True,
            )
        finally:
            for upload in uploads:
                upload.stream.close()
        _after_registration(actor, locked, document)
        return locked

    return atomic_with_retry(work)


def _after_registration(actor: Actor, appeal: Appeal, document: Document) -> None:
    moment = document.registered_at or clock.now()
    tz = appeal.organization.time_zone
    redirect = terms.redirect_due(registered_at=moment, tz=tz)
    answer = terms.answer_due(registered_at=moment, tz=tz)
    appeal.document = document
    appeal.status = Appeal.Status.REGISTERED
    appeal.registered_at = moment
    appeal.redirect_due_at = redirect.due_at
    appeal.redirect_due_note = redirect.explanation
    appeal.answer_due_at = answer.due_at
    appeal.answer_due_note = answer.explanation
    appeal.save(
        update_fields=[
            "document",
            "status",
            "registered_at",
            "redirect_due_at",
            "redirect_due_note",
            "answer_due_at",
            "answer_due_note",
            "updated_at",
        ]
    )
    _milestone(
        appeal,
        Milestone.Kind.REGISTERED,
        moment,
        number=document.reg_number,
        date=document.reg_date.isoformat() if document.reg_date else "",
        answer_due=answer.due_date.isoformat(),
    )
    record(
        actor=actor,
        verb="appeal.registered",
        object_type="appeal",
        object_id=appeal.pk,
        data={
            "document": document.pk,
            "number": document.reg_number,
            "answer_due": answer.due_date.isoformat(),
        },
    )
    _mail_citizen(
        appeal.citizen,
        _("Your appeal is registered"),
        _(
            "Your appeal is registered by %(org)s as № %(number)s of %(date)s.\n"
            "The answer is due by %(due)s.\n"
        )
        % {
            "org": appeal.organization.name,
            "number": document.reg_number,
            "date": document.reg_date.strftime("%d.%m.%Y") if document.reg_date else "",
            "due": answer.due_date.strftime("%d.%m.%Y"),
        },
    )


def citizen_create_by_clerk(*, actor: Actor, data: CitizenData) -> Citizen:
    """A citizen of a paper or oral appeal, typed in by a clerk (no account)."""
    if not actor.employee.is_registrar:
        raise Forbidden(_("Only a registrar registers appeals."))
    fields = clean_citizen_fields(data.__dict__, answer_email=False)
    if not fields.get("last_name") and not fields.get("first_name"):
        raise ValidationFailed(_("Enter the citizen's surname and name."), field="last_name")

    def work() -> Citizen:
        citizen = Citizen.objects.create(created_by=actor.employee, **fields)
        record(
            actor=actor,
            verb="citizen.created",
            object_type="citizen",
            object_id=citizen.pk,
            data={"by_clerk": True},
        )
        return citizen

    return atomic_with_retry(work)


def appeal_register_paper(
    *,
    actor: Actor,
    citizen: Citizen,
    text: str,
    channel: str = Channel.PAPER,
    received_on: dt.date | None = None,
    topic: Topic | None = None,
    title: str = "",
    executor: Employee | None = None,
    uploads: Sequence[document_services.Upload] = (),
) -> Sent:
    """A paper appeal or one from a personal reception, registered at once.

    Returns the tracking token for the receipt the clerk gives the citizen.
    """
    if not actor.employee.is_registrar:
        raise Forbidden(_("Only a registrar registers appeals."))
    if channel not in (Channel.PAPER, Channel.PERSONAL):
        raise ValidationFailed(_("Choose: in writing or at a personal reception."), field="channel")
    text = _check_text(text)
    organization = actor.organization
    now = clock.now()
    today = organization.local_today(now)
    if received_on is not None and received_on > today:
        raise ValidationFailed(
            _("The date of receipt cannot be in the future."), field="received_on"
        )
    if received_on is not None and received_on < today - dt.timedelta(days=366):
        raise ValidationFailed(
            _("The date of receipt is more than a year ago."), field="received_on"
        )

    def work() -> Sent:
        moment = now
        if received_on is not None and received_on != today:
            moment = dt.datetime.combine(received_on, dt.time(12, 0), tzinfo=organization.tz)
        appeal = _new_appeal(
            citizen=citizen,
            organization=organization,
            text=text,
            topic=topic,
            channel=channel,
            received_at=moment,
            file_ids=_store_uploads(uploads),
            created_by=actor.employee,
        )
        token = _link_create(appeal, now)
        record(
            actor=actor,
            verb="appeal.received",
            object_type="appeal",
            object_id=appeal.pk,
            data={"citizen": citizen.pk, "channel": channel, "files": len(uploads)},
        )
        appeal_register(actor=actor, appeal=appeal, title=title, executor=executor)
        appeal.refresh_from_db()
        return Sent(appeal=appeal, token=token)

    return atomic_with_retry(work)
