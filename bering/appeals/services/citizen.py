"""The citizen's own actions: profile, send, supplement, withdraw, renew the link."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.utils.translation import gettext as _

from bering.appeals import permissions
from bering.appeals.models import (
    Appeal,
    AppealFile,
    Channel,
    Citizen,
    Milestone,
    Supplement,
    Topic,
    TrackingLink,
)
from bering.appeals.services.common import (
    CitizenData,
    Sent,
    _check_text,
    _link_create,
    _lock,
    _mail_citizen,
    _milestone,
    _new_appeal,
    _people_of,
    _registrar_ids,
    _require_open,
    _store_uploads,
    _tell,
    reception_organization,
    tracking_url,
)
from bering.appeals.validation import check_answer_email, clean_citizen_fields
from bering.audit.services import record
from bering.core import clock
from bering.core.db import atomic_with_retry
from bering.core.errors import Forbidden, ValidationFailed
from bering.documents import services as document_services
from bering.orgs.models import Organization


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
    text, target = _check_sendable(
        citizen,
        organization=organization,
        text=text,
        topic=topic,
        consent=consent,
        answer_by_email=answer_by_email,
    )
    to_reception = organization is None

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
        _record_received(appeal, to_reception=to_reception, files=len(file_ids))
        _tell_received(appeal, token, now)
        return Sent(appeal=appeal, token=token)

    return atomic_with_retry(work)


def _check_sendable(
    citizen: Citizen,
    *,
    organization: Organization | None,
    text: str,
    topic: Topic | None,
    consent: bool,
    answer_by_email: bool,
) -> tuple[str, Organization]:
    """Refuse what the law or the form does not allow; the cleaned text and the
    organization that receives the appeal (the region's reception for «не знаю, кому»)."""
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
    target = organization if organization is not None else reception_organization()
    if not target.is_active:
        raise ValidationFailed(_("Choose an organization from the list."), field="organization")
    return text, target


def _record_received(appeal: Appeal, *, to_reception: bool, files: int) -> None:
    record(
        actor=None,
        verb="appeal.received",
        object_type="appeal",
        object_id=appeal.pk,
        organization_id=appeal.organization_id,
        data={
            "citizen": appeal.citizen_id,
            "channel": appeal.channel,
            "to_reception": to_reception,
            "topic": appeal.topic.code if appeal.topic else "",
            "files": files,
        },
    )


def _tell_received(appeal: Appeal, token: str, now: dt.datetime) -> None:
    """The registrars: a new appeal to register; the citizen: the receipt by mail."""
    target = appeal.organization
    _tell(
        appeal,
        _registrar_ids(target.pk),
        _("New citizen's appeal to register"),
        dedupe_key=f"appeal-new-{appeal.pk}",
    )
    _mail_citizen(
        appeal.citizen,
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
