"""Delivery between organizations over the API: thin views, writes with @idempotent.

The addressee's answers leave out the delivered title after a refusal or a
withdrawal (``addressee_out``); the sender always reads its own document's."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from bering.api.actor import api_actor
from bering.api.base import ApiView, parse
from bering.api.idempotency import idempotent
from bering.api.lookups import doc_type_get, journal_get
from bering.documents import selectors as document_selectors
from bering.exchange import permissions, selectors, services
from bering.exchange.models import Delivery, Dispatch, RefusalReason
from bering.exchange.selectors import DeliveryStatus
from bering.signatures.selectors import Verdict


class DeliveryOut(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    document = serializers.IntegerField()
    sender = serializers.CharField()
    addressee = serializers.CharField()
    status = serializers.CharField()
    progress = serializers.CharField()
    number = serializers.CharField(help_text="The sender's registration number.")
    date = serializers.DateField(allow_null=True)
    title = serializers.CharField(
        help_text="Empty for the addressee after a refusal or a withdrawal: it keeps the "
        "card of that answer only."
    )
    delivered_at = serializers.DateTimeField()
    their_number = serializers.CharField()
    their_date = serializers.DateField(allow_null=True)
    refusal_reason = serializers.CharField()
    refusal_note = serializers.CharField()
    withdrawal_reason = serializers.CharField()
    withdrawn_at = serializers.DateTimeField(allow_null=True)


class DeliverySignatureOut(serializers.Serializer[Any]):
    file = serializers.CharField(help_text="The delivered file's name.")
    sha256 = serializers.CharField(help_text="The SHA-256 of the signed bytes.")
    signer = serializers.CharField()
    signed_by = serializers.CharField(help_text="Who signed, when a substitute signed.")
    signed_at = serializers.DateTimeField()
    verdict = serializers.ChoiceField(
        choices=[v.value for v in Verdict],
        help_text="Checked now: valid, bytes_changed, not_current or wrong_signer.",
    )


class DeliveryDetailOut(DeliveryOut):
    signatures = DeliverySignatureOut(
        many=True,
        help_text="The sender's signatures of the delivered files, each checked against the "
        "bytes now; empty when the contents are not the reader's to read.",
    )


class DeliveryRegisterIn(serializers.Serializer[Any]):
    journal = serializers.IntegerField(min_value=1)
    doc_type = serializers.IntegerField(min_value=1, required=False, allow_null=True)


class DeliveryRefuseIn(serializers.Serializer[Any]):
    reason = serializers.ChoiceField(choices=RefusalReason.choices)
    note = serializers.CharField(max_length=1000, required=False, default="", allow_blank=True)


class DeliveryWithdrawIn(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=1000)


class DeliveryExternalIn(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=500)
    method = serializers.ChoiceField(choices=Dispatch.Method.choices, default="paper")
    address = serializers.CharField(max_length=500, required=False, default="", allow_blank=True)


class DeliverySendIn(serializers.Serializer[Any]):
    addressees = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, default=list, max_length=500
    )
    external = DeliveryExternalIn(many=True, required=False, default=list)


def delivery_out(
    delivery: Delivery, progress: str = "", *, contents: bool = True
) -> dict[str, Any]:
    """``contents=False``: the addressee's card of a refusal or withdrawal (no title)."""
    doc = delivery.document
    return {
        "id": delivery.pk,
        "document": doc.pk,
        "sender": delivery.sender.short_name,
        "addressee": delivery.addressee.short_name,
        "status": delivery.status,
        "progress": progress,
        "number": doc.reg_number,
        "date": doc.reg_date,
        "title": doc.title if contents else "",
        "delivered_at": delivery.delivered_at,
        "their_number": delivery.their_number,
        "their_date": delivery.their_date,
        "refusal_reason": delivery.refusal_reason,
        "refusal_note": delivery.refusal_note,
        "withdrawal_reason": delivery.withdrawal_reason,
        "withdrawn_at": delivery.withdrawn_at,
    }


def addressee_out(delivery: Delivery) -> dict[str, Any]:
    """The addressee's view of a delivery: its contents only while they are its to read."""
    return delivery_out(delivery, contents=permissions.addressee_reads_contents(delivery))


def _status_out(item: DeliveryStatus) -> dict[str, Any]:
    return delivery_out(item.delivery, item.progress)


class QueueView(ApiView):
    """ "На регистрацию": deliveries awaiting the acting registrar's organization."""

    @extend_schema(responses=DeliveryOut(many=True), operation_id="deliveries_queue")
    def get(self, request: Request) -> Response:
        items = selectors.queue(api_actor(request)).select_related("addressee")
        return Response([addressee_out(d) for d in items])


class DeliveryView(ApiView):
    @extend_schema(responses=DeliveryDetailOut, operation_id="deliveries_retrieve")
    def get(self, request: Request, pk: int) -> Response:
        delivery = selectors.delivery_get_for_user(api_actor(request), pk)
        checks = []
        if permissions.addressee_reads_contents(delivery):
            checks = selectors.delivery_signatures(selectors.delivery_files(delivery))
        signatures = [
            {
                "file": c.signature.document_file.stored.original_name,
                "sha256": c.signature.sha256,
                "signer": c.signature.signer.user.full_name,
                "signed_by": c.signature.user.full_name if c.signature.on_behalf_of_id else "",
                "signed_at": c.signature.signed_at,
                "verdict": c.verdict.value,
            }
            for c in checks
        ]
        return Response({**addressee_out(delivery), "signatures": signatures})


class DeliveryRegisterView(ApiView):
    @extend_schema(
        request=DeliveryRegisterIn, responses={200: DeliveryOut}, operation_id="deliveries_register"
    )
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        actor = api_actor(request)
        delivery = selectors.delivery_get_for_user(actor, pk)
        data = parse(DeliveryRegisterIn, request.data)
        services.delivery_register(
            actor=actor,
            delivery=delivery,
            journal=journal_get(actor, data["journal"]),
            doc_type=doc_type_get(data["doc_type"]) if data.get("doc_type") else None,
        )
        return Response(addressee_out(selectors.delivery_get_for_user(actor, pk)))


class DeliveryRefuseView(ApiView):
    @extend_schema(
        request=DeliveryRefuseIn, responses={200: DeliveryOut}, operation_id="deliveries_refuse"
    )
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        actor = api_actor(request)
        delivery = selectors.delivery_get_for_user(actor, pk)
        data = parse(DeliveryRefuseIn, request.data)
        refused = services.delivery_refuse(
            actor=actor, delivery=delivery, reason=data["reason"], note=data["note"]
        )
        return Response(addressee_out(refused))


class DeliveryWithdrawView(ApiView):
    """The sender's registrar takes a delivery back before the addressee answers it."""

    @extend_schema(
        request=DeliveryWithdrawIn, responses={200: DeliveryOut}, operation_id="deliveries_withdraw"
    )
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        actor = api_actor(request)
        delivery = selectors.delivery_get_for_sender(actor, pk)
        data = parse(DeliveryWithdrawIn, request.data)
        withdrawn = services.delivery_withdraw(
            actor=actor, delivery=delivery, reason=data["reason"]
        )
        return Response(delivery_out(withdrawn))


class DocumentDeliveriesView(ApiView):
    """The sender's view: each addressee's status; sending the document."""

    @extend_schema(responses=DeliveryOut(many=True), operation_id="document_deliveries")
    def get(self, request: Request, pk: int) -> Response:
        actor = api_actor(request)
        document = document_selectors.document_get_for_user(actor, pk)
        return Response([_status_out(s) for s in selectors.deliveries_of_document(actor, document)])

    @extend_schema(
        request=DeliverySendIn,
        responses={201: DeliveryOut(many=True)},
        operation_id="document_send",
    )
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        actor = api_actor(request)
        document = document_selectors.document_get_for_user(actor, pk)
        data = parse(DeliverySendIn, request.data)
        services.document_send(
            actor=actor,
            document=document,
            addressee_org_ids=data["addressees"],
            external_addressees=[services.ExternalAddressee(**e) for e in data["external"]],
        )
        statuses = selectors.deliveries_of_document(actor, document)
        return Response([_status_out(s) for s in statuses], status=201)
