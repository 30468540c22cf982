from __future__ import annotations

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from bering.orgs.import_files import MAX_BYTES


class ImportForm(forms.Form):
    ORGANIZATIONS = "organizations"
    EMPLOYEES = "employees"

    kind = forms.ChoiceField(
        label=_("What to import"),
        choices=[(ORGANIZATIONS, _("Organizations")), (EMPLOYEES, _("Employees"))],
        widget=forms.RadioSelect,
        initial=ORGANIZATIONS,
    )
    file = forms.FileField(
        label=_("File (CSV or XLSX)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def clean_file(self) -> UploadedFile[bytes]:
        upload: UploadedFile[bytes] = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if not name.endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Upload a CSV or XLSX file."))
        if upload.size is not None and upload.size > MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)s MB.") % {"mb": MAX_BYTES >> 20}
            )
        return upload


class RolesForm(forms.Form):
    """The four roles of one post (a row of the staff page)."""

    is_registrar = forms.BooleanField(label=_("registrar"), required=False)
    is_head = forms.BooleanField(label=_("head"), required=False)
    is_controller = forms.BooleanField(label=_("controller"), required=False)
    is_org_admin = forms.BooleanField(label=_("organization administrator"), required=False)


class SubstitutionEndForm(forms.Form):
    on = forms.DateField(
        label=_("Last day"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d.%m.%Y"],
    )
