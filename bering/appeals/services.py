"""Every write on appeals: keyword-only, one transaction, an audit event each.

A citizen's actions (send, supplement, withdraw) are recorded with no staff
actor and the organization of the appeal; the audit data names the citizen by
id only. Staff actions reuse the ordinary services: registration is
``document_register_incoming``, the answer is an ordinary outgoing document
approved, signed and registered the usual way, then sent here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from io import BytesIO

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from bering.appeals import answer_pdf, permissions, terms, tokens
from bering.appeals.models import (
    FILES_MAX,
    TEXT_MAX,
    Appeal,
    AppealFile,
    Channel,
    Citizen,
    Milestone,
    NoAnswerGround,
    Result,
    Supplement,
    Topic,
    TrackingLink,
)
from bering.appeals.validation import check_answer_email, clean_citizen_fields
from bering.audit.services import record
from bering.core import clock
from bering.core.db import atomic_with_retry
from bering.core.errors import Conflict, Forbidden, ValidationFailed
from bering.documents import selectors as document_selectors
from bering.documents import services as document_services
from bering.documents.models import Document, DocumentType, Flow, Journal
from bering.exchange.models import Dispatch
from bering.files.services import file_open, file_store
from bering.notifications.services import absolute_url, notify
from bering.orgs.actor import Actor
from bering.orgs.models import Employee, Organization
from bering.signatures.selectors import signatures_for_files

APPEALS_JOURNAL = "Обращения граждан"
APPEALS_TEMPLATE = "{seq}-ОГ"


@dataclass(frozen=True)
class Sent:
    """A new appeal and its tracking token, shown once (receipt, e-mail)."""

    appeal: Appeal
    token: str


@dataclass(frozen=True)
class CitizenData:
    last_name: str
    first_name: str
    middle_name: str = ""
    postal_address: str = ""
    email: str = ""


def tracking_url(token: str) -> str:
    return absolute_url(reverse("portal:track", args=[token]))


# --- helpers -------------------------------------------------------------------------


def reception_organization() -> Organization:
    org = Organization.objects.filter(
        code=settings.BERING_RECEPTION_ORG_CODE, is_active=True
    ).first()
    if org is None:
        raise ValidationFailed(
            _("The region's reception is not set up: choose an organization."),
            field="organization",
        )
    return org


def _milestone(appeal: Appeal, kind: str, at: dt.datetime, **data: object) -> Milestone:
    return Milestone.objects.create(appeal=appeal, kind=kind, at=at, data=data)


def _link_create(appeal: Appeal, at: dt.datetime) -> str:
    token = tokens.new_token()
    TrackingLink.objects.create(appeal=appeal, token_hash=tokens.token_hash(token), created_at=at)
    return token


def _registrar_ids(organization_id: int) -> list[int]:
    return list(
        Employee.objects.filter(
            organization_id=organization_id, is_registrar=True, is_active=True
        ).values_list("pk", flat=True)
    )


def _tell(appeal: Appeal, recipient_ids: list[int], title: str, *, dedupe_key: str = "") -> None:
    """An in-app notice to staff about ``appeal``, with a link to its card."""
    notify(
        recipient_ids=recipient_ids,
        kind="appeal",
        title=title,
        url=reverse("appeals:detail", args=[appeal.pk]),
        object_type="appeal",
        object_id=appeal.pk,
        dedupe_key=dedupe_key,
    )


def _mail_citizen(
    citizen: Citizen, subject: str, body: str, attachment: tuple[str, bytes] | None = None
) -> None:
    """E-mail the citizen after commit (the address for answers, or the login one)."""
    address = citizen.email or citizen.login_email or ""
    if not address:
        return

    def send() -> None:
        message = EmailMessage(subject=subject, body=body, to=[address])
        if attachment is not None:
            message.attach(attachment[0], attachment[1], "application/pdf")
        message.send(fail_silently=True)

    transaction.on_commit(send)


def _store_uploads(uploads: Sequence[document_services.Upload]) -> list[int]:
    if len(uploads) > FILES_MAX:
        raise ValidationFailed(_("Attach at most %(n)s files.") % {"n": FILES_MAX}, field="files")
    ids = []
    for upload in uploads:
        upload.stream.seek(0)
        ids.append(file_store(stream=upload.stream, name=upload.name, uploaded_by_id=None).pk)
    return ids


def _check_text(text: str, *, required: bool = True) -> str:
    text = text.strip()
    if required and not text:
        raise ValidationFailed(_("Write the text of the appeal."), field="text")
    if len(text) > TEXT_MAX:
        raise ValidationFailed(
            _("The text is longer than %(n)s characters: shorten it or attach a file.")
            % {"n": TEXT_MAX},
            field="text",
        )
    return text


def _lock(appeal: Appeal) -> Appeal:
    # Lock the appeal's row only: PostgreSQL refuses FOR UPDATE on the nullable
    # side of the outer join to the document.
    return (
        Appeal.objects.select_for_update(of=("self",))
        .select_related("organization", "citizen", "document")
        .get(pk=appeal.pk)
    )


def _require_open(appeal: Appeal, *, registered: bool = False) -> None:
    if not appeal.is_open:
        raise Conflict(
            _("The appeal is closed: %(status)s.") % {"status": appeal.get_status_display()}
        )
    if registered and appeal.status != Appeal.Status.REGISTERED:
        raise Conflict(_("Register the appeal first."))


def _new_appeal(
    *,
    citizen: Citizen,
    organization: Organization,
    text: str,
    topic: Topic | None,
    channel: str,
    received_at: dt.datetime,
    file_ids: Sequence[int],
    to_reception: bool = False,
    answer_by_email: bool = False,
    consent_at: dt.datetime | None = None,
    created_by: Employee | None = None,
    redirected_from: Appeal | None = None,
) -> Appeal:
    due = terms.registration_due(received_at=received_at, tz=organization.time_zone)
    appeal = Appeal.objects.create(
        citizen=citizen,
        organization=organization,
        addressed_to_reception=to_reception,
        channel=channel,
        text=text,
        topic=topic,
        answer_by_email=answer_by_email,
        consent_at=consent_at,
        received_at=received_at,
        registration_due_at=due.due_at,
        registration_due_note=due.explanation,
        created_by=created_by,
        redirected_from=redirected_from,
    )
    AppealFile.objects.bulk_create(
        AppealFile(appeal=appeal, stored_id=i, added_at=received_at) for i in file_ids
    )
    _milestone(appeal, Milestone.Kind.RECEIVED, received_at)
    return appeal


# --- the citizen's side --------------------------------------------------------------


def citizen_profile_update(*, citizen: Citizen, data: CitizenData) -> Citizen:
    """The citizen's own name and addresses (59-ФЗ: whom and where to answer)."""
    fields = clean_citizen_fields(data.__dict__)

    def work() -> Citizen:
        locked = Citizen.objects.select_for_update().get(pk=citizen.pk)
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.save(update_fields=list(fields))
        record(
            actor=None,
            verb="citizen.profile_updated",
            object_type="citizen",
            object_id=locked.pk,
            data={"fields": sorted(fields)},
        )
        return locked

    return atomic_with_retry(work)


def appeal_send(
    *,
    citizen: Citizen,
    organization: Organization | None,
    text: str,
    topic: Topic | None = None,
    uploads: Sequence[document_services.Upload] = (),
    consent: bool = False,
    answer_by_email: bool = False,
) -> Sent:
    """A signed-in citizen sends an appeal from the internet reception.

    ``organization`` None means «не знаю, кому»: the region's reception gets it.
    """
    if not citizen.is_active or not citizen.has_account:
        raise Forbidden(_("Sign in to send an appeal."))
    if not citizen.profile_complete:
        raise ValidationFailed(
            _(
                "Fill in your surname, name and a postal or e-mail address in your "
                "profile: the law does not allow answering an appeal without them."
            ),
            field="profile",
        )
    if not consent:
        raise ValidationFailed(
            _(
                "Agree to the processing of your personal data: without it the appeal "
                "cannot be considered (152-ФЗ)."
            ),
            field="consent",
        )
    text = _check_text(text)
    if answer_by_email:
        check_answer_email(citizen.email, field="answer_by_email")
    if topic is not None and not topic.is_active:
        raise ValidationFailed(_("This topic is no longer in use."), field="topic")
    to_reception = organization is None
    target = organization if organization is not None else reception_organization()
    if not target.is_active:
        raise ValidationFailed(_("Choose an organization from the list."), field="organization")

    def work() -> Sent:
        now = clock.now()
        file_ids = _store_uploads(uploads)
        appeal = _new_appeal(
            citizen=citizen,
            organization=target,
            text=text,
            topic=topic,
            channel=Channel.PORTAL,
            received_at=now,
            file_ids=file_ids,
            to_reception=to_reception,
            answer_by_email=answer_by_email,
            consent_at=now,
        )
        token = _link_create(appeal, now)
        _tell(
            appeal,
            _registrar_ids(target.pk),
            _("New citizen's appeal to register"),
            dedupe_key=f"appeal-new-{appeal.pk}",
        )
        record(
            actor=None,
            verb="appeal.received",
            object_type="appeal",
            object_id=appeal.pk,
            organization_id=target.pk,
            data={
                "citizen": citizen.pk,
                "channel": appeal.channel,
                "to_reception": to_reception,
                "topic": topic.code if topic else "",
                "files": len(file_ids),
            },
        )
        _mail_citizen(
            citizen,
            _("Your appeal is received"),
            _(
                "Your appeal to %(org)s is received on %(date)s.\n"
                "It will be registered by %(reg)s; the answer is due within 30 days "
                "of registration.\n\nFollow it here: %(url)s\n"
            )
            % {
                "org": target.name,
                "date": target.local_today(now).strftime("%d.%m.%Y"),
                "reg": appeal.registration_due_at.astimezone(target.tz).strftime("%d.%m.%Y"),
                "url": tracking_url(token),
            },
        )
        return Sent(appeal=appeal, token=token)

    return atomic_with_retry(work)


def appeal_supplement(
    *,
    citizen: Citizen,
    appeal: Appeal,
    text: str,
    uploads: Sequence[document_services.Upload] = (),
) -> Supplement:
    """The citizen adds text or files to an open appeal."""
    if not permissions.citizen_owns(citizen, appeal):
        raise Forbidden(_("This is not your appeal."))
    text = _check_text(text, required=not uploads)

    def work() -> Supplement:
        locked = _lock(appeal)
        _require_open(locked)
        now = clock.now()
        supplement = Supplement.objects.create(appeal=locked, text=text, created_at=now)
        for stored_id in _store_uploads(uploads):
            AppealFile.objects.create(
                appeal=locked, supplement=supplement, stored_id=stored_id, added_at=now
            )
        _milestone(locked, Milestone.Kind.SUPPLEMENTED, now)
        _tell(
            locked,
            _people_of(locked),
            _("The citizen added to appeal %(appeal)s") % {"appeal": str(locked)},
        )
        record(
            actor=None,
            verb="appeal.supplemented",
            object_type="appeal",
            object_id=locked.pk,
            organization_id=locked.organization_id,
            data={"citizen": citizen.pk, "files": len(uploads)},
        )
        return supplement

    return atomic_with_retry(work)


def appeal_withdraw(*, citizen: Citizen, appeal: Appeal) -> Appeal:
    if not permissions.citizen_owns(citizen, appeal):
        raise Forbidden(_("This is not your appeal."))

    def work() -> Appeal:
        locked = _lock(appeal)
        _require_open(locked)
        now = clock.now()
        locked.status = Appeal.Status.WITHDRAWN
        locked.closed_at = now
        locked.save(update_fields=["status", "closed_at", "updated_at"])
        _milestone(locked, Milestone.Kind.WITHDRAWN, now)
        _tell(
            locked,
            _people_of(locked),
            _("The citizen withdrew appeal %(appeal)s") % {"appeal": str(locked)},
        )
        record(
            actor=None,
            verb="appeal.withdrawn",
            object_type="appeal",
            object_id=locked.pk,
            organization_id=locked.organization_id,
            data={"citizen": citizen.pk},
        )
        return locked

    return atomic_with_retry(work)


def tracking_link_renew(*, citizen: Citizen, appeal: Appeal) -> str:
    """A new tracking link for the citizen's own appeal; the old ones stop working."""
    if not permissions.citizen_owns(citizen, appeal):
        raise Forbidden(_("This is not your appeal."))

    def work() -> str:
        now = clock.now()
        TrackingLink.objects.filter(appeal=appeal, revoked_at__isnull=True).update(revoked_at=now)
        token = _link_create(appeal, now)
        record(
            actor=None,
            verb="appeal.link_renewed",
            object_type="appeal",
            object_id=appeal.pk,
            organization_id=appeal.organization_id,
            data={"citizen": citizen.pk},
        )
        return token

    return atomic_with_retry(work)


def _people_of(appeal: Appeal) -> list[int]:
    """Registrars, and the executor of the registered document."""
    people = set(_registrar_ids(appeal.organization_id))
    if appeal.document is not None and appeal.document.executor_id:
        people.add(appeal.document.executor_id)
    return sorted(people)


# --- the staff side ------------------------------------------------------------------


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


def appeal_redirect(
    *,
    actor: Actor,
    appeal: Appeal,
    organization: Organization | None = None,
    outside_name: str = "",
    outside_address: str = "",
    note: str = "",
) -> Appeal:
    """Send the appeal to the competent body (59-ФЗ art. 8 p. 3) and tell the citizen.

    To an organization of the region: a new appeal in its registration queue,
    with the same text and files. To a body outside the system: a line of the
    dispatch register. The appeal here is closed as «направлено по компетенции».
    """
    if not permissions.can_redirect(actor.employee, appeal):
        raise Forbidden(_("Only the registrar or the head redirects an appeal."))
    outside_name = outside_name.strip()
    if (organization is None) == (not outside_name):
        raise ValidationFailed(
            _("Choose one organization of the region, or name a body outside it."),
            field="organization",
        )
    if organization is not None and (
        organization.pk == appeal.organization_id or not organization.is_active
    ):
        raise ValidationFailed(
            _("Choose another organization of the region."), field="organization"
        )

    def work() -> Appeal:
        locked = _lock(appeal)
        _require_open(locked, registered=True)
        now = clock.now()
        to_name = organization.name if organization is not None else outside_name[:500]
        _milestone(locked, Milestone.Kind.REDIRECTED, now, to=to_name)
        if organization is not None:
            child = _new_appeal(
                citizen=locked.citizen,
                organization=organization,
                text=locked.text,
                topic=locked.topic,
                channel=Channel.REDIRECTED,
                received_at=now,
                file_ids=list(locked.files.values_list("stored_id", flat=True)),
                answer_by_email=locked.answer_by_email,
                consent_at=locked.consent_at,
                created_by=actor.employee,
                redirected_from=locked,
            )
            _tell(
                child,
                _registrar_ids(organization.pk),
                _("A citizen's appeal redirected by %(org)s")
                % {"org": actor.organization.short_name},
                dedupe_key=f"appeal-new-{child.pk}",
            )
        else:
            assert locked.document is not None
            Dispatch.objects.create(
                document=locked.document,
                organization_id=locked.organization_id,
                addressee=outside_name[:500],
                method=Dispatch.Method.PAPER,
                address=outside_address.strip()[:500],
                created_by=actor.employee,
                note=note.strip()[:1000],
            )
        locked.status = Appeal.Status.REDIRECTED
        locked.result = Result.REDIRECTED
        locked.redirected_at = now
        locked.redirected_to_name = to_name
        locked.closed_at = now
        locked.save(
            update_fields=[
                "status",
                "result",
                "redirected_at",
                "redirected_to_name",
                "closed_at",
                "updated_at",
            ]
        )
        record(
            actor=actor,
            verb="appeal.redirected",
            object_type="appeal",
            object_id=locked.pk,
            data={
                "to": to_name,
                "organization": organization.pk if organization else None,
                "late": bool(locked.redirect_due_at and now > locked.redirect_due_at),
                "note": note.strip()[:1000],
            },
        )
        _mail_citizen(
            locked.citizen,
            _("Your appeal is redirected"),
            _(
                "Your appeal № %(number)s is outside the competence of %(org)s and is "
                "redirected to %(to)s (59-ФЗ, art. 8 p. 3).\n"
            )
            % {"number": str(locked), "org": locked.organization.name, "to": to_name},
        )
        return locked

    return atomic_with_retry(work)


def appeal_extend(*, actor: Actor, appeal: Appeal, days: int, reason: str) -> Appeal:
    """The head extends the term of the answer once, by up to 30 days, telling the citizen."""
    if not permissions.can_extend(actor.employee, appeal):
        raise Forbidden(_("Only the head extends the term of an appeal."))
    if isinstance(days, bool) or not 1 <= days <= terms.EXTENSION_MAX_DAYS:
        raise ValidationFailed(
            _("Extend by 1 to %(n)s days.") % {"n": terms.EXTENSION_MAX_DAYS}, field="days"
        )
    if not reason.strip():
        raise ValidationFailed(_("State the reason for the extension."), field="reason")

    def work() -> Appeal:
        locked = _lock(appeal)
        _require_open(locked, registered=True)
        if locked.extended_at is not None:
            raise Conflict(_("The term was already extended once: the law allows one extension."))
        assert locked.answer_due_at is not None
        now = clock.now()
        due = terms.extended_due(
            answer_due_at=locked.answer_due_at, days=days, tz=locked.organization.time_zone
        )
        locked.original_answer_due_at = locked.answer_due_at
        locked.answer_due_at = due.due_at
        locked.answer_due_note = _("extended: %(explanation)s") % {"explanation": due.explanation}
        locked.extended_at = now
        locked.extension_reason = reason.strip()[:1000]
        locked.save(
            update_fields=[
                "original_answer_due_at",
                "answer_due_at",
                "answer_due_note",
                "extended_at",
                "extension_reason",
                "updated_at",
            ]
        )
        _milestone(locked, Milestone.Kind.EXTENDED, now, until=due.due_date.isoformat())
        record(
            actor=actor,
            verb="appeal.extended",
            object_type="appeal",
            object_id=locked.pk,
            data={"days": days, "until": due.due_date.isoformat(), "reason": reason.strip()},
        )
        _mail_citizen(
            locked.citizen,
            _("The term of your appeal is extended"),
            _("The term of the answer to your appeal № %(number)s is extended to %(due)s.\n")
            % {"number": str(locked), "due": due.due_date.strftime("%d.%m.%Y")},
        )
        return locked

    return atomic_with_retry(work)


def appeal_close_without_answer(
    *, actor: Actor, appeal: Appeal, ground: str, note: str = ""
) -> Appeal:
    """Leave the appeal without an answer on its merits on a ground of 59-ФЗ art. 11;
    on a repeated appeal the head ends the correspondence. The citizen is told
    where there is an address to tell."""
    if ground not in NoAnswerGround.values:
        raise ValidationFailed(_("Choose a ground from the list."), field="ground")
    if not permissions.can_close_without_answer(actor.employee, appeal, ground):
        raise Forbidden(
            _("Only the head ends correspondence on a repeated appeal.")
            if ground == NoAnswerGround.REPEATED
            else _("Only the registrar or the head does this.")
        )

    def work() -> Appeal:
        locked = _lock(appeal)
        _require_open(locked)
        now = clock.now()
        locked.status = Appeal.Status.NO_ANSWER
        locked.result = Result.NO_ANSWER
        locked.no_answer_ground = ground
        locked.closed_at = now
        locked.save(
            update_fields=["status", "result", "no_answer_ground", "closed_at", "updated_at"]
        )
        _milestone(locked, Milestone.Kind.NO_ANSWER, now, ground=ground)
        record(
            actor=actor,
            verb="appeal.no_answer",
            object_type="appeal",
            object_id=locked.pk,
            data={"ground": ground, "note": note.strip()[:1000]},
        )
        if ground != NoAnswerGround.ANONYMOUS:
            _mail_citizen(
                locked.citizen,
                _("Your appeal is left without an answer"),
                _("Your appeal %(number)s is left without an answer on its merits: %(ground)s.\n")
                % {"number": str(locked), "ground": NoAnswerGround(ground).label},
            )
        return locked

    return atomic_with_retry(work)


def _signed_main(answer: Document) -> tuple[str, str]:
    """The SHA-256 of the signed main file of ``answer``, and who signed it."""
    current = document_selectors.document_files(answer)
    main = next((f for f in current if f.slot == 1), None)
    if main is None:
        raise ValidationFailed(_("The answer has no file."), field="answer")
    signature = signatures_for_files([main.pk]).select_related("signer__user").last()
    if signature is None:
        raise ValidationFailed(
            _("The answer is not signed: it goes through approval and signing first."),
            field="answer",
        )
    return signature.sha256, signature.signer.user.full_name


def appeal_answer_send(*, actor: Actor, appeal: Appeal, answer: Document, result: str) -> Appeal:
    """Send the signed and registered answer to the citizen: the answer PDF with its
    number, the signature mark and the QR code of the tracking page goes to the
    citizen's account (and e-mail, if asked); the result is recorded."""
    if not permissions.can_send_answer(actor.employee, appeal):
        raise Forbidden(_("Only the registrar sends the answer."))
    if result not in (Result.SUPPORTED, Result.EXPLAINED, Result.NOT_SUPPORTED):
        raise ValidationFailed(_("Choose the result of consideration."), field="result")
    if (
        answer.organization_id != appeal.organization_id
        or answer.in_reply_to_id is None
        or answer.in_reply_to_id != appeal.document_id
    ):
        raise ValidationFailed(
            _("Choose the answer prepared «in reply to» this appeal."), field="answer"
        )
    if answer.status != Document.Status.REGISTERED or answer.flow != Flow.OUTGOING:
        raise ValidationFailed(
            _("The answer is sent once it is signed and registered."), field="answer"
        )
    sha256, signer_name = _signed_main(answer)

    def work() -> Appeal:
        locked = _lock(appeal)
        _require_open(locked, registered=True)
        now = clock.now()
        token = _link_create(locked, now)
        pdf = answer_pdf.render(
            appeal=locked,
            answer=answer,
            signer_name=signer_name,
            sha256=sha256,
            url=tracking_url(token),
        )
        name = f"Ответ {answer.reg_number}.pdf".replace("/", "-")
        stored = file_store(stream=BytesIO(pdf), name=name, uploaded_by_id=actor.user.pk)
        locked.status = Appeal.Status.ANSWERED
        locked.result = result
        locked.answer = answer
        locked.answer_file = stored
        locked.answer_sha256 = sha256
        locked.closed_at = now
        locked.save(
            update_fields=[
                "status",
                "result",
                "answer",
                "answer_file",
                "answer_sha256",
                "closed_at",
                "updated_at",
            ]
        )
        _milestone(
            locked,
            Milestone.Kind.ANSWERED,
            now,
            number=answer.reg_number,
            date=answer.reg_date.isoformat() if answer.reg_date else "",
            sha256=sha256,
        )
        record(
            actor=actor,
            verb="appeal.answered",
            object_type="appeal",
            object_id=locked.pk,
            data={
                "answer": answer.pk,
                "number": answer.reg_number,
                "result": result,
                "sha256": sha256,
                "late": bool(locked.answer_due_at and now > locked.answer_due_at),
            },
        )
        body = _(
            "The answer to your appeal № %(appeal)s: № %(number)s of %(date)s. "
            "It is in your personal account.\nFollow the appeal: %(url)s\n"
        ) % {
            "appeal": str(locked),
            "number": answer.reg_number,
            "date": answer.reg_date.strftime("%d.%m.%Y") if answer.reg_date else "",
            "url": tracking_url(token),
        }
        attachment = (name, pdf) if locked.answer_by_email else None
        _mail_citizen(locked.citizen, _("The answer to your appeal"), body, attachment)
        return locked

    return atomic_with_retry(work)
