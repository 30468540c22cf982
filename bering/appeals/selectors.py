"""Reads of appeals, each scoped to who asks: staff of the organization, the
citizen who wrote, or anyone holding a tracking link (milestones only)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from bering.appeals import permissions, tokens
from bering.appeals.models import Appeal, AppealFile, Citizen, Milestone, Topic, TrackingLink
from bering.core import clock
from bering.core.errors import NotFound
from bering.deadlines.selectors import overdue_label
from bering.documents.models import Document
from bering.orgs.actor import Actor
from bering.orgs.models import Organization

_RELATED = ("citizen", "organization", "topic", "document", "answer")


# --- staff ---------------------------------------------------------------------------


def appeal_get_for_user(actor: Actor, appeal_id: int) -> Appeal:
    """The one getter for staff: 404 for a missing appeal or one they may not see."""
    appeal = Appeal.objects.select_related(*_RELATED).filter(pk=appeal_id).first()
    if appeal is None or not permissions.can_view(actor.employee, appeal):
        raise NotFound(_("Appeal not found."))
    return appeal


@dataclass(frozen=True)
class StaffFilter:
    status: str = ""
    overdue: bool = False
    q: str = ""


def appeal_list(actor: Actor, flt: StaffFilter | None = None) -> QuerySet[Appeal]:
    """The organization's appeals for registrars, heads and controllers; empty for others."""
    flt = flt or StaffFilter()
    if not permissions.sees_all_appeals(actor.employee):
        return Appeal.objects.none()
    qs = Appeal.objects.filter(organization_id=actor.organization_id).select_related(*_RELATED)
    if flt.status == "open":
        qs = qs.filter(status__in=(Appeal.Status.RECEIVED, Appeal.Status.REGISTERED))
    elif flt.status in Appeal.Status.values:
        qs = qs.filter(status=flt.status)
    if flt.overdue:
        now = clock.now()
        qs = qs.filter(
            Q(status=Appeal.Status.RECEIVED, registration_due_at__lt=now)
            | Q(status=Appeal.Status.REGISTERED, answer_due_at__lt=now)
        )
    if flt.q.strip():
        term = flt.q.strip()[:100]
        qs = qs.filter(
            Q(citizen__last_name__icontains=term)
            | Q(document__reg_number__icontains=term)
            | Q(text__icontains=term)
        )
    return qs


def registration_queue(actor: Actor) -> QuerySet[Appeal]:
    """Received appeals waiting for the registrar, oldest first."""
    if not actor.employee.is_registrar:
        return Appeal.objects.none()
    return (
        Appeal.objects.filter(organization_id=actor.organization_id, status=Appeal.Status.RECEIVED)
        .select_related(*_RELATED)
        .order_by("registration_due_at", "pk")
    )


def queue_count(actor: Actor) -> int:
    return registration_queue(actor).count()


@dataclass(frozen=True)
class Due:
    """The term an open appeal is at now: what, until when, how explained, how late."""

    stage: str
    """``registration`` or ``answer``."""
    label: str
    due_at: dt.datetime
    note: str
    overdue: str


def current_due(appeal: Appeal, now: dt.datetime | None = None) -> Due | None:
    """Overdue is computed when read: registration while received, the answer while
    registered; nothing for a closed appeal."""
    now = now or clock.now()
    tz = appeal.organization.time_zone
    if appeal.status == Appeal.Status.RECEIVED:
        stage, label = "registration", _("Registration due")
        due_at, note = appeal.registration_due_at, appeal.registration_due_note
    elif appeal.status == Appeal.Status.REGISTERED and appeal.answer_due_at is not None:
        stage, label = "answer", _("Answer due")
        due_at, note = appeal.answer_due_at, appeal.answer_due_note
    else:
        return None
    overdue = overdue_label(due_at=due_at, now=now, tz=tz)
    return Due(stage=stage, label=label, due_at=due_at, note=note, overdue=overdue)


def related_appeals(appeal: Appeal) -> list[Appeal]:
    """Repeated or duplicate appeals: the same citizen on the same topic (or, with no
    topic, the same organization) within a year, whichever came first."""
    since = appeal.received_at - dt.timedelta(days=365)
    until = appeal.received_at + dt.timedelta(days=365)
    qs = Appeal.objects.filter(
        citizen_id=appeal.citizen_id,
        organization_id=appeal.organization_id,
        received_at__gte=since,
        received_at__lte=until,
    ).exclude(pk=appeal.pk)
    if appeal.topic_id is not None:
        qs = qs.filter(topic_id=appeal.topic_id)
    return list(qs.select_related("document").order_by("received_at")[:20])


def citizens_find(actor: Actor, q: str) -> QuerySet[Citizen]:
    """Citizens a registrar may pick for a paper appeal: found by surname, e-mail or
    address (two letters at least); no list of everyone."""
    term = " ".join(q.split())[:100]
    if not actor.employee.is_registrar or len(term) < 2:
        return Citizen.objects.none()
    return Citizen.objects.filter(
        Q(last_name__istartswith=term)
        | Q(email__iexact=term)
        | Q(login_email__iexact=term)
        | Q(postal_address__icontains=term)
    )[:20]


def citizen_get_for_registrar(actor: Actor, citizen_id: int) -> Citizen:
    if not actor.employee.is_registrar:
        raise NotFound(_("Citizen not found."))
    citizen = Citizen.objects.filter(pk=citizen_id, is_active=True).first()
    if citizen is None:
        raise NotFound(_("Citizen not found."))
    return citizen


# --- the citizen ---------------------------------------------------------------------


def citizen_appeals(citizen: Citizen) -> QuerySet[Appeal]:
    return Appeal.objects.filter(citizen=citizen).select_related(*_RELATED)


def citizen_appeal_get(citizen: Citizen, appeal_id: int) -> Appeal:
    """The one getter for a citizen: 404 for anyone else's appeal, as for a missing one."""
    appeal = Appeal.objects.select_related(*_RELATED).filter(pk=appeal_id).first()
    if appeal is None or not permissions.citizen_owns(citizen, appeal):
        raise NotFound(_("Appeal not found."))
    return appeal


# --- tracking ------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    kind: str
    label: str
    at: dt.datetime
    data: dict[str, object]


def chain(appeal: Appeal) -> list[Appeal]:
    """The appeal and, following redirections, the appeals it became."""
    result = [appeal]
    frontier = [appeal.pk]
    while frontier and len(result) < 20:
        children = list(
            Appeal.objects.filter(redirected_from_id__in=frontier).select_related("organization")
        )
        result.extend(children)
        frontier = [c.pk for c in children]
    return result


def tracking_steps(appeal: Appeal) -> list[Step]:
    """The legal milestones of the appeal and of what it was redirected to."""
    ids = [a.pk for a in chain(appeal)]
    return [
        Step(kind=m.kind, label=str(Milestone.Kind(m.kind).label), at=m.at, data=m.data)
        for m in Milestone.objects.filter(appeal_id__in=ids).order_by("at", "pk")
    ]


def appeal_by_token(token: str) -> Appeal | None:
    """The appeal of a live tracking link, or None (malformed, unknown, revoked alike)."""
    if not tokens.well_formed(token):
        # Hash anyway: a malformed token costs the same as a well-formed one.
        tokens.token_hash(token)
        link = None
    else:
        link = (
            TrackingLink.objects.filter(
                token_hash=tokens.token_hash(token), revoked_at__isnull=True
            )
            .select_related("appeal__organization")
            .first()
        )
    return link.appeal if link is not None else None


# --- reference -----------------------------------------------------------------------


def organizations_for_citizens(q: str = "") -> QuerySet[Organization]:
    qs = Organization.objects.filter(is_active=True).order_by("name")
    term = " ".join(q.split())[:100]
    if term:
        qs = qs.filter(Q(name__icontains=term) | Q(short_name__icontains=term))
    return qs


def topics(*, level: int | None = None) -> QuerySet[Topic]:
    qs = Topic.objects.filter(is_active=True)
    if level == 1:
        qs = qs.filter(parent__isnull=True)
    return qs.order_by("code")


def topic_suggest(text: str, *, limit: int = 3) -> list[Topic]:
    """Topics whose keyword stems occur in ``text``, the most matches first."""
    words = text.lower().replace("ё", "е")
    scored: list[tuple[int, str, Topic]] = []
    for topic in Topic.objects.filter(is_active=True).exclude(keywords=""):
        stems = [
            s.strip().lower().replace("ё", "е")
            for s in topic.keywords.replace(",", "\n").splitlines()
        ]
        score = sum(words.count(s) for s in stems if len(s) >= 3)
        if score:
            scored.append((-score, topic.code, topic))
    scored.sort(key=lambda item: (item[0], item[1]))
    return [topic for _, _, topic in scored[:limit]]


def answer_candidates(appeal: Appeal) -> QuerySet[Document]:
    """Registered outgoing documents prepared «in reply to» the appeal's document."""
    if appeal.document_id is None:
        return Document.objects.none()
    return Document.objects.filter(
        organization_id=appeal.organization_id,
        in_reply_to_id=appeal.document_id,
        status=Document.Status.REGISTERED,
        flow="outgoing",
    ).order_by("-registered_at")


def appeal_file_get(appeal: Appeal, file_id: int) -> AppealFile:
    """A file of an appeal already reached through its getter; 404 for any other."""
    item = appeal.files.select_related("stored").filter(pk=file_id).first()
    if item is None:
        raise NotFound(_("File not found."))
    return item
