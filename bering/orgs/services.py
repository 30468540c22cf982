"""Every write on organizations, staff and substitutions.

Keyword-only, one transaction, an audit event each. ``actor`` is ``None`` only
for the system itself (management commands, the demo seed).
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from dataclasses import dataclass

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bering.accounts.models import User
from bering.audit.services import record
from bering.core import clock
from bering.core.db import atomic_with_retry
from bering.core.errors import Conflict, Forbidden, ValidationFailed
from bering.orgs import permissions, security
from bering.orgs.actor import Actor
from bering.orgs.models import Department, Employee, Organization, Position, Substitution

MAX_SUBSTITUTION_DAYS = 366


@dataclass(frozen=True)
class PersonData:
    """A person as entered by an administrator or read from an import file."""

    last_name: str
    first_name: str
    middle_name: str = ""
    username: str = ""
    """Login; generated from the name when empty."""
    email: str = ""
    position: str = ""
    department: str = ""


# --- People -------------------------------------------------------------------------------

_TRANSLIT = {
    **dict(zip("абвгдеёзийклмнопрстуфыэ", "abvgdeeziyklmnoprstufye", strict=True)),
    **{"ж": "zh", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ю": "yu", "я": "ya"},
    **{"ъ": "", "ь": ""},
}
_username_validator = UnicodeUsernameValidator()


def transliterate(text: str) -> str:
    """Russian letters in Latin (passport style), other characters dropped."""
    out = []
    for ch in text.casefold():
        if ch in _TRANSLIT:
            out.append(_TRANSLIT[ch])
        elif ch.isascii() and ch.isalnum():
            out.append(ch)
    return "".join(out)


def username_suggest(person: PersonData) -> str:
    """``ivanova.ms`` for Иванова Марина Сергеевна, with a number if it is taken."""
    names = (person.first_name, person.middle_name)
    initials = "".join(transliterate(p.strip()[:1]) for p in names)
    base = f"{transliterate(person.last_name)}.{initials}".strip(".") or "user"
    candidate, n = base, 1
    while User.objects.filter(username__iexact=candidate).exists():
        n += 1
        candidate = f"{base}{n}"
    return candidate


def person_check(person: PersonData, *, prefix: str = "") -> None:
    """Raise ``ValidationFailed`` (with ``field``) if the person's data is incomplete or wrong."""
    if not person.last_name.strip():
        raise ValidationFailed(_("Enter the last name."), field=f"{prefix}last_name")
    if not person.first_name.strip():
        raise ValidationFailed(_("Enter the first name."), field=f"{prefix}first_name")
    for name, limit in (("last_name", 150), ("first_name", 150), ("middle_name", 150)):
        if len(getattr(person, name).strip()) > limit:
            raise ValidationFailed(_("The name is too long."), field=f"{prefix}{name}")
    if person.username:
        try:
            _username_validator(person.username.strip())
        except ValidationError as exc:
            raise ValidationFailed(
                _("A login may contain only letters, digits and @.+-_ characters."),
                field=f"{prefix}username",
            ) from exc
        if len(person.username.strip()) > 150:
            raise ValidationFailed(_("The login is too long."), field=f"{prefix}username")
    if person.email:
        try:
            validate_email(person.email.strip())
        except ValidationError as exc:
            raise ValidationFailed(
                _("Enter a valid e-mail address."), field=f"{prefix}email"
            ) from exc
    if len(person.position.strip()) > 300 or len(person.department.strip()) > 300:
        raise ValidationFailed(_("The name is too long."), field=f"{prefix}position")


def same_person(user: User, person: PersonData) -> bool:
    """Whether an existing login belongs to the person described (same last and first name)."""

    return fold(user.last_name) == fold(person.last_name) and fold(user.first_name) == fold(
        person.first_name
    )


def _user_for(person: PersonData) -> User:
    """The user named by ``person.username`` if it is the same person, else a new user."""
    username = person.username.strip()
    if username:
        existing = User.objects.filter(username__iexact=username).first()
        if existing is not None:
            if not same_person(existing, person):
                raise ValidationFailed(
                    _("The login %(login)s belongs to another person.") % {"login": username},
                    field="username",
                )
            return existing
    user = User(
        username=username or username_suggest(person),
        last_name=person.last_name.strip(),
        first_name=person.first_name.strip(),
        middle_name=person.middle_name.strip(),
        email=person.email.strip(),
    )
    user.set_unusable_password()
    user.save()
    return user


def _post_create(
    *,
    organization: Organization,
    person: PersonData,
    is_registrar: bool = False,
    is_head: bool = False,
    is_controller: bool = False,
    is_org_admin: bool = False,
) -> Employee:
    user = _user_for(person)
    position = department = None
    if person.position.strip():
        position, _created = Position.objects.get_or_create(
            organization=organization, name=person.position.strip()
        )
    if person.department.strip():
        department, _created = Department.objects.get_or_create(
            organization=organization, name=person.department.strip()
        )
    if Employee.objects.filter(user=user, organization=organization, position=position).exists():
        raise Conflict(
            _("%(name)s already holds this post in %(org)s.")
            % {"name": user.display_name, "org": organization.short_name}
        )
    return Employee.objects.create(
        user=user,
        organization=organization,
        position=position,
        department=department,
        is_registrar=is_registrar,
        is_head=is_head,
        is_controller=is_controller,
        is_org_admin=is_org_admin,
    )


def _employee_data(employee: Employee) -> dict[str, object]:
    return {
        "username": employee.user.username,
        "name": employee.user.full_name,
        "position": employee.position.name if employee.position else "",
        "department": employee.department.name if employee.department else "",
        "roles": [
            role
            for role, on in (
                ("registrar", employee.is_registrar),
                ("head", employee.is_head),
                ("controller", employee.is_controller),
                ("org_admin", employee.is_org_admin),
            )
            if on
        ],
    }


# --- Organizations --------------------------------------------------------------------------


def organization_check(
    *,
    name: str,
    short_name: str,
    code: str,
    kind: str,
    parent: Organization | None,
    time_zone: str,
    inn: str = "",
    email: str = "",
) -> None:
    """Raise ``ValidationFailed`` (with ``field``) if the organization cannot be connected."""
    if not name.strip():
        raise ValidationFailed(_("Enter the full name."), field="name")
    if not short_name.strip():
        raise ValidationFailed(_("Enter the short name."), field="short_name")
    if not code.strip():
        raise ValidationFailed(_("Enter the code."), field="code")
    if len(name.strip()) > 500 or len(short_name.strip()) > 200 or len(code.strip()) > 20:
        raise ValidationFailed(_("The name or code is too long."), field="name")
    if kind not in Organization.Kind.values:
        raise ValidationFailed(_("Unknown kind of organization."), field="kind")
    if parent is not None and not parent.is_active:
        raise ValidationFailed(_("The parent organization is not active."), field="parent")
    try:
        zoneinfo.ZoneInfo(time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationFailed(
            _("Unknown time zone: %(tz)s") % {"tz": time_zone}, field="time_zone"
        ) from exc
    if inn and not re.fullmatch(r"\d{10}|\d{12}", inn.strip()):
        raise ValidationFailed(_("An INN has 10 or 12 digits."), field="inn")
    if email:
        try:
            validate_email(email.strip())
        except ValidationError as exc:
            raise ValidationFailed(_("Enter a valid e-mail address."), field="email") from exc
    if _taken(code, "code"):
        raise ValidationFailed(
            _("The code %(code)s is already used by another organization.")
            % {"code": code.strip()},
            field="code",
        )
    if _taken(name, "name"):
        raise ValidationFailed(
            _("An organization with this name is already connected."), field="name"
        )


def fold(text: str) -> str:
    """The form in which codes and names are compared: case, ё and spaces ignored."""
    return " ".join(text.casefold().replace("ё", "е").split())


def _taken(value: str, field: str) -> bool:
    # Compared in Python: SQLite's case-insensitive match knows only Latin letters.
    key = fold(value)
    return any(fold(v) == key for v in Organization.objects.values_list(field, flat=True))


def organization_connect(
    *,
    actor: Actor | None,
    name: str,
    short_name: str,
    code: str,
    kind: str,
    parent: Organization | None = None,
    time_zone: str = "Asia/Kamchatka",
    connected_on: dt.date,
    registrar: PersonData,
    head: PersonData,
    inn: str = "",
    email: str = "",
    address: str = "",
) -> Organization:
    """Connect an organization: its registrar and head.

    Its registration journals belong to ``documents``: real work connects through
    ``documents.onboarding.organization_onboard``, which calls this and adds them.

    The registrar and the head may be one person (a tiny organization): then
    one post carries both roles.
    """
    if actor is not None and not permissions.can_connect_organizations(actor.user):
        raise Forbidden(_("Only a region administrator may connect organizations."))
    organization_check(
        name=name,
        short_name=short_name,
        code=code,
        kind=kind,
        parent=parent,
        time_zone=time_zone,
        inn=inn,
        email=email,
    )
    person_check(registrar, prefix="registrar_")
    person_check(head, prefix="head_")

    def work() -> Organization:
        organization = Organization.objects.create(
            name=name.strip(),
            short_name=short_name.strip(),
            code=code.strip(),
            kind=kind,
            parent=parent,
            time_zone=time_zone,
            connected_on=connected_on,
            inn=inn.strip(),
            email=email.strip(),
            address=address.strip(),
        )
        posts = _first_posts(organization, registrar=registrar, head=head)
        _record_connected(actor, organization, posts)
        return organization

    return atomic_with_retry(work)


def _first_posts(
    organization: Organization, *, registrar: PersonData, head: PersonData
) -> list[Employee]:
    """The head's and the registrar's posts: one post with both roles when they are
    the same person (a tiny organization)."""
    one_person = bool(registrar.username) and (
        registrar.username.strip().casefold() == head.username.strip().casefold()
    )
    if one_person:
        return [
            _post_create(organization=organization, person=head, is_registrar=True, is_head=True)
        ]
    return [
        _post_create(organization=organization, person=head, is_head=True),
        _post_create(organization=organization, person=registrar, is_registrar=True),
    ]


def _record_connected(
    actor: Actor | None, organization: Organization, posts: list[Employee]
) -> None:
    record(
        actor=actor,
        verb="organization.connected",
        object_type="organization",
        object_id=organization.pk,
        organization_id=organization.pk,
        data={
            "name": organization.name,
            "short_name": organization.short_name,
            "code": organization.code,
            "kind": organization.kind,
            "parent": organization.parent.code if organization.parent else None,
            "time_zone": organization.time_zone,
            "connected_on": organization.connected_on,
            "people": [_employee_data(p) for p in posts],
        },
    )


# --- Staff ----------------------------------------------------------------------------------


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


# --- Substitutions --------------------------------------------------------------------------


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


# --- Roles, ending a post, deactivating a person -------------------------------------------

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
