"""Staff: adding a post, roles of posts, ending a post, deactivating a person."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bering.accounts.models import User
from bering.audit.services import record
from bering.core import clock
from bering.core.db import atomic_with_retry
from bering.core.errors import Conflict, Forbidden, ValidationFailed
from bering.orgs import permissions, security
from bering.orgs.actor import Actor
from bering.orgs.models import Employee, Organization, Substitution
from bering.orgs.services.people import PersonData, _employee_data, _post_create, person_check


def employee_add(
    *,
    actor: Actor | None,
    organization: Organization,
    person: PersonData,
    is_registrar: bool = False,
    is_head: bool = False,
    is_controller: bool = False,
    is_org_admin: bool = False,
) -> Employee:
    """Give a person a post in ``organization``; the user is created if new."""
    if actor is not None and not permissions.can_manage_staff(actor, organization):
        raise Forbidden(_("Only an administrator of the organization may add employees."))
    if not organization.is_active:
        raise ValidationFailed(_("The organization is not active."), field="organization")
    person_check(person)

    def work() -> Employee:
        employee = _post_create(
            organization=organization,
            person=person,
            is_registrar=is_registrar,
            is_head=is_head,
            is_controller=is_controller,
            is_org_admin=is_org_admin,
        )
        record(
            actor=actor,
            verb="employee.added",
            object_type="employee",
            object_id=employee.pk,
            organization_id=organization.pk,
            data=_employee_data(employee),
        )
        return employee

    return atomic_with_retry(work)


ROLES = ("is_registrar", "is_head", "is_controller", "is_org_admin")
"""The rights of a post that staff pages change (each change audited)."""


def _roles(employee: Employee) -> dict[str, bool]:
    return {role: bool(getattr(employee, role)) for role in ROLES}


def _keeps_last(employee: Employee, after: dict[str, bool]) -> None:
    """Refuse to leave an active organization without a registrar or a head.

    Call with the organization locked: only other active posts of active people count.
    """
    organization = employee.organization
    if not organization.is_active:
        return
    needed = (
        (
            "is_registrar",
            _(
                "The organization would be left without a registrar: "
                "appoint another registrar first."
            ),
        ),
        (
            "is_head",
            _("The organization would be left without a head: appoint another head first."),
        ),
    )
    for role, message in needed:
        if (
            getattr(employee, role)
            and employee.is_active
            and employee.user.is_active
            and not after[role]
        ):
            others = Employee.objects.filter(
                organization=organization, is_active=True, user__is_active=True, **{role: True}
            ).exclude(pk=employee.pk)
            if not others.exists():
                raise ValidationFailed(message, field=role)


def _locked_post(employee: Employee) -> Employee:
    """The post again, read under a lock of its organization: staff changes of one
    organization run one after another, so two cannot both remove "another" registrar."""
    Organization.objects.select_for_update().filter(pk=employee.organization_id).first()
    return (
        Employee.objects.select_for_update(of=("self",))
        .select_related("user", "organization", "position", "department")
        .get(pk=employee.pk)
    )


def employee_roles_change(
    *,
    actor: Actor | None,
    employee: Employee,
    is_registrar: bool,
    is_head: bool,
    is_controller: bool,
    is_org_admin: bool,
) -> Employee:
    """Set the four roles of a post; the event keeps them before and after.

    Nothing changed: nothing is written. An administrator of the organization may give
    and take every role of its posts, the organization administrator's too
    (docs/decisions/0016-staff-pages.md).
    """
    if actor is not None and not permissions.can_manage_staff(actor, employee.organization):
        raise Forbidden(_("Only an administrator of the organization may change roles."))
    after = {
        "is_registrar": is_registrar,
        "is_head": is_head,
        "is_controller": is_controller,
        "is_org_admin": is_org_admin,
    }

    def work() -> Employee:
        locked = _locked_post(employee)
        if not locked.is_active:
            raise Conflict(_("This post has ended; its roles cannot be changed."))
        before = _roles(locked)
        if before == after:
            return locked
        _keeps_last(locked, after)
        for role, on in after.items():
            setattr(locked, role, on)
        locked.save(update_fields=list(ROLES))
        record(
            actor=actor,
            verb="employee.roles_changed",
            object_type="employee",
            object_id=locked.pk,
            organization_id=locked.organization_id,
            data={
                "username": locked.user.username,
                "before": [r for r, on in before.items() if on],
                "after": [r for r, on in after.items() if on],
            },
        )
        return locked

    return atomic_with_retry(work)


def employee_end(*, actor: Actor | None, employee: Employee) -> Employee:
    """End a post now (the person left it): it no longer acts, and its substitutions end.

    ``Employee`` keeps an active flag, not an end date, so a post ends on the day this is
    done. A substitution of or by the post that has begun ends yesterday; one that has not
    begun is removed; each recorded.
    """
    if actor is not None and not permissions.can_manage_staff(actor, employee.organization):
        raise Forbidden(_("Only an administrator of the organization may end a post."))

    def work() -> Employee:
        locked = _locked_post(employee)
        if not locked.is_active:
            raise Conflict(_("This post has already ended."))
        _keeps_last(locked, {**_roles(locked), "is_registrar": False, "is_head": False})
        locked.is_active = False
        locked.save(update_fields=["is_active"])
        _substitutions_cut(actor, locked)
        record(
            actor=actor,
            verb="employee.ended",
            object_type="employee",
            object_id=locked.pk,
            organization_id=locked.organization_id,
            data=_employee_data(locked),
        )
        return locked

    return atomic_with_retry(work)


def _substitutions_cut(actor: Actor | None, post: Employee) -> None:
    today = post.organization.local_today(clock.now())
    yesterday = today - dt.timedelta(days=1)
    rows = Substitution.objects.select_for_update().filter(
        Q(absent=post) | Q(substitute=post), ends_on__gte=today
    )
    for item in rows:
        data: dict[str, object] = {"was": item.ends_on, "post_ended": post.pk}
        if item.starts_on <= yesterday:
            item.ends_on = yesterday
            item.save(update_fields=["ends_on"])
            data["ends_on"] = yesterday
        else:
            data["removed"] = True
        record(
            actor=actor,
            verb="substitution.ended",
            object_type="substitution",
            object_id=item.pk,
            organization_id=post.organization_id,
            data=data,
        )
        if data.get("removed"):
            item.delete()


def person_deactivate(*, actor: Actor, user: User) -> None:
    """A region administrator disables a person's account (someone who left): sessions
    and API tokens end now (``security.user_deactivate``). Their posts stay, for history.

    Nobody disables themselves. A last registrar or head is no obstacle: cutting off a
    person who left comes first; the organization appoints another.
    """
    if not permissions.can_deactivate_person(actor, user):
        if user.pk == actor.user.pk:
            raise Forbidden(_("You cannot disable your own account."))
        raise Forbidden(_("Only a region administrator may disable an account."))

    def work() -> None:
        locked = User.objects.select_for_update().get(pk=user.pk)
        if not locked.is_active:
            raise Conflict(_("This account is already disabled."))
        security.user_deactivate(actor=actor, user=locked)
        user.is_active = False

    atomic_with_retry(work)
