"""Substitutions: checking, creating and ending one early."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bering.audit.services import record
from bering.core import clock
from bering.core.db import atomic_with_retry
from bering.core.errors import Conflict, Forbidden, ValidationFailed
from bering.orgs import permissions
from bering.orgs.actor import Actor
from bering.orgs.models import Employee, Substitution

MAX_SUBSTITUTION_DAYS = 366


def _overlapping(starts_on: dt.date, ends_on: dt.date) -> Q:
    return Q(starts_on__lte=ends_on, ends_on__gte=starts_on)


def substitution_check(
    *, absent: Employee, substitute: Employee, starts_on: dt.date, ends_on: dt.date
) -> None:
    """Raise ``ValidationFailed`` (with ``field``) if the substitution is not possible."""
    if absent.pk == substitute.pk or absent.user_id == substitute.user_id:
        raise ValidationFailed(_("A person cannot substitute for themselves."), field="substitute")
    if absent.organization_id != substitute.organization_id:
        raise ValidationFailed(
            _("The substitute must work in the same organization."), field="substitute"
        )
    if not (absent.is_active and substitute.is_active):
        raise ValidationFailed(_("Both employees must be active."), field="substitute")
    if ends_on < starts_on:
        raise ValidationFailed(_("The end date is before the start date."), field="ends_on")
    today = absent.organization.local_today(clock.now())
    if ends_on < today:
        raise ValidationFailed(_("The substitution would end in the past."), field="ends_on")
    if (ends_on - starts_on).days >= MAX_SUBSTITUTION_DAYS:
        raise ValidationFailed(_("A substitution may last at most a year."), field="ends_on")
    period = _overlapping(starts_on, ends_on)
    if Substitution.objects.filter(period, absent=absent).exists():
        raise ValidationFailed(
            _("Someone already substitutes for this employee on some of these days."),
            field="starts_on",
        )
    if Substitution.objects.filter(period, absent=substitute).exists():
        raise ValidationFailed(
            _("The substitute is absent themselves on some of these days."), field="substitute"
        )


def substitution_create(
    *,
    actor: Actor | None,
    absent: Employee,
    substitute: Employee,
    starts_on: dt.date,
    ends_on: dt.date,
    reason: str = "",
) -> Substitution:
    """``substitute`` acts for ``absent`` from ``starts_on`` to ``ends_on`` inclusive."""
    if actor is not None and not permissions.can_arrange_substitution(actor, absent):
        raise Forbidden(_("You may not arrange a substitution for this employee."))

    def work() -> Substitution:
        # Lock the absent post so two overlapping substitutions cannot both pass the check.
        Employee.objects.select_for_update().filter(pk=absent.pk).first()
        substitution_check(
            absent=absent, substitute=substitute, starts_on=starts_on, ends_on=ends_on
        )
        substitution = Substitution.objects.create(
            absent=absent,
            substitute=substitute,
            starts_on=starts_on,
            ends_on=ends_on,
            reason=reason.strip()[:300],
        )
        record(
            actor=actor,
            verb="substitution.created",
            object_type="substitution",
            object_id=substitution.pk,
            organization_id=absent.organization_id,
            data={
                "absent": absent.user.username,
                "substitute": substitute.user.username,
                "starts_on": starts_on,
                "ends_on": ends_on,
                "reason": substitution.reason,
            },
        )
        return substitution

    return atomic_with_retry(work)


def substitution_end(
    *, actor: Actor | None, substitution: Substitution, on: dt.date | None = None
) -> Substitution:
    """End a substitution early: ``on`` (default: today) is its last day."""
    absent = substitution.absent
    if actor is not None and not permissions.can_arrange_substitution(actor, absent):
        raise Forbidden(_("You may not arrange a substitution for this employee."))
    last_day = on or absent.organization.local_today(clock.now())

    def work() -> Substitution:
        locked = Substitution.objects.select_for_update().get(pk=substitution.pk)
        if last_day >= locked.ends_on:
            raise Conflict(
                _("The substitution already ends on %(date)s.")
                % {"date": locked.ends_on.strftime("%d.%m.%Y")}
            )
        if last_day < locked.starts_on:
            raise ValidationFailed(
                _("The substitution cannot end before it starts."), field="ends_on"
            )
        previous = locked.ends_on
        locked.ends_on = last_day
        locked.save(update_fields=["ends_on"])
        record(
            actor=actor,
            verb="substitution.ended",
            object_type="substitution",
            object_id=locked.pk,
            organization_id=absent.organization_id,
            data={"ends_on": last_day, "was": previous},
        )
        return locked

    return atomic_with_retry(work)
