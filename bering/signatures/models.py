"""Signature records: who signed which file version, when, and over which bytes."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Signature(models.Model):
    """An electronic signature of one file version (63-ФЗ kinds).

    ``signer`` is the employee whose signature it is; when a substitute signs,
    ``post`` is the substitute's own post and ``on_behalf_of`` the absent signer.
    ``sha256`` is the digest of the bytes as they were read at signing.
    """

    class Kind(models.TextChoices):
        SIMPLE = "simple", _("simple electronic signature")
        ADVANCED = "advanced", _("advanced electronic signature")
        QUALIFIED = "qualified", _("qualified electronic signature")

    document_file = models.ForeignKey(
        "documents.DocumentFile", on_delete=models.PROTECT, related_name="signatures"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.SIMPLE)
    signer = models.ForeignKey("orgs.Employee", on_delete=models.PROTECT, related_name="+")
    post = models.ForeignKey("orgs.Employee", on_delete=models.PROTECT, related_name="+")
    on_behalf_of = models.ForeignKey(
        "orgs.Employee", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(_("signed at"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    # A qualified signature: the detached CMS (DER) uploaded by the signer, the certificate's
    # facts read from it (serial, owner, organization, title, issuer, valid_from, valid_to,
    # algorithm, thumbprint), and the verdict of its check: "valid" or a ``cms.Failure`` value.
    cms = models.BinaryField(_("detached signature"), blank=True, default=b"")
    certificate = models.JSONField(_("certificate"), default=dict, blank=True)
    verification = models.CharField(_("verification"), max_length=20, blank=True)
    verification_message = models.CharField(max_length=500, blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    # The rendition with the signature mark (ГОСТ Р 7.0.97-2016) drawn on it: a derived file
    # in storage, never the signed original; made by the worker after the signing.
    marked_name = models.CharField(max_length=200, blank=True)
    # How many times making that copy failed (a broken or encrypted PDF): the sweep gives
    # up after ``marking.ATTEMPTS`` and tries the least-tried first, so none starves.
    mark_attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["signed_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="qualified") | ~models.Q(verification=""),
                name="signature_qualified_is_verified",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.sha256[:12]}"

    @property
    def is_qualified(self) -> bool:
        return self.kind == self.Kind.QUALIFIED

    @property
    def is_verified(self) -> bool:
        """A qualified signature that passed every check when it was uploaded."""
        return self.verification == "valid"

    @property
    def certificate_valid_from(self) -> dt.datetime | None:
        return _when(self.certificate.get("valid_from"))

    @property
    def certificate_valid_to(self) -> dt.datetime | None:
        return _when(self.certificate.get("valid_to"))


def _when(value: object) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if isinstance(value, str) and value else None
