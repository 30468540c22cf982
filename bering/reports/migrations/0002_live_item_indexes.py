"""Indexes for the live part of region-wide reports (decision 0009, issue 14).

A report adds up the sweep's facts and reads only the items that are not final
(or became final after the watermark): the open visas and assignments by a
partial index on their due time, the recently decided or done by their moment.
They are created here, not on the models, because only the reports read by them;
``IF NOT EXISTS`` keeps a re-run harmless. Plain SQL that SQLite and PostgreSQL share.
"""

from django.db import migrations

INDEXES = [
    (
        "reports_visa_open_idx",
        "approvals_visa (due_at) WHERE status IN ('waiting', 'pending')",
    ),
    ("reports_visa_decided_idx", "approvals_visa (decided_at)"),
    (
        "reports_assignment_open_idx",
        "assignments_assignment (due_at) WHERE status IN ('in_progress', 'reported')",
    ),
    ("reports_assignment_done_idx", "assignments_assignment (done_at)"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_rollup_facts"),
        ("approvals", "0006_signing_without_approval_removal"),
        ("assignments", "0003_report_submitted_by"),
    ]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS {name} ON {target}",
            f"DROP INDEX IF EXISTS {name}",
        )
        for name, target in INDEXES
    ]
