from __future__ import annotations

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from bering.orgs.importing import MAX_BYTES


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
