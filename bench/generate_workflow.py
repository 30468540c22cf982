"""Approval rounds, visas and assignments for the bench region: now made by bench/generate.py.

``bench/generate.py`` makes each document's work with it (rounds, visas, the
signature, resolutions, assignments, reports and their audit events), coherent
with the document's dates and numbers. This script is kept so that callers
(``bench/run_reports.py``) go on working: it prints what the database holds and
adds nothing (adding rounds would break the generated history).

    BERING_DATA_DIR=/tmp/bench .venv/bin/python bench/generate_workflow.py
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from bering.approvals.models import ApprovalRun, Visa  # noqa: E402
from bering.assignments.models import Assignment, Resolution  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--approvals", type=int, default=0, help="ignored: see bench/generate.py")
    parser.add_argument("--assignments", type=int, default=0, help="ignored: see bench/generate.py")
    parser.parse_args()
    print(
        f"workflow made by bench/generate.py: {ApprovalRun.objects.count()} rounds, "
        f"{Visa.objects.count()} visas, {Resolution.objects.count()} resolutions, "
        f"{Assignment.objects.count()} assignments"
    )


if __name__ == "__main__":
    main()
