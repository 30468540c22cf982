"""Approval: regulations, route templates, and the runs with their stages and visas.

A run is one round of approval of a draft. Its stages run one after another;
inside a stage the visas run in parallel or in sequence. The signing step is
the last stage of every run: one visa of kind ``sign`` for the signer.
Overdue is never stored: it is computed when read (``selectors``).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Regulation(models.Model):
    """The normative approval time of a document type, in working days."""

    doc_type = models.OneToOneField(
        "documents.DocumentType",
        on_delete=models.CASCADE,
        related_name="approval_regulation",
        verbose_name=_("document type"),
    )
    total_days = models.PositiveSmallIntegerField(
        _("normative total, working days"),
        help_text=_("From the start of approval to the signature."),
    )
    stage_days = models.PositiveSmallIntegerField(
        _("per stage, working days"),
        default=1,
        help_text=_("Used when a stage of the route does not set its own time."),
    )
    sign_days = models.PositiveSmallIntegerField(_("signing, working days"), default=1)
    signing_without_approval = models.BooleanField(
        _("signing without approval allowed"),
        default=True,
        help_text=_(
            "Whether the author may send a draft of this type straight to signing, "
            "with no approval stage."
        ),
    )

    class Meta:
        verbose_name = _("approval regulation")
        verbose_name_plural = _("approval regulations")
        ordering = ["doc_type__name"]
        constraints = [
            models.CheckConstraint(condition=Q(total_days__gte=1), name="regulation_total_pos"),
            models.CheckConstraint(condition=Q(stage_days__gte=1), name="regulation_stage_pos"),
            models.CheckConstraint(condition=Q(sign_days__gte=1), name="regulation_sign_pos"),
        ]

    def __str__(self) -> str:
        return f"{self.doc_type}: {self.total_days}"


class Mode(models.TextChoices):
    PARALLEL = "parallel", _("in parallel")
    SEQUENTIAL = "sequential", _("in sequence")


class RouteTemplate(models.Model):
    """The usual route of a document type in an organization."""

    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.CASCADE, related_name="route_templates"
    )
    doc_type = models.ForeignKey(
        "documents.DocumentType",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("document type"),
        help_text=_("Empty: for any type."),
    )
    name = models.CharField(_("name"), max_length=200)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("route template")
        verbose_name_plural = _("route templates")
        ordering = ["organization", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="route_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class RouteStage(models.Model):
    template = models.ForeignKey(RouteTemplate, on_delete=models.CASCADE, related_name="stages")
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    name = models.CharField(_("name"), max_length=200)
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices, default=Mode.PARALLEL)
    days = models.PositiveSmallIntegerField(
        _("working days"), null=True, blank=True, help_text=_("Empty: from the regulation.")
    )

    class Meta:
        verbose_name = _("route stage")
        verbose_name_plural = _("route stages")
        ordering = ["template", "order", "pk"]
        constraints = [
            # Stages are numbered 1..n in a template; the services renumber under a lock.
            models.UniqueConstraint(fields=["template", "order"], name="route_stage_unique_order")
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"


class RouteParticipant(models.Model):
    """Who approves at a stage: a named employee, whoever holds a position, or a head."""

    class Kind(models.TextChoices):
        EMPLOYEE = "employee", _("named employee")
        POSITION = "position", _("holder of a position")
        DEPARTMENT_HEAD = "dept_head", _("head of a department")
        ORG_HEAD = "org_head", _("head of the organization")

    stage = models.ForeignKey(RouteStage, on_delete=models.CASCADE, related_name="participants")
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    employee = models.ForeignKey(
        "orgs.Employee", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    position = models.ForeignKey(
        "orgs.Position", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    department = models.ForeignKey(
        "orgs.Department", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        verbose_name = _("route participant")
        verbose_name_plural = _("route participants")
        ordering = ["stage", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="employee") | Q(employee__isnull=False),
                name="participant_employee_named",
            ),
            models.CheckConstraint(
                condition=~Q(kind="position") | Q(position__isnull=False),
                name="participant_position_named",
            ),
            models.CheckConstraint(
                condition=~Q(kind="dept_head") | Q(department__isnull=False),
                name="participant_department_named",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}"


class ApprovalRun(models.Model):
    """One round of approval of a draft, with the file versions it approves."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("in progress")
        RETURNED = "returned", _("returned for rework")
        RECALLED = "recalled", _("recalled by the author")
        SIGNED = "signed", _("signed")

    document = models.ForeignKey(
        "documents.Document", on_delete=models.PROTECT, related_name="approval_runs"
    )
    round = models.PositiveSmallIntegerField(_("round"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    template = models.ForeignKey(
        RouteTemplate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    file_ids = models.JSONField(
        default=list, help_text="The DocumentFile ids (current versions) this round approves."
    )
    started_by = models.ForeignKey("orgs.Employee", on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    due_explanation = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = _("approval round")
        verbose_name_plural = _("approval rounds")
        ordering = ["document", "round"]
        indexes = [models.Index(fields=["status", "finished_at"], name="run_status_finished_idx")]
        constraints = [
            models.UniqueConstraint(fields=["document", "round"], name="run_unique_round"),
            models.UniqueConstraint(
                fields=["document"], condition=Q(status="active"), name="run_one_active"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document_id} #{self.round}"


class Removal(models.Model):
    """An approver who refused in the previous round and was left out of this one, and why."""

    run = models.ForeignKey(ApprovalRun, on_delete=models.CASCADE, related_name="removals")
    approver = models.ForeignKey("orgs.Employee", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=1000)

    class Meta:
        verbose_name = _("approver removed from the route")
        verbose_name_plural = _("approvers removed from the route")
        ordering = ["run", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["run", "approver"], name="removal_unique_approver"),
            models.CheckConstraint(condition=~Q(reason=""), name="removal_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.run_id}: {self.approver_id}"


class Stage(models.Model):
    class Status(models.TextChoices):
        WAITING = "waiting", _("waiting")
        ACTIVE = "active", _("in progress")
        DONE = "done", _("done")
        CANCELLED = "cancelled", _("not reached")

    run = models.ForeignKey(ApprovalRun, on_delete=models.CASCADE, related_name="stages")
    order = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=200)
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.PARALLEL)
    is_signing = models.BooleanField(default=False)
    days = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    due_explanation = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["run", "order"]
        constraints = [
            models.UniqueConstraint(fields=["run", "order"], name="stage_unique_order"),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"


class Visa(models.Model):
    """One official's task in a stage: a visa, or the signature in the signing stage."""

    class Kind(models.TextChoices):
        VISA = "visa", _("visa")
        SIGN = "sign", _("signature")

    class Status(models.TextChoices):
        WAITING = "waiting", _("waiting for earlier approvers")
        PENDING = "pending", _("to decide")
        AGREED = "agreed", _("agreed")
        REMARKS = "remarks", _("agreed with remarks")
        REJECTED = "rejected", _("not agreed")
        SIGNED = "signed", _("signed")
        CANCELLED = "cancelled", _("not needed")

    DECIDED = (Status.AGREED, Status.REMARKS, Status.REJECTED, Status.SIGNED)
    POSITIVE = (Status.AGREED, Status.REMARKS, Status.SIGNED)

    run = models.ForeignKey(ApprovalRun, on_delete=models.CASCADE, related_name="visas")
    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="visas")
    order = models.PositiveSmallIntegerField(default=1)
    kind = models.CharField(max_length=4, choices=Kind.choices, default=Kind.VISA)
    approver = models.ForeignKey(
        "orgs.Employee", on_delete=models.PROTECT, related_name="approval_visas"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING)
    activated_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    due_explanation = models.CharField(max_length=500, blank=True)
    # The decision
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by_user = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_in_post = models.ForeignKey(
        "orgs.Employee",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The post that decided: a substitute's own post when it differs from approver.",
    )
    comment = models.TextField(blank=True)
    remark_file = models.ForeignKey(
        "files.StoredFile", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Claims of the reminder sweep: set once by a conditional UPDATE.
    reminded_at = models.DateTimeField(null=True, blank=True)
    overdue_notified_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["run", "stage__order", "order", "pk"]
        indexes = [models.Index(fields=["due_at"], name="visa_due_idx")]
        constraints = [
            models.UniqueConstraint(fields=["stage", "approver"], name="visa_unique_approver"),
            models.CheckConstraint(
                condition=~Q(status__in=["agreed", "remarks", "rejected", "signed"])
                | Q(decided_at__isnull=False),
                name="visa_decided_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["remarks", "rejected"]) | ~Q(comment=""),
                name="visa_remark_has_comment",
            ),
        ]
        indexes = [models.Index(fields=["approver", "status"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.approver_id}: {self.status}"

    @property
    def is_decided(self) -> bool:
        return self.status in self.DECIDED

    @property
    def substitute_decided(self) -> bool:
        return self.decided_in_post_id is not None and self.decided_in_post_id != self.approver_id
