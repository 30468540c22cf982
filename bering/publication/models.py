"""Publication of final acts on the public site (decision 0018).

``PublicationRule`` says which document types are published and how (by the
registrar, or automatically once registered and signed); ``PublicationMark`` holds
the card's marks «подлежит опубликованию» and «содержит персональные данные» (with
the redacted PDF that is then published instead); ``Publication`` is one period of
an act on the site: what was public (a snapshot of the requisites, the signature
and the published PDF), from when, and until when and why.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class PublicationRule(models.Model):
    class Mode(models.TextChoices):
        MANUAL = "manual", _("by the registrar")
        AUTO = "auto", _("automatically on registration")

    doc_type = models.OneToOneField(
        "documents.DocumentType",
        on_delete=models.PROTECT,
        related_name="publication_rule",
        verbose_name=_("type"),
    )
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices, default=Mode.MANUAL)

    class Meta:
        verbose_name = _("publication rule")
        verbose_name_plural = _("publication rules")

    def __str__(self) -> str:
        return f"{self.doc_type}: {self.get_mode_display()}"


class PublicationMark(models.Model):
    document = models.OneToOneField(
        "documents.Document", on_delete=models.PROTECT, related_name="publication_mark"
    )
    to_publish = models.BooleanField(_("to be published"), default=False)
    personal_data = models.BooleanField(_("holds personal data"), default=False)
    redacted = models.ForeignKey(
        "files.StoredFile",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("redacted copy"),
    )
    marked_by = models.ForeignKey("orgs.Employee", on_delete=models.PROTECT, related_name="+")
    marked_at = models.DateTimeField()

    class Meta:
        verbose_name = _("publication mark")
        verbose_name_plural = _("publication marks")

    def __str__(self) -> str:
        return f"{self.document_id}: {self.to_publish}"


class Publication(models.Model):
    """One period of an act on the public site. A republication is a new row."""

    document = models.ForeignKey(
        "documents.Document", on_delete=models.PROTECT, related_name="publications"
    )
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="publications"
    )
    # The requisites as they were published (a snapshot: the card may be renamed later).
    kind = models.CharField(_("kind"), max_length=200)
    kind_code = models.CharField(max_length=40)
    number = models.CharField(_("number"), max_length=60)
    date = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=1000)
    organization_name = models.CharField(_("organization"), max_length=500)
    signer = models.CharField(_("signer"), max_length=300)
    signed_sha256 = models.CharField(_("SHA-256 of the signed file"), max_length=64)
    signed_by = models.CharField(_("signed by"), max_length=300)
    signed_at = models.DateTimeField(_("signed at"))
    pdf = models.ForeignKey("files.StoredFile", on_delete=models.PROTECT, related_name="+")
    redacted = models.BooleanField(default=False)
    published_at = models.DateTimeField(_("published at"))
    published_by = models.ForeignKey(
        "orgs.Employee", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unpublished_at = models.DateTimeField(_("unpublished at"), null=True, blank=True)
    unpublished_by = models.ForeignKey(
        "orgs.Employee", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unpublish_reason = models.CharField(_("reason"), max_length=1000, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        ordering = ["-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["document"],
                condition=Q(unpublished_at__isnull=True),
                name="publication_one_active",
            ),
            models.CheckConstraint(
                condition=Q(unpublished_at__isnull=True) | ~Q(unpublish_reason=""),
                name="publication_unpublished_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "-published_at"]),
            models.Index(fields=["-published_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} № {self.number} от {self.date:%d.%m.%Y}"

    @property
    def is_active(self) -> bool:
        return self.unpublished_at is None
