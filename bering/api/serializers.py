"""What goes in and out of the API. Input serializers only parse; rules live in services."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from bering.api.actor import MAX_ID
from bering.documents.models import Document, DocumentFile, Flow, Journal
from bering.files.models import StoredFile

MAX_FILES = 20


def id_field(**kwargs: Any) -> serializers.IntegerField:
    """An object id: a positive 64-bit integer, so a huge number is a 400, not a 500."""
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


def optional_text(max_length: int) -> serializers.CharField:
    return serializers.CharField(max_length=max_length, allow_blank=True, default="")


# --- Input ------------------------------------------------------------------------


class TokenIn(serializers.Serializer[Any]):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=1024, trim_whitespace=False)
    name = serializers.CharField(
        max_length=100, allow_blank=True, default="", help_text="A label, e.g. the device."
    )
    code = serializers.CharField(
        max_length=12,
        allow_blank=True,
        default="",
        help_text="The current code of the authenticator app, for a user with the second "
        "factor on (otherwise ignored).",
    )


class CardIn(serializers.Serializer[Any]):
    """The requisites of a registration card. Ids refer to the acting organization."""

    doc_type = id_field(help_text="Id of a document type (GET /document-types/).")
    title = serializers.CharField(max_length=1000, help_text="Summary of the document.")
    access = serializers.ChoiceField(choices=Document.Access.choices, default="general")
    addressee = optional_text(500)
    pages = serializers.IntegerField(min_value=1, max_value=100_000, allow_null=True, default=None)
    attachments_note = optional_text(500)
    correspondent = optional_text(500)
    correspondent_number = optional_text(60)
    correspondent_date = serializers.DateField(allow_null=True, default=None)
    signer = id_field(allow_null=True, default=None, help_text="Employee id.")
    executor = id_field(allow_null=True, default=None, help_text="Employee id.")
    in_reply_to = id_field(allow_null=True, default=None, help_text="Document id.")
    allowed = serializers.ListField(
        child=id_field(),
        default=list,
        max_length=200,
        help_text="Employee ids who may read a restricted document.",
    )


def files_field() -> serializers.ListField:
    return serializers.ListField(
        child=serializers.FileField(max_length=255),
        default=list,
        max_length=MAX_FILES,
        help_text="Files (multipart/form-data only): the first is the main document.",
    )


class DocumentCreateIn(CardIn):
    flow = serializers.ChoiceField(choices=Flow.choices)
    files = files_field()


class RegisterIncomingIn(CardIn):
    journal = id_field(help_text="Id of a journal of incoming documents (GET /journals/).")
    files = files_field()
    confirm_duplicate = serializers.BooleanField(
        default=False,
        help_text="Register even though a letter with the same number and date exists.",
    )


class RegisterIn(serializers.Serializer[Any]):
    journal = id_field(help_text="Id of a journal (GET /journals/).")


class FileAddIn(serializers.Serializer[Any]):
    file = serializers.FileField(max_length=255)
    replaces_slot = serializers.IntegerField(
        min_value=1,
        max_value=32767,
        allow_null=True,
        default=None,
        help_text="Slot whose file this is a new version of; empty for a new attachment.",
    )


class DocumentQueryIn(serializers.Serializer[Any]):
    doc_type = id_field(required=False)
    status = serializers.ChoiceField(choices=Document.Status.choices, required=False)
    flow = serializers.ChoiceField(choices=Flow.choices, required=False)
    date_from = serializers.DateField(required=False, help_text="Created on or after.")
    date_to = serializers.DateField(required=False, help_text="Created on or before.")
    number = serializers.CharField(max_length=60, required=False, allow_blank=True)
    q = serializers.CharField(max_length=200, required=False, allow_blank=True)


class FlowQueryIn(serializers.Serializer[Any]):
    flow = serializers.ChoiceField(choices=Flow.choices, required=False)


# --- Output ---------------------------------------------------------------------


class TokenOut(serializers.Serializer[Any]):
    token = serializers.CharField(help_text="Shown once. Send as `Authorization: Bearer ...`.")


class PersonOut(serializers.Serializer[Any]):
    id = serializers.IntegerField(help_text="Employee id.")
    name = serializers.CharField(source="user.display_name")


class OrganizationOut(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    short_name = serializers.CharField()
    code = serializers.CharField()
    time_zone = serializers.CharField()


class ActingForOut(serializers.Serializer[Any]):
    id = serializers.IntegerField(help_text="Employee id of the absent colleague.")
    name = serializers.CharField()
    until = serializers.DateField()


class PostOut(serializers.Serializer[Any]):
    id = serializers.IntegerField(help_text="Employee id: send it as X-Bering-Post.")
    organization = OrganizationOut()
    position = serializers.CharField(allow_null=True)
    department = serializers.CharField(allow_null=True)
    roles = serializers.ListField(child=serializers.CharField())
    acting_for = ActingForOut(
        many=True, help_text="Colleagues this post substitutes today (X-Bering-On-Behalf-Of)."
    )


class UserOut(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    username = serializers.CharField()
    display_name = serializers.CharField()
    full_name = serializers.CharField()
    email = serializers.EmailField()


class MeOut(serializers.Serializer[Any]):
    user = UserOut()
    posts = PostOut(many=True)


class DocumentTypeOut(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    flow = serializers.ChoiceField(choices=Flow.choices)


class JournalOut(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    flow = serializers.ChoiceField(choices=Flow.choices)
    index = serializers.CharField()
    template = serializers.CharField()
    document_types = serializers.SerializerMethodField(help_text="Ids of document types.")

    @extend_schema_field({"type": "array", "items": {"type": "integer"}})
    def get_document_types(self, journal: Journal) -> list[int]:
        return [t.pk for t in journal.document_types.all()]


class JournalRefOut(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()


class DocumentListOut(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    doc_type = DocumentTypeOut()
    flow = serializers.ChoiceField(choices=Flow.choices)
    status = serializers.ChoiceField(choices=Document.Status.choices)
    access = serializers.ChoiceField(choices=Document.Access.choices)
    title = serializers.CharField()
    reg_number = serializers.CharField()
    reg_date = serializers.DateField(allow_null=True)
    correspondent = serializers.CharField()
    correspondent_number = serializers.CharField()
    correspondent_date = serializers.DateField(allow_null=True)
    author = PersonOut()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class ProcessingField(serializers.ChoiceField):
    """State of text extraction or preview: pending, done, failed, n/a."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=StoredFile.Processing.choices, **kwargs)


class FileVersionOut(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    version = serializers.IntegerField()
    name = serializers.CharField(source="stored.original_name")
    content_type = serializers.CharField(source="stored.content_type")
    size = serializers.IntegerField(source="stored.size")
    sha256 = serializers.CharField(source="stored.sha256")
    page_count = serializers.IntegerField(source="stored.page_count", allow_null=True)
    text_status = ProcessingField(source="stored.text_status")
    preview_status = ProcessingField(source="stored.preview_status")
    preview_available = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField()
    preview_url = serializers.SerializerMethodField()
    added_at = serializers.DateTimeField()
    added_by = PersonOut()

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_preview_available(self, item: DocumentFile) -> bool:
        return item.stored.preview_status == StoredFile.Processing.DONE

    @extend_schema_field(OpenApiTypes.STR)
    def get_download_url(self, item: DocumentFile) -> str:
        return reverse("api-file-download", args=[item.document_id, item.pk])

    @extend_schema_field({"type": "string", "nullable": True})
    def get_preview_url(self, item: DocumentFile) -> str | None:
        if item.stored.preview_status != StoredFile.Processing.DONE:
            return None
        return reverse("api-file-preview", args=[item.document_id, item.pk])


class FileSlotOut(serializers.Serializer[Any]):
    slot = serializers.IntegerField()
    role = serializers.ChoiceField(choices=DocumentFile.Role.choices)
    versions = FileVersionOut(many=True, help_text="Newest first.")


class DocumentOut(DocumentListOut):
    journal = JournalRefOut(allow_null=True)
    registered_at = serializers.DateTimeField(allow_null=True)
    registered_by = PersonOut(allow_null=True)
    signer = PersonOut(allow_null=True)
    executor = PersonOut(allow_null=True)
    addressee = serializers.CharField()
    pages = serializers.IntegerField(allow_null=True)
    attachments_note = serializers.CharField()
    in_reply_to = serializers.IntegerField(source="in_reply_to_id", allow_null=True)
    allowed = PersonOut(many=True, source="allowed.all")
    files = serializers.SerializerMethodField()

    @extend_schema_field(FileSlotOut(many=True))
    def get_files(self, document: Document) -> Any:
        return FileSlotOut(self.context.get("files", []), many=True).data


class PostRefOut(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    position = serializers.CharField(source="position.name", allow_null=True, default=None)


class HistoryOut(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    verb = serializers.CharField(help_text='What was done, e.g. "document.registered".')
    time = serializers.DateTimeField(source="occurred_at")
    who = serializers.CharField(source="actor_user.display_name", allow_null=True, default=None)
    post = PostRefOut(source="actor_post", allow_null=True)
    on_behalf_of = PersonOut(allow_null=True)
    data = serializers.JSONField()  # type: ignore[assignment]


class ErrorOut(serializers.Serializer[Any]):
    code = serializers.CharField(help_text="Machine-readable reason, e.g. not_found.")
    detail = serializers.CharField(help_text="A message for a person, in their language.")
    field = serializers.CharField(required=False, help_text="The input field at fault.")
    errors = serializers.JSONField(  # type: ignore[assignment]
        required=False, help_text="Every field's messages."
    )


class DuplicateOut(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    reg_number = serializers.CharField()
    reg_date = serializers.DateField(allow_null=True)


class DuplicateErrorOut(ErrorOut):
    duplicates = DuplicateOut(many=True, required=False)
