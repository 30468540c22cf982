"""Reads of the МЭДО containers, scoped by organization: its registrars only.

Anyone else gets the same 404 as for a missing row: a package, a received document
or a message of another organization does not exist for them.
"""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from bering.core.errors import NotFound
from bering.documents.models import Document
from bering.exchange import permissions
from bering.exchange.models import MedoInbound, MedoMessage, MedoPackage
from bering.orgs.actor import Actor


def _keeps(actor: Actor) -> bool:
    return permissions.keeps_medo(actor.employee, actor.organization_id)


def inbound_queue(actor: Actor) -> QuerySet[MedoInbound]:
    """Received containers' documents awaiting registration, oldest first."""
    if not _keeps(actor):
        return MedoInbound.objects.none()
    return MedoInbound.objects.filter(
        organization_id=actor.organization_id, status=MedoInbound.Status.DELIVERED
    ).order_by("received_at", "id")


def inbound_get_for_user(actor: Actor, inbound_id: int) -> MedoInbound:
    item = (
        MedoInbound.objects.select_related("incoming")
        .filter(pk=inbound_id, organization_id=actor.organization_id)
        .first()
    )
    if item is None or not _keeps(actor):
        raise NotFound(_("Received document not found."))
    return item


def packages_of_document(actor: Actor, document: Document) -> QuerySet[MedoPackage]:
    """The containers exported for a document, for its organization's registrars."""
    if not _keeps(actor) or document.organization_id != actor.organization_id:
        return MedoPackage.objects.none()
    return MedoPackage.objects.filter(document=document).order_by("-created_at", "-id")


def package_get_for_user(actor: Actor, package_id: int) -> MedoPackage:
    item = (
        MedoPackage.objects.select_related("document")
        .filter(pk=package_id, organization_id=actor.organization_id)
        .first()
    )
    if item is None or not _keeps(actor):
        raise NotFound(_("Container not found."))
    return item


def messages_to_send(actor: Actor) -> QuerySet[MedoMessage]:
    """Acknowledgements and notifications produced here, newest first: for the gateway."""
    if not _keeps(actor):
        return MedoMessage.objects.none()
    return MedoMessage.objects.filter(
        organization_id=actor.organization_id, direction=MedoMessage.Direction.OUT
    ).order_by("-created_at", "-id")


def message_get_for_user(actor: Actor, message_id: int) -> MedoMessage:
    item = MedoMessage.objects.filter(pk=message_id, organization_id=actor.organization_id).first()
    if item is None or not _keeps(actor):
        raise NotFound(_("Message not found."))
    return item


def container_bytes(storage_name: str) -> bytes:
    """A kept container, byte for byte as made or received."""
    with default_storage.open(storage_name, "rb") as fh:
        data: bytes = fh.read()
    return data
