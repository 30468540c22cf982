"""`manage.py check --deploy` is clean under production settings (QUALITY.md item 13)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

PRODUCTION = {
    "BERING_DEBUG": "0",
    "BERING_SECRET_KEY": "k" * 20 + "-production-secret-" + "9f8e7d6c5b4a" * 4,
    "BERING_ALLOWED_HOSTS": "sed.kamgov.example",
    "BERING_SSL_REDIRECT": "1",
    "BERING_SECURE_COOKIES": "1",
    "BERING_HSTS_SECONDS": "31536000",
    "BERING_BEHIND_TLS_PROXY": "1",
}


def test_check_deploy_is_clean(tmp_path):
    env = {**os.environ, **PRODUCTION, "BERING_DATA_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests in this process
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
