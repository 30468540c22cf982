"""Helpers of the scale stories: the servers scripts/test_scale.sh started, reached over HTTP.

Nothing here touches the database or the storage in this process: the web servers, the
workers and ``manage.py`` in subprocesses do, with the environment the script exported.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import requests

BASE_URL = os.environ.get("SCALE_BASE_URL", "")
PASSWORD = os.environ.get("BERING_DEMO_PASSWORD", "bering-demo-2026")
ROOT = Path(__file__).resolve().parents[2]

# Outside the script there are no servers to drive: every story is skipped.
needs_servers = pytest.mark.skipif(
    not BASE_URL,
    reason="the scale stories run against real servers: make test-scale (scripts/test_scale.sh)",
)


class Api:
    """A bearer-token client of one demo login, every request on a new connection, so the
    kernel spreads them over both gunicorn masters."""

    def __init__(self, username: str) -> None:
        self.username = username
        response = requests.post(
            f"{BASE_URL}/api/v1/auth/token",
            json={"username": username, "password": PASSWORD, "name": "scale test"},
            timeout=30,
        )
        assert response.status_code in (200, 201), response.text
        self.headers = {
            "Authorization": f"Bearer {response.json()['token']}",
            "Connection": "close",
        }
        me = self.get("/api/v1/me").json()
        self.post_id: int = me["posts"][0]["id"]

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        headers = {**self.headers, **kwargs.pop("headers", {})}
        return requests.request(method, f"{BASE_URL}{path}", headers=headers, timeout=60, **kwargs)

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("POST", path, **kwargs)


def bucket_keys(s3: Any, bucket: str) -> set[str]:
    keys: set[str] = set()
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        keys.update(item["Key"] for item in page.get("Contents", []))
    return keys


def manage(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``manage.py`` with the script's environment (``env`` on top); output kept for asserts."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def wait_for(what: str, check: Callable[[], Any], *, seconds: float = 90) -> Any:
    """Poll ``check`` until it returns something true; fail naming ``what``."""
    deadline = time.monotonic() + seconds
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            pytest.fail(f"not within {seconds:.0f} s: {what}")
        time.sleep(0.5)
