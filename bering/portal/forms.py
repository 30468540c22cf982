"""Forms of the citizen's pages: they parse and check shapes; the rules are the services'."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from bering.appeals import selectors
from bering.appeals.models import FILES_MAX, TEXT_MAX, Topic
from bering.orgs.models import Organization

RECEPTION = "reception"
"""The choice «не знаю, кому»: the region's reception directs the appeal."""


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one ``<input type=file multiple>``, none required."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile[Any]]:
        items = data if isinstance(data, list | tuple) else [data]
        cleaned = [super(MultipleFileField, self).clean(item, initial) for item in items if item]
        if len(cleaned) > FILES_MAX:
            raise forms.ValidationError(
                _("Attach at most %(n)s files.") % {"n": FILES_MAX}, code="too_many"
            )
        return cleaned


class TopicChoiceField(forms.ModelChoiceField[Topic]):
    def label_from_instance(self, obj: Topic) -> str:
        indent = "\u2003" * (obj.level - 1)
        return f"{indent}{obj.code} {obj.name}"


def organizations_matching(q: str) -> list[Organization]:
    """The region's organizations whose name or short name contains ``q``, matched
    case-insensitively in Python (SQLite's LIKE folds ASCII letters only)."""
    term = " ".join(q.split())[:100].casefold().replace("ё", "е")
    everyone = list(selectors.organizations_for_citizens())
    if not term:
        return everyone
    return [
        org
        for org in everyone
        if term in org.name.casefold().replace("ё", "е")
        or term in (org.short_name or "").casefold().replace("ё", "е")
    ]


class AppealForm(forms.Form):
    q = forms.CharField(label=_("Find an organization"), required=False, max_length=100)
    organization = forms.CharField(label=_("To whom"), required=False)
    text = forms.CharField(
        label=_("Text of the appeal"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 12, "maxlength": TEXT_MAX}),
        required=False,
    )
    attachments = MultipleFileField(label=_("Files"))
    topic = TopicChoiceField(
        label=_("Topic"),
        queryset=selectors.topics(),
        required=False,
        empty_label=_("— not chosen —"),
    )
    consent = forms.BooleanField(required=False)
    answer_by_email = forms.BooleanField(required=False)

    def clean_organization(self) -> Organization | None:
        value = (self.cleaned_data.get("organization") or "").strip()
        if value in ("", RECEPTION):
            return None
        org = None
        if value.isdigit():
            org = selectors.organizations_for_citizens().filter(pk=int(value)).first()
        if org is None:
            raise forms.ValidationError(_("Choose an organization from the list."))
        return org


class SupplementForm(forms.Form):
    text = forms.CharField(
        label=_("What to add"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": TEXT_MAX}),
    )
    attachments = MultipleFileField(label=_("Files"))


class WithdrawForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Yes, I withdraw my appeal: it will not be considered."),
        error_messages={"required": _("Tick the box to confirm.")},
    )
