"""МЭДО containers over the API: export and download, import, the received documents'
queue with register and refuse, the messages made for the gateway. Thin views; writes
with @idempotent. A refused container is a 400 (409 for a duplicate) naming the reason."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from bering.api.actor import api_actor
from bering.api.base import ApiView, parse
from bering.api.idempotency import idempotent
from bering.api.lookups import doc_type_get, journal_get
from bering.documents import selectors as document_selectors
from bering.exchange import (
    selectors_medo,
    services_medo,
    services_medo_answer,
    services_medo_export,
)
from bering.exchange.models import MedoInbound, MedoMessage, MedoPackage, RefusalReason
from bering.exchange.views_medo import zip_response


class MedoPackageOut(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    uid = serializers.CharField(help_text="The message's identifier in the passport.")
    document = serializers.IntegerField()
    addressee = serializers.CharField()
    addressee_code = serializers.CharField()
    sha256 = serializers.CharField(help_text="The SHA-256 of the container (ZIP) as made.")
    size = serializers.IntegerField()
    status = serializers.ChoiceField(choices=MedoPackage.Status.choices)
    progress = serializers.CharField(help_text="executor_assigned, answered or empty.")
    their_number = serializers.CharField()
    their_date = serializers.DateField(allow_null=True)
    refusal_reason = serializers.CharField()
    refusal_note = serializers.CharField()
    acknowledged_at = serializers.DateTimeField(allow_null=True)
    receipt_mismatch = serializers.CharField(
        help_text="Non-empty when the addressee's receipt lists other hashes than were sent."
    )
    created_at = serializers.DateTimeField()


class MedoInboundOut(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    uid = serializers.CharField()
    sender = serializers.CharField()
    sender_code = serializers.CharField()
    kind = serializers.CharField()
    title = serializers.CharField()
    number = serializers.CharField(help_text="The sender's registration number.")
    date = serializers.DateField()
    signer = serializers.CharField()
    status = serializers.CharField(help_text="delivered, registered or refused.")
    received_at = serializers.DateTimeField()
    incoming = serializers.IntegerField(allow_null=True)
    refusal_reason = serializers.CharField()
    refusal_note = serializers.CharField()
    files = serializers.ListField(child=serializers.DictField())
    signatures = serializers.ListField(child=serializers.DictField())


class MedoMessageOut(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    uid = serializers.CharField()
    kind = serializers.CharField(help_text="квитанция or уведомление.")
    event = serializers.CharField(
        help_text="registered, refused, executor_assigned, answered; empty for a receipt."
    )
    counterpart = serializers.CharField()
    refers_to = serializers.CharField()
    inbound = serializers.IntegerField(allow_null=True)
    sha256 = serializers.CharField()
    size = serializers.IntegerField()
    created_at = serializers.DateTimeField()


class MedoImportOut(serializers.Serializer[Any]):
    kind = serializers.CharField(help_text="документ, уведомление or квитанция.")
    inbound = MedoInboundOut(allow_null=True)
    package = MedoPackageOut(allow_null=True)
    acknowledgement = MedoMessageOut(allow_null=True)


class MedoExportIn(serializers.Serializer[Any]):
    addressee = serializers.CharField(max_length=500)
    addressee_code = serializers.CharField(
        max_length=40, required=False, default="", allow_blank=True
    )


class MedoImportIn(serializers.Serializer[Any]):
    container = serializers.FileField(help_text="The container (ZIP) from the МЭДО gateway.")


class MedoRegisterIn(serializers.Serializer[Any]):
    journal = serializers.IntegerField(min_value=1)
    doc_type = serializers.IntegerField(min_value=1, required=False, allow_null=True)


class MedoRefuseIn(serializers.Serializer[Any]):
    reason = serializers.ChoiceField(choices=RefusalReason.choices)
    note = serializers.CharField(max_length=1000, required=False, default="", allow_blank=True)


def package_out(item: MedoPackage) -> dict[str, Any]:
    return {
        "id": item.pk,
        "uid": item.uid,
        "document": item.document_id,
        "addressee": item.addressee,
        "addressee_code": item.addressee_code,
        "sha256": item.sha256,
        "size": item.size,
        "status": item.status,
        "progress": item.progress,
        "their_number": item.their_number,
        "their_date": item.their_date,
        "refusal_reason": item.refusal_reason,
        "refusal_note": item.refusal_note,
        "acknowledged_at": item.acknowledged_at,
        "receipt_mismatch": item.receipt_mismatch,
        "created_at": item.created_at,
    }


def inbound_out(item: MedoInbound) -> dict[str, Any]:
    return {
        "id": item.pk,
        "uid": item.uid,
        "sender": item.sender,
        "sender_code": item.sender_code,
        "kind": item.kind,
        "title": item.title,
        "number": item.number,
        "date": item.date,
        "signer": item.signer,
        "status": item.status,
        "received_at": item.received_at,
        "incoming": item.incoming_id,
        "refusal_reason": item.refusal_reason,
        "refusal_note": item.refusal_note,
        "files": item.files,
        "signatures": item.signatures,
    }


def message_out(item: MedoMessage) -> dict[str, Any]:
    return {
        "id": item.pk,
        "uid": item.uid,
        "kind": item.kind,
        "event": item.event,
        "counterpart": item.counterpart,
        "refers_to": item.refers_to,
        "inbound": item.inbound_id,
        "sha256": item.sha256,
        "size": item.size,
        "created_at": item.created_at,
    }


_ZIP = {(200, "application/zip"): OpenApiTypes.BINARY}


class DocumentMedoPackagesView(ApiView):
    """The МЭДО containers of a registered outgoing document; making one."""

    @extend_schema(responses=MedoPackageOut(many=True), operation_id="document_medo_packages")
    def get(self, request: Request, pk: int) -> Response:
        actor = api_actor(request)
        document = document_selectors.document_get_for_user(actor, pk)
        items = selectors_medo.packages_of_document(actor, document)
        return Response([package_out(p) for p in items])

    @extend_schema(
        request=MedoExportIn,
        responses={201: MedoPackageOut},
        operation_id="document_medo_export",
        description="409 when a main file has no qualified electronic signature.",
    )
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        actor = api_actor(request)
        document = document_selectors.document_get_for_user(actor, pk)
        data = parse(MedoExportIn, request.data)
        package = services_medo_export.medo_export(
            actor=actor,
            document=document,
            addressee=data["addressee"],
            addressee_code=data["addressee_code"],
        )
        return Response(package_out(package), status=201)


class MedoPackageView(ApiView):
    @extend_schema(responses=MedoPackageOut, operation_id="medo_packages_retrieve")
    def get(self, request: Request, pk: int) -> Response:
        return Response(package_out(selectors_medo.package_get_for_user(api_actor(request), pk)))


class MedoPackageContainerView(ApiView):
    """The container as made, byte for byte (its SHA-256 in X-Bering-SHA256)."""

    @extend_schema(responses=_ZIP, operation_id="medo_packages_container")
    def get(self, request: Request, pk: int) -> HttpResponse:
        item = selectors_medo.package_get_for_user(api_actor(request), pk)
        data = selectors_medo.container_bytes(item.storage_name)
        return zip_response(data, uid=item.uid, sha256=item.sha256)


class MedoImportView(ApiView):
    """Upload a container: a document goes to the queue, an answer moves its package."""

    @extend_schema(
        request={"multipart/form-data": MedoImportIn},
        responses={201: MedoImportOut},
        operation_id="medo_import",
        description="400 with the reason when the container is refused (nothing is kept); "
        "409 for a container received before.",
    )
    @idempotent
    def post(self, request: Request) -> Response:
        actor = api_actor(request)
        data = parse(MedoImportIn, request.data)
        content = data["container"].read(settings.BERING_MAX_UPLOAD_BYTES + 1)
        result = services_medo.medo_import(actor=actor, data=content)
        body = {
            "kind": result.kind,
            "inbound": inbound_out(result.inbound) if result.inbound else None,
            "package": package_out(result.package) if result.package else None,
            "acknowledgement": (
                message_out(result.acknowledgement) if result.acknowledgement else None
            ),
        }
        return Response(body, status=201)


class MedoInboundQueueView(ApiView):
    @extend_schema(responses=MedoInboundOut(many=True), operation_id="medo_inbound_queue")
    def get(self, request: Request) -> Response:
        items = selectors_medo.inbound_queue(api_actor(request))
        return Response([inbound_out(i) for i in items])


class MedoInboundView(ApiView):
    @extend_schema(responses=MedoInboundOut, operation_id="medo_inbound_retrieve")
    def get(self, request: Request, pk: int) -> Response:
        return Response(inbound_out(selectors_medo.inbound_get_for_user(api_actor(request), pk)))


class MedoInboundRegisterView(ApiView):
    @extend_schema(
        request=MedoRegisterIn,
        responses={200: MedoInboundOut},
        operation_id="medo_inbound_register",
    )
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        actor = api_actor(request)
        item = selectors_medo.inbound_get_for_user(actor, pk)
        data = parse(MedoRegisterIn, request.data)
        services_medo_answer.medo_register(
            actor=actor,
            inbound=item,
            journal=journal_get(actor, data["journal"]),
            doc_type=doc_type_get(data["doc_type"]) if data.get("doc_type") else None,
        )
        return Response(inbound_out(selectors_medo.inbound_get_for_user(actor, pk)))


class MedoInboundRefuseView(ApiView):
    @extend_schema(
        request=MedoRefuseIn, responses={200: MedoInboundOut}, operation_id="medo_inbound_refuse"
    )
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        actor = api_actor(request)
        item = selectors_medo.inbound_get_for_user(actor, pk)
        data = parse(MedoRefuseIn, request.data)
        refused = services_medo_answer.medo_refuse(
            actor=actor, inbound=item, reason=data["reason"], note=data["note"]
        )
        return Response(inbound_out(refused))


class MedoMessagesView(ApiView):
    """Receipts and notifications made here, newest first, for the МЭДО gateway."""

    @extend_schema(responses=MedoMessageOut(many=True), operation_id="medo_messages")
    def get(self, request: Request) -> Response:
        items = selectors_medo.messages_to_send(api_actor(request))[:500]
        return Response([message_out(m) for m in items])


class MedoMessageContainerView(ApiView):
    @extend_schema(responses=_ZIP, operation_id="medo_messages_container")
    def get(self, request: Request, pk: int) -> HttpResponse:
        item = selectors_medo.message_get_for_user(api_actor(request), pk)
        data = selectors_medo.container_bytes(item.storage_name)
        return zip_response(data, uid=item.uid, sha256=item.sha256)
