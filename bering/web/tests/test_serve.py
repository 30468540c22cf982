"""Two Bering instances on one host keep their own gunicorn control sockets.

gunicorn's default control socket is one path per user: a second instance took
it over, and stopping it removed the first instance's socket.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start(data_dir: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "BERING_DATA_DIR": str(data_dir),
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    return subprocess.Popen(
        [str(ROOT / "scripts" / "gunicorn.sh"), "127.0.0.1", str(_free_port())],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def _wait_for(path: Path, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.2)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def test_each_instance_has_its_own_control_socket(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    a = _start(first)
    b = None
    try:
        _wait_for(first / "gunicorn.ctl")
        b = _start(second)
        _wait_for(second / "gunicorn.ctl")
        _stop(b)
        assert a.poll() is None, "the first instance died with the second"
        assert (first / "gunicorn.ctl").exists(), "stopping the second removed the first's socket"
    finally:
        _stop(a)
        if b is not None:
            _stop(b)
