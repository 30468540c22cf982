"""Checks of what a citizen types: names, addresses, the e-mail for answers."""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from bering.core.errors import ValidationFailed

NATIONAL_ZONES = (".ru", ".рф", ".xn--p1ai", ".su")
"""The Russian national domain zones: since 30.03.2025 an answer by e-mail goes
only to an address in one of them (59-ФЗ as amended by 547-ФЗ)."""

LIMITS = {
    "last_name": 150,
    "first_name": 150,
    "middle_name": 150,
    "postal_address": 500,
    "email": 254,
}


def in_national_zone(email: str) -> bool:
    domain = email.rsplit("@", 1)[-1].strip().lower().rstrip(".")
    return domain.endswith(NATIONAL_ZONES)


def check_answer_email(email: str, *, field: str = "email") -> None:
    if not email:
        raise ValidationFailed(
            _("Enter an e-mail for answers in your profile, or choose the personal account."),
            field=field,
        )
    if not in_national_zone(email):
        raise ValidationFailed(
            _(
                "An answer by e-mail can only go to an address in the Russian national "
                "domain zones (.ru, .рф, .su). Enter such an address, or read the answer "
                "in your personal account."
            ),
            field=field,
        )


def clean_citizen_fields(
    data: Mapping[str, object], *, answer_email: bool = True
) -> dict[str, str]:
    """Trimmed, length-checked fields; the e-mail valid and, for answers, national."""
    fields: dict[str, str] = {}
    for name, limit in LIMITS.items():
        if name not in data:
            continue
        value = " ".join(str(data[name] or "").split())
        if len(value) > limit:
            raise ValidationFailed(_("At most %(n)s characters.") % {"n": limit}, field=name)
        if any(ord(ch) < 32 or 0x202A <= ord(ch) <= 0x202E for ch in value):
            raise ValidationFailed(_("Remove the control characters."), field=name)
        fields[name] = value
    email = fields.get("email", "")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise ValidationFailed(_("Enter a valid e-mail address."), field="email") from None
        if answer_email:
            check_answer_email(email)
    return fields
