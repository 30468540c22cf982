"""Publication of acts over the API (decision 0018): the registrar's lists, a document's
state, marks, publishing and unpublishing. Documents through ``document_get_for_user``
(404 for what the user may not see); the services check the roles (403)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from bering.api.actor import api_actor
from bering.api.base import ApiView, parse
from bering.api.idempotency import idempotent
from bering.core.errors import Forbidden, NotFound
from bering.documents.models import Document
from bering.documents.selectors import document_get_for_user
from bering.orgs.actor import Actor
from bering.publication import permissions, selectors, services
from bering.publication.models import Publication


class PublicationOut(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    document = serializers.IntegerField(source="document_id")
    kind = serializers.CharField()
    number = serializers.CharField()
    date = serializers.DateField()
    title = serializers.CharField()
    organization = serializers.CharField(source="organization_name")
    signer = serializers.CharField()
    signed_by = serializers.CharField()
    signed_at = serializers.DateTimeField()
    signed_sha256 = serializers.CharField(help_text="SHA-256 of the signed bytes.")
    pdf_sha256 = serializers.CharField(source="pdf.sha256", help_text="Of the published PDF.")
    redacted = serializers.BooleanField()
    published_at = serializers.DateTimeField()
    auto = serializers.SerializerMethodField()
    unpublished_at = serializers.DateTimeField(allow_null=True)
    unpublish_reason = serializers.CharField()
    public_url = serializers.SerializerMethodField()

    def get_auto(self, obj: Publication) -> bool:
        return obj.published_by_id is None

    def get_public_url(self, obj: Publication) -> str:
        return f"/acts/{obj.pk}/"


class CandidateOut(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    reg_number = serializers.CharField()
    reg_date = serializers.DateField(allow_null=True)
    kind = serializers.CharField(source="doc_type.name")
    title = serializers.CharField()


class PublicationListOut(serializers.Serializer[Any]):
    candidates = CandidateOut(many=True)
    publications = PublicationOut(many=True)


class ActionsOut(serializers.Serializer[Any]):
    mark = serializers.BooleanField()
    publish = serializers.BooleanField()
    unpublish = serializers.BooleanField()


class DocumentPublicationOut(serializers.Serializer[Any]):
    document = serializers.IntegerField()
    mode = serializers.CharField(allow_null=True, help_text="manual, auto, or null: not published")
    to_publish = serializers.BooleanField()
    personal_data = serializers.BooleanField()
    redacted_attached = serializers.BooleanField()
    refusals = serializers.ListField(child=serializers.CharField())
    actions = ActionsOut()
    publications = PublicationOut(many=True)


class MarksIn(serializers.Serializer[Any]):
    to_publish = serializers.BooleanField()
    personal_data = serializers.BooleanField(required=False, default=False)


class UnpublishIn(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=1000)


def _state(actor: Actor, document: Document) -> Response:
    facts = selectors.facts_for(document)
    active = selectors.publication_active(document)
    actions = permissions.actions_for(actor.employee, document, facts, published=active is not None)
    body = {
        "document": document.pk,
        "mode": facts.rule.mode if facts.rule else None,
        "to_publish": bool(facts.mark and facts.mark.to_publish),
        "personal_data": bool(facts.mark and facts.mark.personal_data),
        "redacted_attached": bool(facts.mark and facts.mark.redacted_id),
        "refusals": [str(r) for r in permissions.refusals(document, facts)],
        "actions": {
            "mark": actions.mark,
            "publish": actions.publish,
            "unpublish": actions.unpublish,
        },
        "publications": selectors.publications_of(document),
    }
    return Response(DocumentPublicationOut(body).data)


class PublicationListView(ApiView):
    """The organization's acts waiting for publication and its publications (registrars)."""

    @extend_schema(responses=PublicationListOut, operation_id="publications_list")
    def get(self, request: Request) -> Response:
        actor = api_actor(request)
        if not permissions.sees_publication_menu(actor.employee):
            raise Forbidden(_("The list of publications is for registrars."))
        organization_id = actor.organization_id
        body = {
            "candidates": list(selectors.candidates(organization_id)[:200]),
            "publications": list(
                selectors.publications_for_organization(organization_id).select_related("pdf")[:200]
            ),
        }
        return Response(PublicationListOut(body).data)


class DocumentPublicationView(ApiView):
    """A document's publication: its marks, why it cannot be published, its publications."""

    @extend_schema(responses=DocumentPublicationOut, operation_id="publications_document")
    def get(self, request: Request, pk: int) -> Response:
        actor = api_actor(request)
        return _state(actor, document_get_for_user(actor, pk))


class DocumentMarksView(ApiView):
    @extend_schema(
        request=MarksIn,
        responses={200: DocumentPublicationOut},
        operation_id="publications_mark",
        description="Set «to be published» and «holds personal data» (the author or a "
        "registrar). A redacted PDF is attached on the document's publication page.",
    )
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        actor = api_actor(request)
        document = document_get_for_user(actor, pk)
        data = parse(MarksIn, request.data)
        services.publication_mark(
            actor=actor,
            document=document,
            marks=services.Marks(
                to_publish=data["to_publish"], personal_data=data["personal_data"]
            ),
        )
        return _state(actor, document)


class DocumentPublishView(ApiView):
    @extend_schema(
        request=None,
        responses={200: DocumentPublicationOut},
        operation_id="publications_publish",
        description="Publish the act on the public site now (a registrar).",
    )
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        actor = api_actor(request)
        document = document_get_for_user(actor, pk)
        services.publication_publish(actor=actor, document=document)
        return _state(actor, document)


class PublicationUnpublishView(ApiView):
    @extend_schema(
        request=UnpublishIn,
        responses={200: DocumentPublicationOut},
        operation_id="publications_unpublish",
        description="Take the act off the public site, with the reason (a registrar).",
    )
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        actor = api_actor(request)
        publication = Publication.objects.select_related("document").filter(pk=pk).first()
        if publication is None:
            raise NotFound(_("Publication not found."))
        document = document_get_for_user(actor, publication.document_id)
        data = parse(UnpublishIn, request.data)
        services.publication_unpublish(actor=actor, publication=publication, reason=data["reason"])
        return _state(actor, document)
