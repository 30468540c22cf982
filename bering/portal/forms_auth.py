"""Forms of the citizen's sign-in and profile: shapes only; the rules are the services'."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from bering.appeals.models import Citizen
from bering.appeals.validation import LIMITS


class EmailForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"), max_length=254)
    next = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)


class CodeForm(forms.Form):
    code = forms.RegexField(
        label=_("Code from the letter"),
        regex=r"^\s*\d(?:\s*\d){5}\s*$",
        max_length=12,
        error_messages={"invalid": _("The code is six digits.")},
    )


class ProfileForm(forms.Form):
    last_name = forms.CharField(label=_("Surname"), max_length=LIMITS["last_name"])
    first_name = forms.CharField(label=_("Name"), max_length=LIMITS["first_name"])
    middle_name = forms.CharField(
        label=_("Patronymic (if any)"), max_length=LIMITS["middle_name"], required=False
    )
    postal_address = forms.CharField(
        label=_("Postal address"),
        max_length=LIMITS["postal_address"],
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    email = forms.EmailField(
        label=_("E-mail for answers"),
        max_length=LIMITS["email"],
        required=False,
        help_text=_("Only an address in the .ru, .рф or .su zones can receive answers."),
    )

    @classmethod
    def for_citizen(cls, citizen: Citizen) -> ProfileForm:
        return cls(
            initial={
                "last_name": citizen.last_name,
                "first_name": citizen.first_name,
                "middle_name": citizen.middle_name,
                "postal_address": citizen.postal_address,
                "email": citizen.email,
            }
        )
