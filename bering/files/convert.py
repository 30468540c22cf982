"""A PDF copy of an office file for reading, made by LibreOffice headless.

Runs in the task worker only. Each conversion gets a fresh temporary directory as
its profile (``-env:UserInstallation``), home and output, so conversions never
share state and leave nothing behind. The process runs in its own process group
with a minimal environment, resource limits (address space, CPU seconds, output
file size, no core dumps) and, where the kernel allows it, in a network namespace
of its own (``unshare --net``), so a document linking to a remote image cannot make
the server fetch it. Past the time limit the whole group is killed.

The original bytes are only read; the PDF is a rendition (decision 0013).
"""

from __future__ import annotations

import contextlib
import functools
import os
import resource
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

MAX_PDF_BYTES = 200 * 1024 * 1024


class ConversionFailed(Exception):
    """The file could not be converted; ``reason`` says why in a line for the log and card."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Limits:
    timeout: float
    memory_bytes: int
    cpu_seconds: int
    soffice: str

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(
            timeout=float(settings.BERING_OFFICE_TIMEOUT),
            memory_bytes=int(settings.BERING_OFFICE_MEMORY_MB) * 1024 * 1024,
            cpu_seconds=int(settings.BERING_OFFICE_CPU_SECONDS),
            soffice=str(settings.BERING_OFFICE_SOFFICE),
        )


def _set_limits(limits: Limits) -> None:  # pragma: no cover - runs in the child
    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds))
    resource.setrlimit(resource.RLIMIT_FSIZE, (MAX_PDF_BYTES, MAX_PDF_BYTES))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


@functools.lru_cache(maxsize=1)
def _network_isolation() -> tuple[str, ...]:
    """``unshare`` into an empty network namespace if this kernel lets us, else nothing."""
    unshare = shutil.which("unshare")
    if not unshare:
        return ()
    for prefix in ((unshare, "--net"), (unshare, "--map-root-user", "--net")):
        try:
            done = subprocess.run(  # noqa: S603 - a fixed command
                [*prefix, "true"], capture_output=True, timeout=5, check=False, env={}
            )
        except (OSError, subprocess.SubprocessError):
            continue
        if done.returncode == 0:
            return prefix
    return ()


def to_pdf(data: bytes, *, extension: str, limits: Limits | None = None) -> bytes:
    """The PDF LibreOffice makes of ``data`` (a file ending in ``.extension``)."""
    limits = limits or Limits.from_settings()
    soffice = shutil.which(limits.soffice)
    if soffice is None:
        raise ConversionFailed(f"LibreOffice ({limits.soffice}) is not installed")
    with tempfile.TemporaryDirectory(prefix="bering-office-") as tmp:
        root = Path(tmp)
        source = root / f"document.{extension}"
        source.write_bytes(data)
        (root / "out").mkdir()
        command = [
            *_network_isolation(),
            soffice,
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--nodefault",
            "--nologo",
            f"-env:UserInstallation={(root / 'profile').as_uri()}",
            "--convert-to",
            "pdf",
            "--outdir",
            str(root / "out"),
            str(source),
        ]
        env = {
            "HOME": tmp,
            "TMPDIR": tmp,
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "LANG": "C.UTF-8",
            "SAL_USE_VCLPLUGIN": "svp",
            # Belt and braces where no namespace is available: any HTTP a component
            # tries goes to a closed local port.
            "http_proxy": "http://127.0.0.1:9",
            "https_proxy": "http://127.0.0.1:9",
            "no_proxy": "",
        }
        _run(command, env=env, cwd=tmp, limits=limits)
        result = root / "out" / "document.pdf"
        if not result.is_file() or result.stat().st_size == 0:
            raise ConversionFailed("LibreOffice made no PDF of this file")
        if result.stat().st_size > MAX_PDF_BYTES:
            raise ConversionFailed("the PDF copy is too large")
        return result.read_bytes()


def _run(command: list[str], *, env: dict[str, str], cwd: str, limits: Limits) -> None:
    started = time.monotonic()
    process = subprocess.Popen(  # noqa: S603 - a fixed command, the file is a temp path
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=env,
        cwd=cwd,
        start_new_session=True,
        preexec_fn=functools.partial(_set_limits, limits),
    )
    try:
        output, _ = process.communicate(timeout=limits.timeout)
    except subprocess.TimeoutExpired as exc:
        _kill_group(process)
        raise ConversionFailed(
            f"LibreOffice did not finish in {limits.timeout:g} s and was stopped"
        ) from exc
    finally:
        _kill_group(process)  # helpers LibreOffice left behind go with the group
    if process.returncode != 0:
        tail = output.decode("utf-8", "replace").strip().splitlines()[-1:] if output else []
        raise ConversionFailed(
            f"LibreOffice ended with code {process.returncode} after "
            f"{time.monotonic() - started:.1f} s" + (f": {tail[0][:200]}" if tail else "")
        )


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=10)
