"""The shapes of the staff appeals API: what it reads (``...In``), what it answers
(``...Out``) and the bodies that fill them."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from rest_framework import serializers

from bering.api.serializers import MAX_FILES, id_field, optional_text
from bering.appeals import selectors
from bering.appeals.models import (
    FILES_MAX,
    TEXT_MAX,
    Appeal,
    AppealFile,
    Channel,
    Citizen,
    Milestone,
    NoAnswerGround,
    Result,
)
from bering.appeals.terms import EXTENSION_MAX_DAYS

STATUS_FILTERS = [("open", "open"), *Appeal.Status.choices]
ANSWER_RESULTS = [
    (r.value, r.label) for r in (Result.SUPPORTED, Result.EXPLAINED, Result.NOT_SUPPORTED)
]

# --- input -----------------------------------------------------------------------------


class AppealQueryIn(serializers.Serializer[Any]):
    status = serializers.ChoiceField(
        choices=STATUS_FILTERS, required=False, help_text="`open`: received or registered."
    )
    overdue = serializers.BooleanField(
        required=False, default=False, help_text="Only appeals past their current term."
    )
    q = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        help_text="Surname of the citizen, registration number or words of the text.",
    )


class AppealRegisterIn(serializers.Serializer[Any]):
    title = optional_text(1000)
    executor = id_field(allow_null=True, default=None, help_text="Employee id.")
    journal = id_field(
        allow_null=True,
        default=None,
        help_text="Id of a journal (GET /journals/); default: the journal of appeals.",
    )


class CitizenQueryIn(serializers.Serializer[Any]):
    q = serializers.CharField(
        min_length=2, max_length=200, help_text="Surname (its start), e-mail or address."
    )


class CitizenIn(serializers.Serializer[Any]):
    last_name = serializers.CharField(max_length=150)
    first_name = serializers.CharField(max_length=150)
    middle_name = optional_text(150)
    postal_address = optional_text(500)
    email = optional_text(254)


class PaperAppealIn(serializers.Serializer[Any]):
    citizen = id_field(help_text="Citizen id (GET /citizens?q=, or POST /citizens).")
    channel = serializers.ChoiceField(
        choices=[
            (Channel.PAPER.value, Channel.PAPER.label),
            (Channel.PERSONAL.value, Channel.PERSONAL.label),
        ],
        default=Channel.PAPER.value,
    )
    text = serializers.CharField(max_length=TEXT_MAX)
    received_on = serializers.DateField(
        allow_null=True, default=None, help_text="Date of receipt; default: today."
    )
    topic = serializers.CharField(
        max_length=30,
        allow_blank=True,
        default="",
        help_text='Code of the classifier (ТОТК), e.g. "0002.0015".',
    )
    title = optional_text(1000)
    executor = id_field(allow_null=True, default=None, help_text="Employee id.")
    files = serializers.ListField(
        child=serializers.FileField(max_length=255),
        default=list,
        max_length=min(FILES_MAX, MAX_FILES),
        help_text="Scans of the appeal (multipart/form-data only).",
    )


class RedirectIn(serializers.Serializer[Any]):
    organization = id_field(
        allow_null=True, default=None, help_text="Id of the competent organization of the region."
    )
    outside_name = optional_text(500)
    outside_address = optional_text(500)
    note = optional_text(1000)


class ExtendIn(serializers.Serializer[Any]):
    days = serializers.IntegerField(min_value=1, max_value=EXTENSION_MAX_DAYS)
    reason = serializers.CharField(max_length=1000)


class CloseIn(serializers.Serializer[Any]):
    ground = serializers.ChoiceField(choices=NoAnswerGround.choices)
    note = optional_text(1000)


class AnswerIn(serializers.Serializer[Any]):
    answer = id_field(help_text="Id of the signed and registered answer document.")
    result = serializers.ChoiceField(choices=ANSWER_RESULTS)


# --- output ----------------------------------------------------------------------------


class DueOut(serializers.Serializer[Any]):
    stage = serializers.ChoiceField(choices=["registration", "answer"])
    stage_label = serializers.CharField(help_text="The stage in the reader's language.")
    due_at = serializers.DateTimeField()
    note = serializers.CharField(help_text="How the term was counted.")
    overdue = serializers.CharField(help_text="Empty when not overdue.")


class AppealListOut(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Appeal.Status.choices)
    channel = serializers.ChoiceField(choices=Channel.choices)
    citizen = serializers.CharField()
    topic = serializers.CharField(allow_null=True, help_text="Code of the classifier.")
    topic_name = serializers.CharField(allow_null=True)
    received_at = serializers.DateTimeField()
    registration_due_at = serializers.DateTimeField()
    registered_at = serializers.DateTimeField(allow_null=True)
    answer_due_at = serializers.DateTimeField(allow_null=True)
    document = serializers.IntegerField(allow_null=True, help_text="The registered document.")
    reg_number = serializers.CharField()
    result = serializers.CharField()
    closed_at = serializers.DateTimeField(allow_null=True)
    due = DueOut(allow_null=True, help_text="The current term of an open appeal.")
    overdue = serializers.CharField(help_text="The overdue label; empty when not overdue.")


class MilestoneOut(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=Milestone.Kind.choices)
    label = serializers.CharField()  # type: ignore[assignment]
    at = serializers.DateTimeField()
    data = serializers.JSONField()  # type: ignore[assignment]


class RelatedOut(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Appeal.Status.choices)
    received_at = serializers.DateTimeField()
    reg_number = serializers.CharField()


class AppealFileOut(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    added_at = serializers.DateTimeField()
    supplement = serializers.IntegerField(allow_null=True)
    download_url = serializers.CharField()


class AppealOut(AppealListOut):
    organization = serializers.IntegerField()
    text = serializers.CharField()
    citizen_id = serializers.IntegerField()
    citizen_address = serializers.CharField()
    citizen_email = serializers.CharField()
    registration_due_note = serializers.CharField()
    redirect_due_at = serializers.DateTimeField(allow_null=True)
    answer_due_note = serializers.CharField()
    extended_at = serializers.DateTimeField(allow_null=True)
    extension_reason = serializers.CharField()
    no_answer_ground = serializers.CharField()
    redirected_at = serializers.DateTimeField(allow_null=True)
    redirected_to_name = serializers.CharField()
    answer = serializers.IntegerField(allow_null=True, help_text="The answer document.")
    milestones = MilestoneOut(many=True)
    related = RelatedOut(many=True, help_text="Repeated appeals of the citizen on the topic.")
    files = AppealFileOut(many=True)


class CitizenOut(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    full_name = serializers.CharField()
    last_name = serializers.CharField()
    first_name = serializers.CharField()
    middle_name = serializers.CharField()
    postal_address = serializers.CharField()
    email = serializers.CharField()
    has_account = serializers.BooleanField()


class PaperAppealOut(serializers.Serializer[Any]):
    appeal = AppealOut()
    tracking_url = serializers.CharField(
        allow_null=True,
        help_text="The citizen's tracking link: shown once, print it on the receipt. "
        "A replay of the same Idempotency-Key gives null: only the token's hash is kept.",
    )


# --- bodies ----------------------------------------------------------------------------


def _reg_number(appeal: Appeal) -> str:
    return appeal.document.reg_number if appeal.document is not None else ""


def _due_row(due: selectors.Due | None) -> dict[str, Any] | None:
    if due is None:
        return None
    return {
        "stage": due.stage,
        "stage_label": due.label,
        "due_at": due.due_at,
        "note": due.note,
        "overdue": due.overdue,
    }


def appeal_row(appeal: Appeal) -> dict[str, Any]:
    due = selectors.current_due(appeal)
    return {
        "id": appeal.pk,
        "status": appeal.status,
        "channel": appeal.channel,
        "citizen": appeal.citizen.full_name,
        "topic": appeal.topic.code if appeal.topic is not None else None,
        "topic_name": appeal.topic.name if appeal.topic is not None else None,
        "received_at": appeal.received_at,
        "registration_due_at": appeal.registration_due_at,
        "registered_at": appeal.registered_at,
        "answer_due_at": appeal.answer_due_at,
        "document": appeal.document_id,
        "reg_number": _reg_number(appeal),
        "result": appeal.result,
        "closed_at": appeal.closed_at,
        "due": _due_row(due),
        "overdue": due.overdue if due is not None else "",
    }


def _file_row(item: AppealFile) -> dict[str, Any]:
    stored = item.stored
    return {
        "id": item.pk,
        "name": stored.original_name,
        "content_type": stored.content_type,
        "size": stored.size,
        "added_at": item.added_at,
        "supplement": item.supplement_id,
        "download_url": reverse("api-appeal-file-download", args=[item.appeal_id, item.pk]),
    }


def appeal_body(appeal: Appeal) -> dict[str, Any]:
    citizen = appeal.citizen
    return {
        **appeal_row(appeal),
        "organization": appeal.organization_id,
        "text": appeal.text,
        "citizen_id": citizen.pk,
        "citizen_address": citizen.postal_address,
        "citizen_email": citizen.email or citizen.login_email or "",
        "registration_due_note": appeal.registration_due_note,
        "redirect_due_at": appeal.redirect_due_at,
        "answer_due_note": appeal.answer_due_note,
        "extended_at": appeal.extended_at,
        "extension_reason": appeal.extension_reason,
        "no_answer_ground": appeal.no_answer_ground,
        "redirected_at": appeal.redirected_at,
        "redirected_to_name": appeal.redirected_to_name,
        "answer": appeal.answer_id,
        "milestones": [
            {"kind": m.kind, "label": str(Milestone.Kind(m.kind).label), "at": m.at, "data": m.data}
            for m in appeal.milestones.all()
        ],
        "related": [
            {
                "id": r.pk,
                "status": r.status,
                "received_at": r.received_at,
                "reg_number": _reg_number(r),
            }
            for r in selectors.related_appeals(appeal)
        ],
        "files": [_file_row(f) for f in appeal.files.select_related("stored")],
    }


def citizen_row(citizen: Citizen) -> dict[str, Any]:
    return {
        "id": citizen.pk,
        "full_name": citizen.full_name,
        "last_name": citizen.last_name,
        "first_name": citizen.first_name,
        "middle_name": citizen.middle_name,
        "postal_address": citizen.postal_address,
        "email": citizen.email,
        "has_account": citizen.has_account,
    }
