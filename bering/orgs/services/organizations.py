"""Connecting an organization: its checks, its first posts and the audit event."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from bering.audit.services import record
from bering.core.db import atomic_with_retry
from bering.core.errors import Forbidden, ValidationFailed
from bering.orgs import permissions
from bering.orgs.actor import Actor
from bering.orgs.models import Employee, Organization
from bering.orgs.services.people import PersonData, _employee_data, _post_create, fold, person_check


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
