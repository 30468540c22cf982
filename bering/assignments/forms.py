"""Forms of the resolution pages: they parse input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from bering.assignments.models import TermKind, Urgency
from bering.assignments.services import ResolutionSpec
from bering.assignments.terms import Term
from bering.documents.models import DocumentType
from bering.orgs.models import Employee
from bering.orgs.widgets import PEOPLE, Picker, PickerForm

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PersonField(forms.ModelChoiceField[Employee]):
    def label_from_instance(self, obj: Employee) -> str:
        position = f", {obj.position.name}" if obj.position_id and obj.position else ""
        return f"{obj.user.display_name}{position}"


class PeopleField(forms.ModelMultipleChoiceField[Employee]):
    def label_from_instance(self, obj: Employee) -> str:
        position = f", {obj.position.name}" if obj.position_id and obj.position else ""
        return f"{obj.user.display_name}{position}"


def _staff(organization_id: int) -> Any:
    return (
        Employee.objects.filter(organization_id=organization_id, is_active=True)
        .select_related("user", "position")
        .order_by("user__last_name", "user__first_name")
    )


class ResolutionForm(PickerForm):
    text = forms.CharField(
        label=_("Resolution"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    responsible = PersonField(label=_("Responsible executor"), queryset=Employee.objects.none())
    co_executors = PeopleField(
        label=_("Co-executors"),
        queryset=Employee.objects.none(),
        required=False,
        widget=Picker(PEOPLE),
    )
    controller = PersonField(
        label=_("Controller"), queryset=Employee.objects.none(), required=False
    )
    term_kind = forms.ChoiceField(
        label=_("Due date"),
        choices=TermKind.choices,
        initial=TermKind.WORKING,
        widget=forms.RadioSelect,
    )
    days = forms.IntegerField(label=_("Days"), min_value=1, max_value=366, required=False)
    due_date = forms.DateField(label=_("Date"), required=False, widget=DATE_INPUT)
    urgency = forms.ChoiceField(
        label=_("Urgency"), choices=[("", "—"), *Urgency.choices], required=False
    )

    def __init__(self, *args: Any, organization_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        staff = _staff(organization_id)
        for name in ("responsible", "co_executors", "controller"):
            self.fields[name].queryset = staff  # type: ignore[attr-defined]

    def spec(self) -> ResolutionSpec:
        data = self.cleaned_data
        return ResolutionSpec(
            text=data["text"],
            responsible=data["responsible"],
            co_executors=[p for p in data["co_executors"] if p.pk != data["responsible"].pk],
            controller=data["controller"],
            term=Term(
                kind=data["term_kind"],
                days=data["days"],
                date=data["due_date"],
                urgency=data["urgency"] or "",
            ),
        )


class DraftForm(ResolutionForm):
    """A draft names the head who will confirm it."""

    author = PersonField(label=_("For the head"), queryset=Employee.objects.none())

    def __init__(self, *args: Any, organization_id: int, **kwargs: Any) -> None:
        super().__init__(*args, organization_id=organization_id, **kwargs)
        self.fields["author"].queryset = _staff(organization_id).filter(is_head=True)  # type: ignore[attr-defined]


class ReportForm(forms.Form):
    text = forms.CharField(
        label=_("Report"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    file = forms.FileField(label=_("File"), required=False)
    reply_type = forms.ModelChoiceField(
        label=_("Reply draft: type"), queryset=DocumentType.objects.none(), required=False
    )
    reply_title = forms.CharField(label=_("Reply draft: summary"), max_length=1000, required=False)
    reply_file = forms.FileField(label=_("Reply draft: file"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reply_type"].queryset = DocumentType.objects.filter(  # type: ignore[attr-defined]
            is_active=True
        ).exclude(flow="incoming")


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Comment"), max_length=1000, required=False)


class ExtensionForm(forms.Form):
    new_date = forms.DateField(label=_("New due date"), widget=DATE_INPUT)
    reason = forms.CharField(label=_("Reason"), max_length=1000)


class DecideForm(forms.Form):
    grant = forms.TypedChoiceField(
        choices=[("1", _("Grant")), ("0", _("Refuse"))], coerce=lambda v: v == "1"
    )
    note = forms.CharField(label=_("Comment"), max_length=1000, required=False)
