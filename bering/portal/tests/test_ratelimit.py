"""Rate limits of the public side: counted in the database, so they hold across
worker processes; a refusal is a 429 with Retry-After and a message in Russian."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import translation

from bering.appeals import ratelimit
from bering.appeals.models import Appeal, RateBucket
from bering.portal.tests.pages_helpers import make_citizen, signed_in

ROOT = Path(__file__).resolve().parents[3]

WORKER = """
import os, sys, time
import django
django.setup()
from bering.appeals import ratelimit
start_at = float(os.environ["START_AT"])
while time.time() < start_at:
    time.sleep(0.005)
accepted = 0
for _ in range(int(os.environ["TRIES"])):
    try:
        ratelimit.hit("appeal_address", "198.51.100.23")
    except ratelimit.RateLimited:
        pass
    else:
        accepted += 1
print(accepted)
"""


def _database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_the_limit_holds_exactly_across_two_processes():
    limit, tries = 25, 40
    assert connection.vendor != "sqlite" or connection.settings_dict["NAME"] not in ("", ":memory:")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": _database_url(),
        "BERING_APPEALS_PER_ADDRESS_PER_DAY": str(limit),
        "START_AT": str(time.time() + 4),
        "TRIES": str(tries),
    }
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    results = []
    for worker in workers:
        out, err = worker.communicate(timeout=180)
        assert worker.returncode == 0, err
        results.append(int(out.strip().splitlines()[-1]))
    assert sum(results) == limit, results
    assert all(r > 0 for r in results) or max(results) == limit
    counted = sum(RateBucket.objects.values_list("count", flat=True))
    assert counted == 2 * tries


def test_too_many_appeals_answer_429_with_retry_after(settings, health):
    settings.BERING_RATE_LIMITS = {**settings.BERING_RATE_LIMITS, "appeal_account": (1, 86400)}
    galina = make_citizen()
    client = signed_in(galina)
    data = {"organization": str(health.pk), "text": "Прошу.", "consent": "on", "action": "send"}
    assert client.post(reverse("portal:write"), data).status_code == 302
    response = client.post(reverse("portal:write"), data)
    assert response.status_code == 429
    retry_after = int(response["Retry-After"])
    assert 1 <= retry_after <= 86400
    with translation.override("ru"):
        message = str(ratelimit.RateLimited(retry_after=retry_after).message)
    assert message in response.content.decode()
    assert "Прошу." in response.content.decode()  # the form is kept
    assert Appeal.objects.count() == 1


def test_appeals_are_limited_per_address_too(settings, health):
    settings.BERING_RATE_LIMITS = {**settings.BERING_RATE_LIMITS, "appeal_address": (1, 86400)}
    data = {"organization": str(health.pk), "text": "Прошу.", "consent": "on", "action": "send"}
    first = signed_in(make_citizen(), REMOTE_ADDR="192.0.2.5")
    second = signed_in(make_citizen("Петров", "Пётр", "petr@yandex.ru"), REMOTE_ADDR="192.0.2.5")
    assert first.post(reverse("portal:write"), data).status_code == 302
    assert second.post(reverse("portal:write"), data).status_code == 429
    assert Appeal.objects.count() == 1
