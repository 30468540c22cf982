"""Delivery of registered documents between the region's organizations.

A registered outgoing document addressed to organizations that use Bering is
delivered to each addressee's "to register" queue (one ``Delivery`` per
addressee). The addressee's registrar registers it as incoming or refuses it
with a reason from the interagency exchange's fixed list; until then the
sender's registrar may withdraw it, with a reason. Addressees outside
the system are listed for paper or e-mail dispatch (``Dispatch``).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class RefusalReason(models.TextChoices):
    """Reasons of the interagency exchange (МЭДО) for refusing registration."""

    WRONG_ADDRESSEE = "wrong_addressee", _("wrong addressee")
    NO_SIGNATURE = "no_signature", _("no signature, or the signature is invalid")
    ATTACHMENT_MISSING = "attachment_missing", _("attachment missing")
    ILLEGIBLE = "illegible", _("illegible or damaged file")
    INCOMPLETE = "incomplete", _("requisites incomplete or wrong")
    DUPLICATE = "duplicate", _("already received (duplicate)")
    NOT_COMPETENT = "not_competent", _("outside the addressee's competence")


class Delivery(models.Model):
    class Status(models.TextChoices):
        DELIVERED = "delivered", _("delivered")
        REGISTERED = "registered", _("registered")
        REFUSED = "refused", _("refused")
        WITHDRAWN = "withdrawn", _("withdrawn by the sender")

    document = models.ForeignKey(
        "documents.Document", on_delete=models.PROTECT, related_name="deliveries"
    )
    sender = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="+")
    addressee = models.ForeignKey(
        "orgs.Organization",
        on_delete=models.PROTECT,
        related_name="deliveries_received",
        verbose_name=_("addressee"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DELIVERED
    )
    sent_by = models.ForeignKey("orgs.Employee", on_delete=models.PROTECT, related_name="+")
    delivered_at = models.DateTimeField(_("delivered"))
    incoming = models.ForeignKey(
        "documents.Document",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The incoming document registered by the addressee."),
    )
    their_number = models.CharField(_("their number"), max_length=60, blank=True)
    their_date = models.DateField(_("their date"), null=True, blank=True)
    registered_at = models.DateTimeField(null=True, blank=True)
    registered_by = models.ForeignKey(
        "orgs.Employee", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    refusal_reason = models.CharField(
        _("reason"), max_length=20, choices=RefusalReason.choices, blank=True
    )
    refusal_note = models.CharField(_("comment"), max_length=1000, blank=True)
    refused_at = models.DateTimeField(null=True, blank=True)
    refused_by = models.ForeignKey(
        "orgs.Employee", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawal_reason = models.CharField(_("reason for withdrawal"), max_length=1000, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        "orgs.Employee", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-delivered_at", "-id"]
        indexes = [models.Index(fields=["addressee", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "addressee"], name="delivery_once_per_addressee"
            ),
            models.CheckConstraint(
                condition=~Q(sender=models.F("addressee")), name="delivery_not_to_self"
            ),
            models.CheckConstraint(
                condition=~Q(status="registered")
                | (Q(incoming__isnull=False) & ~Q(their_number="")),
                name="delivery_registered_has_number",
            ),
            models.CheckConstraint(
                condition=~Q(status="refused") | ~Q(refusal_reason=""),
                name="delivery_refused_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status="withdrawn") | ~Q(withdrawal_reason=""),
                name="delivery_withdrawn_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document_id} → {self.addressee_id}: {self.status}"


class Dispatch(models.Model):
    """An addressee outside the system: the letter goes by post or e-mail."""

    class Method(models.TextChoices):
        PAPER = "paper", _("by post")
        EMAIL = "email", _("by e-mail")

    class Status(models.TextChoices):
        PENDING = "pending", _("to send")
        SENT = "sent", _("sent")

    document = models.ForeignKey(
        "documents.Document", on_delete=models.PROTECT, related_name="dispatches"
    )
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+"
    )
    addressee = models.CharField(_("addressee"), max_length=500)
    method = models.CharField(_("method"), max_length=10, choices=Method.choices)
    address = models.CharField(_("address or e-mail"), max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    created_by = models.ForeignKey("orgs.Employee", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(
        "orgs.Employee", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("comment"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("dispatch")
        verbose_name_plural = _("dispatch register")
        ordering = ["status", "-created_at", "-id"]
        indexes = [models.Index(fields=["organization", "status"])]

    def __str__(self) -> str:
        return f"{self.document_id} → {self.addressee}"


class MedoPackage(models.Model):
    """A registered outgoing document exported as a МЭДО container for an outside addressee.

    The ZIP is kept as made (``storage_name``, ``sha256``) so it is downloaded again byte
    for byte; the addressee's acknowledgement and notifications, imported by the
    sender's registrar, move its status."""

    class Status(models.TextChoices):
        SENT = "sent", _("exported")
        ACKNOWLEDGED = "acknowledged", _("receipt received")
        REGISTERED = "registered", _("registered")
        REFUSED = "refused", _("refused")

    uid = models.CharField(max_length=36, unique=True)
    document = models.ForeignKey(
        "documents.Document", on_delete=models.PROTECT, related_name="medo_packages"
    )
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+"
    )
    addressee = models.CharField(_("addressee"), max_length=500)
    addressee_code = models.CharField(_("addressee's code"), max_length=40, blank=True)
    storage_name = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64)
    size = models.BigIntegerField()
    files = models.JSONField(default=list, help_text="[{name, sha256}] of the files sent.")
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.SENT
    )
    progress = models.CharField(max_length=20, blank=True)
    their_number = models.CharField(_("their number"), max_length=60, blank=True)
    their_date = models.DateField(_("their date"), null=True, blank=True)
    refusal_reason = models.CharField(
        _("reason"), max_length=20, choices=RefusalReason.choices, blank=True
    )
    refusal_note = models.CharField(_("comment"), max_length=1000, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    receipt_mismatch = models.CharField(
        _("receipt mismatch"),
        max_length=1000,
        blank=True,
        help_text=_(
            "What the addressee's receipt says it received differently from what was sent."
        ),
    )
    created_by = models.ForeignKey("orgs.Employee", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("МЭДО package")
        verbose_name_plural = _("МЭДО packages")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organization", "status"])]

    def __str__(self) -> str:
        return f"{self.uid} → {self.addressee}"


class MedoInbound(models.Model):
    """A document received in a МЭДО container: waits in «На регистрацию» with the same
    statuses as a delivery (delivered → registered or refused)."""

    Status = Delivery.Status

    uid = models.CharField(max_length=36)
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+"
    )
    sender = models.CharField(_("sender"), max_length=500)
    sender_code = models.CharField(max_length=40, blank=True)
    sender_inn = models.CharField(max_length=12, blank=True)
    kind = models.CharField(_("type"), max_length=200, blank=True)
    title = models.CharField(_("summary"), max_length=1000)
    number = models.CharField(_("their number"), max_length=60)
    date = models.DateField(_("their date"))
    signer = models.CharField(_("signed by"), max_length=300, blank=True)
    signer_post = models.CharField(max_length=300, blank=True)
    pages = models.PositiveIntegerField(null=True, blank=True)
    files = models.JSONField(default=list, help_text="The passport's file list, as received.")
    signatures = models.JSONField(default=list, help_text="Each signature's check on import.")
    storage_name = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64)
    status = models.CharField(
        _("status"), max_length=12, choices=Delivery.Status.choices, default="delivered"
    )
    received_at = models.DateTimeField(_("received"))
    received_by = models.ForeignKey("orgs.Employee", on_delete=models.PROTECT, related_name="+")
    incoming = models.ForeignKey(
        "documents.Document", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    registered_at = models.DateTimeField(null=True, blank=True)
    registered_by = models.ForeignKey(
        "orgs.Employee", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    refusal_reason = models.CharField(
        _("reason"), max_length=20, choices=RefusalReason.choices, blank=True
    )
    refusal_note = models.CharField(_("comment"), max_length=1000, blank=True)
    refused_at = models.DateTimeField(null=True, blank=True)
    refused_by = models.ForeignKey(
        "orgs.Employee", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    progress_told = models.CharField(
        max_length=20, blank=True, help_text="The furthest progress the sender was notified of."
    )

    class Meta:
        verbose_name = _("received МЭДО document")
        verbose_name_plural = _("received МЭДО documents")
        ordering = ["received_at", "id"]
        indexes = [models.Index(fields=["organization", "status"])]
        constraints = [
            models.UniqueConstraint(fields=["organization", "uid"], name="medo_inbound_once"),
            models.CheckConstraint(
                condition=~Q(status="registered") | Q(incoming__isnull=False),
                name="medo_inbound_registered_has_document",
            ),
            models.CheckConstraint(
                condition=~Q(status="refused") | ~Q(refusal_reason=""),
                name="medo_inbound_refused_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["delivered", "registered", "refused"]),
                name="medo_inbound_status",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sender} № {self.number}"


class MedoMessage(models.Model):
    """A МЭДО message this organization produced (to pass to the gateway) or imported.

    Produced: the acknowledgement of a received document and the notifications of its
    registration, refusal, executor and answer. Imported: the notifications and
    acknowledgements of the addressees of our packages (kept by uid, so twice is once)."""

    class Direction(models.TextChoices):
        OUT = "out", _("to send")
        IN = "in", _("received")

    class Kind(models.TextChoices):
        ACKNOWLEDGEMENT = "квитанция", _("acknowledgement")
        NOTIFICATION = "уведомление", _("notification")

    uid = models.CharField(max_length=36)
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+"
    )
    direction = models.CharField(max_length=3, choices=Direction.choices)
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices)
    event = models.CharField(_("event"), max_length=20, blank=True)
    counterpart = models.CharField(_("counterpart"), max_length=500)
    refers_to = models.CharField(max_length=36)
    inbound = models.ForeignKey(
        MedoInbound, null=True, blank=True, on_delete=models.PROTECT, related_name="messages"
    )
    package = models.ForeignKey(
        MedoPackage, null=True, blank=True, on_delete=models.PROTECT, related_name="messages"
    )
    storage_name = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64)
    size = models.BigIntegerField()
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("МЭДО message")
        verbose_name_plural = _("МЭДО messages")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organization", "direction", "created_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "direction", "uid"], name="medo_message_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.uid}"
