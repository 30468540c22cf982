"""People: the data of a person, logins, checks, and a post with its account."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from bering.accounts.models import User
from bering.core.errors import Conflict, ValidationFailed
from bering.orgs.models import Department, Employee, Organization, Position


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


def fold(text: str) -> str:
    """The form in which codes and names are compared: case, ё and spaces ignored."""
    return " ".join(text.casefold().replace("ё", "е").split())
