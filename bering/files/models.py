from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _


class StoredFile(models.Model):
    """Bytes as uploaded, never modified. Renditions (text, preview) live beside them.

    The bytes are kept under a generated name (``storage_name``); the uploader's
    name is only shown, after cleaning (``original_name``).
    """

    class Kind(models.TextChoices):
        PDF = "pdf", "PDF"
        DOCX = "docx", "DOCX"
        ODT = "odt", "ODT"
        RTF = "rtf", "RTF"
        DOC = "doc", "DOC"
        XLSX = "xlsx", "XLSX"
        PNG = "png", "PNG"
        JPEG = "jpeg", "JPEG"
        TIFF = "tiff", "TIFF"

    class Processing(models.TextChoices):
        PENDING = "pending", _("waiting")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")
        NOT_APPLICABLE = "n/a", _("not applicable")

    storage_name = models.CharField(max_length=200, unique=True)
    original_name = models.CharField(_("file name"), max_length=255)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    content_type = models.CharField(max_length=100)
    size = models.BigIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    page_count = models.PositiveIntegerField(null=True, blank=True)
    text = models.TextField(blank=True)
    text_status = models.CharField(
        max_length=10, choices=Processing.choices, default=Processing.PENDING
    )
    preview_name = models.CharField(max_length=200, blank=True)
    preview_status = models.CharField(
        max_length=10, choices=Processing.choices, default=Processing.PENDING
    )
    # Office files (DOCX, ODT, RTF, DOC, XLSX) get a PDF copy for reading made by LibreOffice in the
    # worker (convert.py); it is a rendition, never what is signed (decision 0013).
    rendition_name = models.CharField(max_length=200, blank=True)
    rendition_status = models.CharField(
        max_length=10, choices=Processing.choices, default=Processing.NOT_APPLICABLE
    )
    rendition_error = models.CharField(max_length=300, blank=True)
    # The copy's hash and size, for the tablet's check of a copy fetched in parts: kept when the
    # copy is made (copies made before these fields: on first use, ``services.rendition_digest``).
    rendition_sha256 = models.CharField(max_length=64, blank=True)
    rendition_size = models.BigIntegerField(null=True, blank=True)
    # Storage names of the page images (PNG), first page first; made with the preview.
    page_images = models.JSONField(default=list, blank=True)
    # A worker's claim on the pending renditions (see processing.py): set by a
    # conditional UPDATE, cleared when done; an old one marks a worker that died.
    processing_claimed_at = models.DateTimeField(null=True, blank=True)
    processing_attempts = models.PositiveSmallIntegerField(default=0)
    # The integrity sweep (integrity.py): when the bytes were last hashed again, and the digest
    # found when they did not match ("missing" when there were none) — the mismatch already
    # reported, so the same one is not reported on every pass; "" while they match.
    integrity_checked_at = models.DateTimeField(null=True, blank=True)
    integrity_alert = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("stored file")
        verbose_name_plural = _("stored files")
        constraints = [
            models.CheckConstraint(condition=models.Q(size__gte=0), name="storedfile_size_nonneg")
        ]

    def __str__(self) -> str:
        return self.original_name

    @property
    def text_source(self) -> str:
        """The name under which this file's text reaches the search index."""
        return f"file:{self.pk}"

    @cached_property
    def text_parts(self) -> list[str]:
        """The text in parts small enough for a page on a slow link (``reading``)."""
        from bering.files.reading import text_parts

        return text_parts(self.text) if self.text_status == self.Processing.DONE else []

    @property
    def page_image_count(self) -> int:
        return len(self.page_images) if isinstance(self.page_images, list) else 0


class IntegrityState(models.Model):
    """The integrity sweep's one row: where the current pass is, and how the last one ended.

    ``cursor`` is the id of the last stored file checked in the current pass; a run takes
    the files after it (a conditional UPDATE moves it, so two runs never take the same
    slice) and the pass ends when none are left."""

    cursor = models.BigIntegerField(default=0)
    pass_started_at = models.DateTimeField(null=True, blank=True)
    pass_checked = models.PositiveIntegerField(default=0)
    pass_mismatches = models.PositiveIntegerField(default=0)
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_pass_started_at = models.DateTimeField(null=True, blank=True)
    last_pass_finished_at = models.DateTimeField(null=True, blank=True)
    last_pass_checked = models.PositiveIntegerField(default=0)
    last_pass_mismatches = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("integrity check of stored files")
        verbose_name_plural = _("integrity check of stored files")

    def __str__(self) -> str:
        return str(_("integrity check of stored files"))
