"""The calendar cache lives per process: start and end every test with a clean one."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bering.deadlines import cache


@pytest.fixture(autouse=True)
def _fresh_calendar_cache() -> Iterator[None]:
    cache.invalidate()
    yield
    cache.invalidate()
