"""Consideration: redirection, extension, leaving without an answer, the answer."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

from django.utils.translation import gettext as _

from bering.appeals import answer_pdf, permissions, terms
from bering.appeals.models import (
    Appeal,
    Channel,
    Milestone,
    NoAnswerGround,
    Result,
)
from bering.appeals.services.common import (
    _link_create,
    _lock,
    _mail_citizen,
    _milestone,
    _new_appeal,
    _registrar_ids,
    _require_open,
    _tell,
    tracking_url,
)
from bering.audit.services import record
from bering.core import clock
from bering.core.db import atomic_with_retry
from bering.core.errors import Conflict, Forbidden, ValidationFailed
from bering.documents import selectors as document_selectors
from bering.documents.models import Document, Flow
from bering.exchange.models import Dispatch
from bering.files.models import StoredFile
from bering.files.services import file_store
from bering.orgs.actor import Actor
from bering.orgs.models import Organization
from bering.signatures.selectors import signatures_for_files


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
    outside_name = outside_name.strip()
    _check_redirect(actor, appeal, organization, outside_name)

    def work() -> Appeal:
        locked = _lock(appeal)
        _require_open(locked, registered=True)
        now = clock.now()
        to_name = organization.name if organization is not None else outside_name[:500]
        _milestone(locked, Milestone.Kind.REDIRECTED, now, to=to_name)
        if organization is not None:
            _redirect_inside(actor, locked, organization, now)
        else:
            _redirect_outside(actor, locked, outside_name, outside_address, note)
        _close(
            locked,
            now,
            status=Appeal.Status.REDIRECTED,
            result=Result.REDIRECTED,
            redirected_at=now,
            redirected_to_name=to_name,
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
        _mail_redirected(locked, to_name)
        return locked

    return atomic_with_retry(work)


def _check_redirect(
    actor: Actor, appeal: Appeal, organization: Organization | None, outside_name: str
) -> None:
    """Who may redirect, and where to: exactly one of another active organization of
    the region or a named body outside it."""
    if not permissions.can_redirect(actor.employee, appeal):
        raise Forbidden(_("Only the registrar or the head redirects an appeal."))
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


def _mail_redirected(appeal: Appeal, to_name: str) -> None:
    """Tell the citizen where the appeal went."""
    _mail_citizen(
        appeal.citizen,
        _("Your appeal is redirected"),
        _(
            "Your appeal № %(number)s is outside the competence of %(org)s and is "
            "redirected to %(to)s (59-ФЗ, art. 8 p. 3).\n"
        )
        % {"number": str(appeal), "org": appeal.organization.name, "to": to_name},
    )


def _close(appeal: Appeal, now: dt.datetime, **fields: object) -> None:
    """Close the appeal: its status, result and what says how (``fields``), closed now."""
    for name, value in fields.items():
        setattr(appeal, name, value)
    appeal.closed_at = now
    appeal.save(update_fields=[*fields, "closed_at", "updated_at"])


def _redirect_inside(
    actor: Actor, appeal: Appeal, organization: Organization, now: dt.datetime
) -> None:
    """A new appeal in the other organization's registration queue: same citizen,
    text and files; its registrars are told."""
    child = _new_appeal(
        citizen=appeal.citizen,
        organization=organization,
        text=appeal.text,
        topic=appeal.topic,
        channel=Channel.REDIRECTED,
        received_at=now,
        file_ids=list(appeal.files.values_list("stored_id", flat=True)),
        answer_by_email=appeal.answer_by_email,
        consent_at=appeal.consent_at,
        created_by=actor.employee,
        redirected_from=appeal,
    )
    _tell(
        child,
        _registrar_ids(organization.pk),
        _("A citizen's appeal redirected by %(org)s") % {"org": actor.organization.short_name},
        dedupe_key=f"appeal-new-{child.pk}",
    )


def _redirect_outside(actor: Actor, appeal: Appeal, name: str, address: str, note: str) -> None:
    """A body outside the system: a line of the dispatch register (sent on paper)."""
    assert appeal.document is not None
    Dispatch.objects.create(
        document=appeal.document,
        organization_id=appeal.organization_id,
        addressee=name[:500],
        method=Dispatch.Method.PAPER,
        address=address.strip()[:500],
        created_by=actor.employee,
        note=note.strip()[:1000],
    )


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
        _close(
            locked,
            now,
            status=Appeal.Status.NO_ANSWER,
            result=Result.NO_ANSWER,
            no_answer_ground=ground,
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
    main = next((f for f in document_selectors.current_files(answer) if f.slot == 1), None)
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
    _check_answer(appeal, answer, result)
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
        _close_answered(locked, answer, stored, sha256, result, now)
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
        _mail_answer(locked, answer, token, (name, pdf))
        return locked

    return atomic_with_retry(work)


def _close_answered(
    appeal: Appeal,
    answer: Document,
    stored: StoredFile,
    sha256: str,
    result: str,
    now: dt.datetime,
) -> None:
    """Close the appeal as answered with its result and the answer PDF, and mark the
    milestone with the answer's number, date and hash."""
    _close(
        appeal,
        now,
        status=Appeal.Status.ANSWERED,
        result=result,
        answer=answer,
        answer_file=stored,
        answer_sha256=sha256,
    )
    _milestone(
        appeal,
        Milestone.Kind.ANSWERED,
        now,
        number=answer.reg_number,
        date=answer.reg_date.isoformat() if answer.reg_date else "",
        sha256=sha256,
    )


def _check_answer(appeal: Appeal, answer: Document, result: str) -> None:
    """The answer must be this appeal's reply, signed and registered; the result one
    of the three of the ССТУ."""
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


def _mail_answer(appeal: Appeal, answer: Document, token: str, pdf: tuple[str, bytes]) -> None:
    """The citizen's mail: the answer's number and date, the tracking link, and the
    PDF itself when the citizen asked for the answer by e-mail."""
    body = _(
        "The answer to your appeal № %(appeal)s: № %(number)s of %(date)s. "
        "It is in your personal account.\nFollow the appeal: %(url)s\n"
    ) % {
        "appeal": str(appeal),
        "number": answer.reg_number,
        "date": answer.reg_date.strftime("%d.%m.%Y") if answer.reg_date else "",
        "url": tracking_url(token),
    }
    attachment = pdf if appeal.answer_by_email else None
    _mail_citizen(appeal.citizen, _("The answer to your appeal"), body, attachment)
