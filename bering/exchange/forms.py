"""Forms of the exchange pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from bering.documents.models import DocumentType, Journal
from bering.exchange.models import Dispatch, RefusalReason
from bering.exchange.services import ExternalAddressee
from bering.orgs.models import Organization
from bering.orgs.widgets import ORGANIZATIONS, Picker, PickerForm


class RegisterForm(forms.Form):
    journal = forms.ModelChoiceField(label=_("Journal"), queryset=Journal.objects.none())
    doc_type = forms.ModelChoiceField(label=_("Type"), queryset=DocumentType.objects.none())

    def __init__(self, *args: Any, organization_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["journal"].queryset = Journal.objects.filter(  # type: ignore[attr-defined]
            organization_id=organization_id, is_active=True, flow="incoming"
        ).order_by("name")
        self.fields["doc_type"].queryset = DocumentType.objects.filter(  # type: ignore[attr-defined]
            is_active=True, flow="incoming"
        ).order_by("name")


class RefuseForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=RefusalReason.choices)
    note = forms.CharField(label=_("Comment"), max_length=1000, required=False)


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason for withdrawal"), max_length=1000)


class SendForm(PickerForm):
    addressees = forms.ModelMultipleChoiceField(
        label=_("Organizations in the system"),
        queryset=Organization.objects.none(),
        required=False,
        widget=Picker(ORGANIZATIONS, params={"others": "1"}),
    )
    external = forms.CharField(
        label=_("Addressees outside the system"),
        help_text=_("One a line: name; e-mail or postal address."),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, organizations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["addressees"].queryset = organizations  # type: ignore[attr-defined]

    def external_addressees(self) -> list[ExternalAddressee]:
        result = []
        for line in self.cleaned_data["external"].splitlines():
            name, _sep, address = line.partition(";")
            if not name.strip():
                continue
            address = address.strip()
            method = Dispatch.Method.EMAIL if "@" in address else Dispatch.Method.PAPER
            result.append(ExternalAddressee(name=name.strip(), method=method, address=address))
        return result


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Comment"), max_length=1000, required=False)


class MedoUploadForm(forms.Form):
    container = forms.FileField(
        label=_("МЭДО container (ZIP)"),
        help_text=_("A document, a notification or a receipt, as the МЭДО gateway gave it."),
    )


class MedoExportForm(forms.Form):
    addressee = forms.CharField(label=_("Addressee outside the system"), max_length=500)
    addressee_code = forms.CharField(
        label=_("Addressee's МЭДО code or INN"), max_length=40, required=False
    )
