from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from bering.documents.models import Document, DocumentType, Flow, Journal
from bering.documents.selectors import DocumentFilter, SearchQuery
from bering.orgs.models import Employee
from bering.orgs.widgets import PEOPLE, Picker, PickerForm

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class FilterForm(forms.Form):
    q = forms.CharField(label=_("Words in the card or files"), required=False, max_length=200)
    number = forms.CharField(label=_("Number"), required=False, max_length=60)
    doc_type = forms.ModelChoiceField(
        label=_("Type"), queryset=DocumentType.objects.none(), required=False
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", "—"), *Document.Status.choices], required=False
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=DATE_INPUT)
    date_to = forms.DateField(label=_("To"), required=False, widget=DATE_INPUT)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["doc_type"].queryset = DocumentType.objects.filter(is_active=True)  # type: ignore[attr-defined]

    def to_filter(self) -> DocumentFilter:
        if not self.is_valid():
            return DocumentFilter()
        data = self.cleaned_data
        return DocumentFilter(
            doc_type_id=data["doc_type"].pk if data["doc_type"] else None,
            status=data["status"] or None,
            date_from=data["date_from"],
            date_to=data["date_to"],
            number=data["number"],
            text=data["q"],
        )


class PeopleChoiceField(forms.ModelMultipleChoiceField[Employee]):
    def label_from_instance(self, obj: Employee) -> str:
        position = f", {obj.position.name}" if obj.position_id and obj.position else ""
        return f"{obj.user.display_name}{position}"


class PersonChoiceField(forms.ModelChoiceField[Employee]):
    def label_from_instance(self, obj: Employee) -> str:
        position = f", {obj.position.name}" if obj.position_id and obj.position else ""
        return f"{obj.user.display_name}{position}"


def _allowed_if_restricted(data: dict[str, Any]) -> list[Employee]:
    """People named for a general document are dropped: only «ДСП» has a list of readers
    (the picker is hidden for general access, and its ticks would still be sent)."""
    if data.get("access") != Document.Access.RESTRICTED:
        return []
    return list(data.get("allowed") or [])


class IncomingForm(PickerForm):
    """The registrar's card of an incoming letter, with its scan."""

    journal = forms.ModelChoiceField(label=_("Journal"), queryset=Journal.objects.none())
    doc_type = forms.ModelChoiceField(label=_("Type"), queryset=DocumentType.objects.none())
    correspondent = forms.CharField(label=_("Correspondent"), max_length=500)
    correspondent_number = forms.CharField(label=_("Their number"), max_length=60)
    correspondent_date = forms.DateField(label=_("Their date"), widget=DATE_INPUT)
    title = forms.CharField(
        label=_("Summary"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )
    addressee = forms.CharField(label=_("Addressee"), max_length=500, required=False)
    executor = PersonChoiceField(
        label=_("Executor"), queryset=Employee.objects.none(), required=False
    )
    pages = forms.IntegerField(label=_("Pages"), min_value=1, max_value=10000, required=False)
    attachments_note = forms.CharField(label=_("Attachments"), max_length=500, required=False)
    access = forms.ChoiceField(label=_("Access"), choices=Document.Access.choices)
    allowed = PeopleChoiceField(
        label=_("People with access (restricted)"),
        queryset=Employee.objects.none(),
        required=False,
        widget=Picker(PEOPLE),
    )
    scan = forms.FileField(label=_("Scan (PDF)"), required=False)
    confirm_duplicate = forms.BooleanField(
        label=_("Register anyway: this is not a duplicate"), required=False
    )

    def __init__(self, *args: Any, organization_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        journals = Journal.objects.filter(
            organization_id=organization_id, flow="incoming", is_active=True
        )
        people = Employee.objects.filter(
            organization_id=organization_id, is_active=True
        ).select_related("user", "position")
        self.fields["journal"].queryset = journals  # type: ignore[attr-defined]
        self.fields["doc_type"].queryset = DocumentType.objects.filter(  # type: ignore[attr-defined]
            flow="incoming", is_active=True
        )
        self.fields["executor"].queryset = people  # type: ignore[attr-defined]
        self.fields["allowed"].queryset = people  # type: ignore[attr-defined]
        if journals.count() == 1:
            self.fields["journal"].initial = journals.first()
        letter = DocumentType.objects.filter(code="incoming-letter").first()
        if letter:
            self.fields["doc_type"].initial = letter

    def clean_allowed(self) -> list[Employee]:
        return _allowed_if_restricted(self.cleaned_data)


class DraftForm(PickerForm):
    """A new draft: outgoing or internal document."""

    doc_type = forms.ModelChoiceField(
        label=_("Type"), queryset=DocumentType.objects.exclude(flow="incoming")
    )
    title = forms.CharField(
        label=_("Summary"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )
    addressee = forms.CharField(label=_("Addressee"), max_length=500, required=False)
    signer = PersonChoiceField(label=_("Signer"), queryset=Employee.objects.none(), required=False)
    access = forms.ChoiceField(label=_("Access"), choices=Document.Access.choices)
    allowed = PeopleChoiceField(
        label=_("People with access (restricted)"),
        queryset=Employee.objects.none(),
        required=False,
        widget=Picker(PEOPLE),
    )
    main_file = forms.FileField(
        label=_("Document file (DOCX, ODT, RTF, DOC, XLSX, PDF)"), required=False
    )

    def __init__(self, *args: Any, organization_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = Employee.objects.filter(
            organization_id=organization_id, is_active=True
        ).select_related("user", "position")
        self.fields["doc_type"].queryset = DocumentType.objects.filter(  # type: ignore[attr-defined]
            is_active=True
        ).exclude(flow="incoming")
        self.fields["signer"].queryset = people.filter(is_head=True)  # type: ignore[attr-defined]
        self.fields["allowed"].queryset = people  # type: ignore[attr-defined]

    def clean_allowed(self) -> list[Employee]:
        return _allowed_if_restricted(self.cleaned_data)


class RegisterForm(forms.Form):
    journal = forms.ModelChoiceField(label=_("Journal"), queryset=Journal.objects.none())

    def __init__(self, *args: Any, document: Document, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["journal"].queryset = Journal.objects.filter(  # type: ignore[attr-defined]
            organization_id=document.organization_id, flow=document.flow, is_active=True
        )


class FileForm(forms.Form):
    file = forms.FileField(label=_("File"))
    replaces_slot = forms.IntegerField(required=False, widget=forms.HiddenInput)


class SearchForm(PickerForm):
    """The staff search box and its filters (``selectors.document_search``)."""

    q = forms.CharField(label=_("Words, number or date"), max_length=200)
    flow = forms.ChoiceField(
        label=_("Document flow"), choices=[("", "—"), *Flow.choices], required=False
    )
    doc_type = forms.ModelChoiceField(
        label=_("Type"), queryset=DocumentType.objects.none(), required=False
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", "—"), *Document.Status.choices], required=False
    )
    executor = PersonChoiceField(
        label=_("Executor"),
        queryset=Employee.objects.none(),
        required=False,
        widget=Picker(PEOPLE, multiple=False),
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=DATE_INPUT)
    date_to = forms.DateField(label=_("To"), required=False, widget=DATE_INPUT)
    order = forms.ChoiceField(
        label=_("Sort"),
        choices=[("relevance", _("by relevance")), ("date", _("newest first"))],
        required=False,
    )

    def __init__(self, *args: Any, organization_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["doc_type"].queryset = DocumentType.objects.filter(is_active=True)  # type: ignore[attr-defined]
        self.fields["executor"].queryset = Employee.objects.filter(  # type: ignore[attr-defined]
            organization_id=organization_id
        ).select_related("user", "position")

    def to_query(self) -> SearchQuery | None:
        if self.picking or not self.is_valid():
            return None
        data = self.cleaned_data
        return SearchQuery(
            text=data["q"],
            flow=data["flow"] or None,
            doc_type_id=data["doc_type"].pk if data["doc_type"] else None,
            status=data["status"] or None,
            executor_id=data["executor"].pk if data["executor"] else None,
            date_from=data["date_from"],
            date_to=data["date_to"],
            order=data["order"] or "relevance",
        )
