"""Forms of the calendar page (for region administrators)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from bering.deadlines.models import DayKind
from bering.deadlines.services import MAX_YEAR, MIN_YEAR

ORDINARY = ""
KIND_CHOICES = [
    (ORDINARY, _("ordinary day of the week")),
    (DayKind.WORKING.value, DayKind.WORKING.label),
    (DayKind.SHORT.value, DayKind.SHORT.label),
    (DayKind.DAY_OFF.value, DayKind.DAY_OFF.label),
    (DayKind.HOLIDAY.value, DayKind.HOLIDAY.label),
]


class DayForm(forms.Form):
    date = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    kind = forms.ChoiceField(label=_("The day is"), choices=KIND_CHOICES, required=False)
    name = forms.CharField(label=_("Name or note"), max_length=200, required=False)

    def clean_date(self) -> dt.date:
        date: dt.date = self.cleaned_data["date"]
        if not MIN_YEAR <= date.year <= MAX_YEAR:
            raise forms.ValidationError(_("The year is out of range."))
        return date

    def kind_value(self) -> DayKind | None:
        kind = self.cleaned_data.get("kind") or ORDINARY
        return DayKind(kind) if kind else None


class YearForm(forms.Form):
    decree = forms.CharField(label=_("Decree on weekend transfers"), max_length=300, required=False)
    official_working_days = forms.IntegerField(
        label=_("Working days per the official calendar"),
        min_value=200,
        max_value=366,
        required=False,
    )
