"""Resolutions, assignments, reports, extensions: the execution of a document.

A resolution is a head's instruction on a registered incoming or internal
document (or, cascading, on an assignment the head received). Each executor of
a resolution gets an assignment with its own due time. Overdue is never
stored: it is computed when read (``selectors``).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Urgency(models.TextChoices):
    URGENT = "urgent", _("urgent")
    PROMPT = "prompt", _("prompt")


class TermKind(models.TextChoices):
    DATE = "date", _("by date")
    CALENDAR = "calendar", _("calendar days")
    WORKING = "working", _("working days")
    URGENCY = "urgency", _("urgency mark")


class Resolution(models.Model):
    """A head's instruction: text, executors, due time, controller."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft, awaiting the head")
        RETURNED = "returned", _("draft returned")
        ACTIVE = "active", _("on execution")
        CLOSED = "closed", _("control closed")

    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="resolutions"
    )
    document = models.ForeignKey(
        "documents.Document", on_delete=models.PROTECT, related_name="resolutions"
    )
    parent = models.ForeignKey(
        "assignments.Assignment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sub_resolutions",
        help_text=_("The assignment this resolution cascades."),
    )
    author = models.ForeignKey(
        "orgs.Employee",
        on_delete=models.PROTECT,
        related_name="authored_resolutions",
        verbose_name=_("author"),
    )
    prepared_by = models.ForeignKey(
        "orgs.Employee",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("prepared by"),
    )
    controller = models.ForeignKey(
        "orgs.Employee",
        on_delete=models.PROTECT,
        related_name="controlled_resolutions",
        verbose_name=_("controller"),
    )
    text = models.TextField(_("text"))
    term_kind = models.CharField(_("term"), max_length=10, choices=TermKind.choices)
    term_days = models.PositiveSmallIntegerField(_("days"), null=True, blank=True)
    term_date = models.DateField(_("due date"), null=True, blank=True)
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, blank=True)
    due_at = models.DateTimeField(_("due"))
    due_explanation = models.CharField(_("how the due time was set"), max_length=500)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    return_note = models.CharField(_("why returned"), max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    issued_at = models.DateTimeField(_("issued"), null=True, blank=True)
    closed_at = models.DateTimeField(_("control closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("resolution")
        verbose_name_plural = _("resolutions")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["organization", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="active") | Q(issued_at__isnull=False),
                name="resolution_active_has_issued_at",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]


class Assignment(models.Model):
    """One executor's task from a resolution."""

    class Role(models.TextChoices):
        RESPONSIBLE = "responsible", _("responsible executor")
        CO_EXECUTOR = "co_executor", _("co-executor")

    class Status(models.TextChoices):
        PENDING = "pending", _("awaiting the resolution")
        IN_PROGRESS = "in_progress", _("in progress")
        REPORTED = "reported", _("reported")
        DONE = "done", _("done")

    resolution = models.ForeignKey(Resolution, on_delete=models.PROTECT, related_name="assignments")
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+"
    )
    document = models.ForeignKey(
        "documents.Document", on_delete=models.PROTECT, related_name="assignments"
    )
    executor = models.ForeignKey(
        "orgs.Employee", on_delete=models.PROTECT, related_name="assignments"
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices)
    due_at = models.DateTimeField(_("due"))
    due_explanation = models.CharField(_("how the due time was set"), max_length=500)
    first_due_at = models.DateTimeField(_("first due"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    reported_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    overdue_notified_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["resolution_id", "-role", "id"]
        indexes = [
            models.Index(fields=["executor", "status"]),
            models.Index(fields=["status", "due_at"]),
            models.Index(fields=["due_at"], name="assignment_due_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["resolution", "executor"], name="assignment_one_per_executor"
            ),
            models.UniqueConstraint(
                fields=["resolution"],
                condition=Q(role="responsible"),
                name="assignment_one_responsible",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.executor_id}: {self.resolution_id}"

    @property
    def is_responsible(self) -> bool:
        return self.role == self.Role.RESPONSIBLE


class Report(models.Model):
    """An executor's report: text and files, or a reply draft."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("awaiting decision")
        ACCEPTED = "accepted", _("accepted")
        RETURNED = "returned", _("returned")
        COLLECTED = "collected", _("collected by the responsible executor")

    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="reports")
    author = models.ForeignKey("orgs.Employee", on_delete=models.PROTECT, related_name="+")
    """The executor the report is of (the absent colleague when a deputy reports)."""
    submitted_by = models.ForeignKey(
        "orgs.Employee",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The post that sent the report (a deputy acting for the executor)."),
    )
    text = models.TextField(_("report"), blank=True)
    reply = models.ForeignKey(
        "documents.Document",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("reply draft"),
    )
    decision = models.CharField(
        _("decision"), max_length=10, choices=Decision.choices, default=Decision.PENDING
    )
    decided_by = models.ForeignKey(
        "orgs.Employee", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(_("comment"), max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment"],
                condition=Q(decision="pending"),
                name="report_one_pending",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]


class ReportFile(models.Model):
    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="files")
    stored = models.ForeignKey("files.StoredFile", on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return str(self.stored_id)


class Extension(models.Model):
    """A request to move a due time; the resolution's author decides. Both dates stay."""

    class Status(models.TextChoices):
        PENDING = "pending", _("awaiting decision")
        GRANTED = "granted", _("granted")
        REFUSED = "refused", _("refused")

    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="extensions")
    requested_by = models.ForeignKey("orgs.Employee", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=1000)
    old_due_at = models.DateTimeField(_("due before"))
    new_due_at = models.DateTimeField(_("due asked"))
    new_due_explanation = models.CharField(max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    decided_by = models.ForeignKey(
        "orgs.Employee", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(_("comment"), max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment"],
                condition=Q(status="pending"),
                name="extension_one_pending",
            ),
            models.CheckConstraint(
                condition=Q(new_due_at__gt=models.F("old_due_at")),
                name="extension_moves_later",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assignment_id}: {self.new_due_at}"
