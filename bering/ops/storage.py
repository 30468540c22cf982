"""The files half of a backup: bytes between Django's default storage and a folder.

Only ``default_storage.open``/``exists``/``save``/``delete`` are used, so local
disk and S3 behave the same. Bytes are streamed in chunks and hashed on the way.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.core.files import File
from django.core.files.storage import default_storage

from bering.ops.manifest import BackupError

CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Digest:
    sha256: str
    size: int


def _copy(source: IO[bytes], sink: IO[bytes] | None) -> Digest:
    digest, size = hashlib.sha256(), 0
    while chunk := source.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
        if sink is not None:
            sink.write(chunk)
    return Digest(digest.hexdigest(), size)


def stored_digest(name: str) -> Digest | None:
    """The SHA-256 and size of a file in storage; None if it is not there."""
    try:
        with default_storage.open(name, "rb") as fh:
            return _copy(fh, None)
    except FileNotFoundError:  # S3Storage raises it for a missing key too
        return None


def folder_digest(path: Path) -> Digest | None:
    if not path.is_file():
        return None
    with path.open("rb") as fh:
        return _copy(fh, None)


def copy_out(name: str, target: Path) -> Digest | None:
    """Copy a stored file into the backup folder; None if storage does not have it."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with default_storage.open(name, "rb") as source, target.open("xb") as sink:
            return _copy(source, sink)
    except FileNotFoundError:
        target.unlink(missing_ok=True)
        return None


def copy_in(name: str, source: Path, *, replace: bool) -> None:
    """Put the bytes back under exactly their old name."""
    if default_storage.exists(name):
        if not replace:
            raise BackupError(f"{name} is already in storage with other bytes.")
        default_storage.delete(name)
    with source.open("rb") as fh:
        saved = default_storage.save(name, File(fh, name=name))
    if saved != name:
        raise BackupError(f"Storage saved {name} as {saved}; restore it into an empty storage.")
