"""Fixtures of the files tests."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator

import pytest


@pytest.fixture
def soffice(monkeypatch) -> Iterator[str]:
    """LibreOffice, with this test's conversions in a temporary folder of their own,
    so the stray-process checks see only this test's processes (two test workers
    convert at the same time)."""
    found = shutil.which("soffice")
    if found is None:
        pytest.fail("LibreOffice is not installed: run scripts/bootstrap.sh (it installs it)")
    own = tempfile.mkdtemp(prefix="bof-", dir="/tmp")  # short: LibreOffice makes pipes in it
    monkeypatch.setattr(tempfile, "tempdir", own)
    yield found
    shutil.rmtree(own, ignore_errors=True)
