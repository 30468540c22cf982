"""Facts kept by the sweep for region-wide reports (decision 0009, issue 14).

A region-wide report used to read every visa, stage and assignment of the
period and work out working days in Python per row: seconds at a million
documents. What a *finished* item contributes never changes (a decided visa, a
done assignment, a signed round), so ``services.rollup_advance`` (run by the
sweep) works it out once and keeps it here; a report then adds the facts up in
one grouped query and computes only the items finished since (the *live* part)
as before. The split is at each part's ``RollupState.watermark``: an item
finished before it is a fact, any other item is live, so the sum is exactly the
direct computation. Facts are dropped and built again when the calendar or an
organization's time zone changes (``RollupState.stamp``).
"""

from __future__ import annotations

from django.db import models


class RollupState(models.Model):
    """How far the facts of one part reach: items finished before ``watermark`` are facts."""

    part = models.CharField(max_length=20, primary_key=True)
    watermark = models.DateTimeField(null=True, blank=True)
    stamp = models.CharField(max_length=64)
    """The calendar's revisions and the organizations' time zones the facts were made with."""
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.part}: {self.watermark}"


class DisciplineFact(models.Model):
    """A decided visa or a done assignment as the discipline report counts it."""

    kind = models.CharField(max_length=12)
    item_id = models.BigIntegerField()
    due_at = models.DateTimeField()
    person = models.ForeignKey(
        "orgs.Employee", on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    organization_id = models.BigIntegerField()
    doc_type_id = models.BigIntegerField()
    on_time = models.BooleanField()
    late = models.BooleanField()
    days_late = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "item_id"], name="discipline_fact_unique")
        ]
        indexes = [models.Index(fields=["kind", "due_at"], name="discipline_fact_due_idx")]

    def __str__(self) -> str:
        return f"{self.kind} {self.item_id}"


class ApprovalFact(models.Model):
    """One part of a signed document's approval time: the document's whole time, a stage
    pass, the author's rework, or a decided visa (for the bottleneck's people)."""

    class Part(models.TextChoices):
        DOCUMENT = "doc"
        STAGE = "stage"
        REWORK = "rework"
        VISA = "visa"

    part = models.CharField(max_length=6, choices=Part.choices)
    source_id = models.BigIntegerField()
    """The document (document, rework), the stage or the visa."""
    finished_at = models.DateTimeField()
    """When the document's signed round ended (the report's period is on it)."""
    month = models.DateField()
    """The first day of that moment's month in the region's time zone."""
    organization_id = models.BigIntegerField()
    doc_type_id = models.BigIntegerField()
    name = models.CharField(max_length=200, blank=True)
    is_signing = models.BooleanField(default=False)
    normative = models.IntegerField(default=0)
    tenths = models.IntegerField(default=0)
    """The duration in working days, rounded once to one decimal, times ten."""
    elapsed = models.FloatField(default=0.0)
    """A visa's working days, not rounded (people's times are summed before rounding)."""
    late = models.BooleanField(default=False)
    approver_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["part", "source_id"], name="approval_fact_unique")
        ]
        indexes = [models.Index(fields=["part", "finished_at"], name="approval_fact_period_idx")]

    def __str__(self) -> str:
        return f"{self.part} {self.source_id}"


class ApprovalMonth(models.Model):
    """The region's approval facts of one month (region time) added up: what a region-wide
    report reads for the whole months of its period (a hundred times fewer rows), the
    facts themselves for the months it cuts. Rebuilt from the facts by the sweep in the
    transaction that adds them."""

    month = models.DateField()
    part = models.CharField(max_length=6, choices=ApprovalFact.Part.choices)
    doc_type_id = models.BigIntegerField()
    name = models.CharField(max_length=200, blank=True)
    is_signing = models.BooleanField(default=False)
    normative = models.IntegerField(default=0)
    tenths = models.IntegerField(default=0)
    approver_id = models.BigIntegerField(null=True, blank=True)
    n = models.IntegerField()
    elapsed = models.FloatField(default=0.0)
    late = models.IntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["month", "part"], name="approval_month_idx")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.part}"


class RegisteredDay(models.Model):
    """Documents an organization registered on one day (region time) before the watermark:
    the coverage report's counts without reading millions of documents."""

    day = models.DateField()
    organization_id = models.BigIntegerField()
    n = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "organization_id"], name="registered_day_unique")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.organization_id}: {self.n}"


class DisciplineMonth(models.Model):
    """The discipline facts of one month of due times (region time) added up per person,
    organization and document type: what a report reads for the whole months of its
    period. Rebuilt from the facts by the sweep in the transaction that adds them."""

    kind = models.CharField(max_length=12)
    month = models.DateField()
    person = models.ForeignKey(
        "orgs.Employee", on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    organization_id = models.BigIntegerField()
    doc_type_id = models.BigIntegerField()
    due = models.IntegerField()
    on_time = models.IntegerField()
    late = models.IntegerField()
    days_late = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["kind", "month"], name="discipline_month_idx")]

    def __str__(self) -> str:
        return f"{self.kind} {self.month:%Y-%m}"
