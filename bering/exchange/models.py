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
