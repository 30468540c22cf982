"""The server's start: the Russian morphology loaded and what was made frozen out of the
garbage collector's walks (a full collection over it paused a search for 40-70 ms)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PROBE = """
import gc, config.wsgi
from bering.search import text
print(gc.get_freeze_count(), text._morph.cache_info().currsize)
"""


def test_the_wsgi_module_loads_the_morphology_and_freezes_what_it_made() -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
    out = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    frozen, analyzers = int(out[0]), int(out[1])
    assert analyzers == 1
    assert frozen > 50_000  # Django, the URL map, the analyzer: ~90 000 objects
