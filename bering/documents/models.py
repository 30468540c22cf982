from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Flow(models.TextChoices):
    INCOMING = "incoming", _("incoming")
    OUTGOING = "outgoing", _("outgoing")
    INTERNAL = "internal", _("internal")


class DocumentType(models.Model):
    """Letter, order, decree, normative act...: editable reference data."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    flow = models.CharField(_("flow"), max_length=10, choices=Flow.choices)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("document type")
        verbose_name_plural = _("document types")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Journal(models.Model):
    """A registration journal: a numbering sequence with its template.

    Placeholders of ``template``: ``{seq}`` (required), ``{index}``, ``{yyyy}``, ``{yy}``.
    Numbers restart each year, the year being the registration's year in the
    organization's time zone.
    """

    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="journals"
    )
    name = models.CharField(_("name"), max_length=200)
    flow = models.CharField(_("flow"), max_length=10, choices=Flow.choices)
    index = models.CharField(_("index"), max_length=30, blank=True)
    template = models.CharField(_("number template"), max_length=60, default="{index}-{seq}")
    document_types = models.ManyToManyField(
        DocumentType, blank=True, related_name="journals", verbose_name=_("document types")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("registration journal")
        verbose_name_plural = _("registration journals")
        ordering = ["organization", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="journal_unique_name"),
            models.CheckConstraint(
                condition=Q(template__contains="{seq}"), name="journal_template_has_seq"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class JournalCounter(models.Model):
    """The last number given in a journal in a year. Incremented under a row lock."""

    journal = models.ForeignKey(Journal, on_delete=models.PROTECT, related_name="counters")
    year = models.PositiveSmallIntegerField()
    last_seq = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["journal", "year"], name="counter_unique_year")
        ]

    def __str__(self) -> str:
        return f"{self.journal_id}/{self.year}: {self.last_seq}"


class Document(models.Model):
    """The registration card (РКК) of a document, with the requisites of ГОСТ Р 7.0.97."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        ON_APPROVAL = "on_approval", _("on approval")
        REWORK = "rework", _("returned for rework")
        ON_SIGNING = "on_signing", _("on signing")
        SIGNED = "signed", _("signed")
        REGISTERED = "registered", _("registered")
        CANCELLED = "cancelled", _("cancelled")

    class Access(models.TextChoices):
        GENERAL = "general", _("general")
        RESTRICTED = "restricted", _("restricted (DSP)")

    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="documents"
    )
    doc_type = models.ForeignKey(
        DocumentType, on_delete=models.PROTECT, related_name="documents", verbose_name=_("type")
    )
    flow = models.CharField(_("flow"), max_length=10, choices=Flow.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    title = models.CharField(_("summary"), max_length=1000)
    access = models.CharField(
        _("access"), max_length=10, choices=Access.choices, default=Access.GENERAL
    )
    # Registration
    journal = models.ForeignKey(
        Journal, null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )
    reg_year = models.PositiveSmallIntegerField(null=True, blank=True)
    reg_seq = models.PositiveIntegerField(null=True, blank=True)
    reg_number = models.CharField(_("registration number"), max_length=60, blank=True)
    reg_date = models.DateField(_("registration date"), null=True, blank=True)
    registered_at = models.DateTimeField(null=True, blank=True)
    registered_by = models.ForeignKey(
        "orgs.Employee", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(
        _("signed at"),
        null=True,
        blank=True,
        help_text=_("Set when the draft is signed: its files never change after that."),
    )
    # People
    author = models.ForeignKey(
        "orgs.Employee", on_delete=models.PROTECT, related_name="authored_documents"
    )
    signer = models.ForeignKey(
        "orgs.Employee",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="signed_documents",
        verbose_name=_("signer"),
    )
    executor = models.ForeignKey(
        "orgs.Employee",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="executed_documents",
        verbose_name=_("executor"),
    )
    allowed = models.ManyToManyField(
        "orgs.Employee",
        blank=True,
        related_name="restricted_documents",
        verbose_name=_("people with access"),
    )
    # Requisites
    addressee = models.CharField(_("addressee"), max_length=500, blank=True)
    pages = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    attachments_note = models.CharField(_("attachments"), max_length=500, blank=True)
    correspondent = models.CharField(_("correspondent"), max_length=500, blank=True)
    correspondent_number = models.CharField(_("their number"), max_length=60, blank=True)
    correspondent_date = models.DateField(_("their date"), null=True, blank=True)
    in_reply_to = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replies",
        verbose_name=_("in reply to"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["journal", "reg_year", "reg_seq"],
                condition=Q(reg_seq__isnull=False),
                name="document_unique_number",
            ),
            models.CheckConstraint(
                condition=~Q(status="registered")
                | (
                    Q(journal__isnull=False)
                    & Q(reg_seq__isnull=False)
                    & Q(reg_year__isnull=False)
                    & Q(reg_date__isnull=False)
                    & ~Q(reg_number="")
                ),
                name="document_registered_has_number",
            ),
        ]
        indexes = [
            # The list's order within the organization: a page is an index range (0021).
            models.Index(fields=["organization", "-created_at", "-id"], name="document_org_newest"),
            models.Index(fields=["organization", "correspondent_number"]),
            models.Index(fields=["organization", "reg_number"]),
        ]

    def __str__(self) -> str:
        if self.reg_number:
            return f"№ {self.reg_number} от {self.reg_date:%d.%m.%Y}"
        return f"{self.doc_type.name}: {self.title[:60]}"


class DocumentFile(models.Model):
    """A file of a document: the main text or an attachment, in numbered versions.

    Files with the same ``slot`` are versions of one another; the newest is current.
    """

    class Role(models.TextChoices):
        MAIN = "main", _("main document")
        ATTACHMENT = "attachment", _("attachment")

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="files")
    slot = models.PositiveSmallIntegerField()
    version = models.PositiveSmallIntegerField(default=1)
    role = models.CharField(max_length=12, choices=Role.choices)
    stored = models.ForeignKey("files.StoredFile", on_delete=models.PROTECT, related_name="+")
    added_by = models.ForeignKey("orgs.Employee", on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["slot", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "slot", "version"], name="docfile_unique_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.stored.original_name} v{self.version}"
