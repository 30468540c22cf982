"""The loopback push service for the Web Push tests (``push_service.py``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from bering.notifications.tests.push_service import PushService


@pytest.fixture
def push_service(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[PushService]:
    """A push service on 127.0.0.1, and the setting that lets the server reach it (straight,
    not through a proxy that the environment may name)."""
    settings.BERING_PUSH_ALLOW_HTTP = True
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.setenv(name, "127.0.0.1,localhost")
    with PushService() as service:
        yield service
