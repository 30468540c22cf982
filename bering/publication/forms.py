from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class MarkForm(forms.Form):
    to_publish = forms.BooleanField(label=_("To be published"), required=False)
    personal_data = forms.BooleanField(label=_("Holds personal data"), required=False)
    redacted = forms.FileField(label=_("Redacted copy (PDF)"), required=False)


class UnpublishForm(forms.Form):
    publication = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason"), max_length=1000)
