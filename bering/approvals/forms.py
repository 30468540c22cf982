from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from bering.approvals.models import Mode, RouteParticipant, Visa
from bering.approvals.route_templates import MAX_ID, MAX_NAME, MAX_STAGE_DAYS
from bering.orgs.models import Employee
from bering.orgs.widgets import PEOPLE, Picker, PickerForm

OUTCOME_CHOICES = [
    (Visa.Status.AGREED, _("Agreed")),
    (Visa.Status.REMARKS, _("Agreed with remarks")),
    (Visa.Status.REJECTED, _("Not agreed")),
]


class DecideForm(forms.Form):
    outcome = forms.ChoiceField(choices=OUTCOME_CHOICES)
    comment = forms.CharField(
        label=_("Remarks"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    remark_file = forms.FileField(label=_("File with remarks"), required=False)


class SignForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class ReturnForm(forms.Form):
    comment = forms.CharField(label=_("What must be corrected"), max_length=5000)


class StartForm(forms.Form):
    template = forms.IntegerField(required=False, min_value=1)
    keep = forms.TypedMultipleChoiceField(coerce=int, required=False)
    add = forms.TypedMultipleChoiceField(coerce=int, required=False, label=_("Add approvers"))
    previous = forms.BooleanField(required=False)  # the plan is the previous round's route
    direct = forms.BooleanField(required=False, label=_("Straight to signing, without approval"))
    removal_reason = forms.CharField(
        required=False, max_length=1000, label=_("Reason for removing from the route")
    )

    def __init__(self, *args: Any, people: list[Employee], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(p.pk, str(p.pk)) for p in people]
        self.fields["keep"].choices = choices  # type: ignore[attr-defined]
        self.fields["add"].choices = choices  # type: ignore[attr-defined]


class AddApproversForm(PickerForm):
    """The «add approvers» picker of the start form: search from two letters."""

    add = forms.ModelMultipleChoiceField(
        queryset=Employee.objects.none(),
        required=False,
        label=_("Add approvers"),
        widget=Picker(PEOPLE),
    )

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["add"].queryset = people  # type: ignore[attr-defined]


# --- keeping route templates: forms only parse; the rules are in ``route_templates`` ------


def _id(*, required: bool = False) -> forms.IntegerField:
    return forms.IntegerField(required=required, min_value=1, max_value=MAX_ID)


class RouteTemplateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=MAX_NAME)
    doc_type = _id()


class RouteStageForm(forms.Form):
    name = forms.CharField(label=_("Stage"), max_length=MAX_NAME)
    mode = forms.ChoiceField(label=_("Visas"), choices=Mode.choices, initial=Mode.PARALLEL)
    days = forms.IntegerField(
        label=_("Working days"), required=False, min_value=1, max_value=MAX_STAGE_DAYS
    )


class RouteParticipantForm(forms.Form):
    stage = _id(required=True)
    kind = forms.ChoiceField(choices=RouteParticipant.Kind.choices)
    employee = _id()
    position = _id()
    department = _id()
