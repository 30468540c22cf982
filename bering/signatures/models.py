"""Signature records: who signed which file version, when, and over which bytes."""

from __future__ import annotations

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

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["signed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.sha256[:12]}"
