"""Forms of the staff pages of appeals."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from bering.appeals.models import TEXT_MAX, Channel, NoAnswerGround, Result, Topic
from bering.appeals.terms import EXTENSION_MAX_DAYS
from bering.documents.models import Document
from bering.orgs.models import Employee, Organization
from bering.orgs.widgets import ORGANIZATIONS, Picker, PickerForm


class RegisterForm(forms.Form):
    title = forms.CharField(
        label=_("Summary"),
        max_length=1000,
        required=False,
        help_text=_("Leave empty to take the topic and the first words of the text."),
    )
    executor = forms.ModelChoiceField(
        label=_("Executor"), queryset=Employee.objects.none(), required=False
    )

    def __init__(self, *args: Any, organization_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["executor"].queryset = (  # type: ignore[attr-defined]
            Employee.objects.filter(organization_id=organization_id, is_active=True)
            .select_related("user", "position")
            .order_by("user__last_name")
        )


class RedirectForm(PickerForm):
    organization = forms.ModelChoiceField(
        label=_("Organization of the region"),
        queryset=Organization.objects.none(),
        required=False,
        widget=Picker(ORGANIZATIONS, multiple=False, params={"others": "1"}),
    )
    outside_name = forms.CharField(
        label=_("Or a body outside the system"), max_length=500, required=False
    )
    outside_address = forms.CharField(label=_("Its address"), max_length=500, required=False)
    note = forms.CharField(label=_("Comment"), max_length=1000, required=False)

    def __init__(self, *args: Any, organization_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = (  # type: ignore[attr-defined]
            Organization.objects.filter(is_active=True).exclude(pk=organization_id).order_by("name")
        )


class ExtendForm(forms.Form):
    days = forms.IntegerField(
        label=_("Extend by, calendar days"), min_value=1, max_value=EXTENSION_MAX_DAYS
    )
    reason = forms.CharField(label=_("Reason"), max_length=1000)


class CloseForm(forms.Form):
    ground = forms.ChoiceField(label=_("Ground"), choices=NoAnswerGround.choices)
    note = forms.CharField(label=_("Comment"), max_length=1000, required=False)


class AnswerForm(forms.Form):
    answer = forms.ModelChoiceField(label=_("Answer"), queryset=Document.objects.none())
    result = forms.ChoiceField(
        label=_("Result of consideration"),
        choices=[
            (v, label)
            for v, label in Result.choices
            if v in ("supported", "explained", "not_supported")
        ],
    )

    def __init__(self, *args: Any, answers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["answer"].queryset = answers  # type: ignore[attr-defined]


class PaperForm(forms.Form):
    citizen = forms.IntegerField(required=False, widget=forms.HiddenInput)
    last_name = forms.CharField(label=_("Surname"), max_length=150, required=False)
    first_name = forms.CharField(label=_("Name"), max_length=150, required=False)
    middle_name = forms.CharField(label=_("Patronymic"), max_length=150, required=False)
    postal_address = forms.CharField(label=_("Postal address"), max_length=500, required=False)
    email = forms.CharField(label=_("E-mail"), max_length=254, required=False)
    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=[(c, label) for c, label in Channel.choices if c in ("paper", "personal")],
    )
    received_on = forms.DateField(label=_("Received on"), required=False)
    topic = forms.ModelChoiceField(
        label=_("Topic"), queryset=Topic.objects.filter(is_active=True), required=False
    )
    text = forms.CharField(
        label=_("Text of the appeal"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 6})
    )
