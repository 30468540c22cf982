"""Shared pieces of the appeals services: data shapes, locks, milestones, notices."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from bering.appeals import terms, tokens
from bering.appeals.models import (
    FILES_MAX,
    TEXT_MAX,
    Appeal,
    AppealFile,
    Citizen,
    Milestone,
    Topic,
    TrackingLink,
)
from bering.core.errors import Conflict, ValidationFailed
from bering.documents import services as document_services
from bering.files.services import file_store
from bering.notifications.services import absolute_url, notify
from bering.orgs.models import Employee, Organization

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


def _people_of(appeal: Appeal) -> list[int]:
    """Registrars, and the executor of the registered document."""
    people = set(_registrar_ids(appeal.organization_id))
    if appeal.document is not None and appeal.document.executor_id:
        people.add(appeal.document.executor_id)
    return sorted(people)
