"""The certificates and revocation lists the server trusts when checking a signature.

Configured by three settings, each a list of files or directories:
``BERING_SIGNATURE_TRUST_ROOTS`` (root CAs: for qualified signatures, the root of the
Ministry of Digital Development and the accredited CAs' roots),
``BERING_SIGNATURE_INTERMEDIATES`` (CA certificates between a root and the signers, when
the signatures do not carry them) and ``BERING_SIGNATURE_CRLS`` (the CAs' revocation
lists, kept fresh by whoever runs the server: a cron job that downloads them).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar, cast

from asn1crypto import crl, pem, x509  # type: ignore[import-untyped]
from django.conf import settings

log = logging.getLogger(__name__)

T = TypeVar("T")
MEMO_SIZE = 10_000
CERTIFICATE_SUFFIXES = {".cer", ".crt", ".pem", ".der"}
CRL_SUFFIXES = {".crl", ".pem", ".der"}


def _blocks(data: bytes) -> list[bytes]:
    """The DER blocks of a PEM file (any number of blocks) or the DER itself."""
    if pem.detect(data):
        return [der for _kind, _headers, der in pem.unarmor(data, multiple=True)]
    return [data]


def check_certificate(cert: Any) -> None:
    """Parse every part of a certificate the checks read, so a malformed one fails now.

    Not ``cert.native``: asn1crypto cannot parse GOST public keys (``pki`` reads them).
    """
    for name in ("subject", "issuer", "serial_number", "not_valid_before", "not_valid_after"):
        getattr(cert, name)
    cert.subject.native  # noqa: B018
    cert.issuer.native  # noqa: B018
    for extension in cert["tbs_certificate"]["extensions"]:
        extension["extn_value"].parsed  # noqa: B018
    cert.key_usage_value  # noqa: B018
    cert.basic_constraints_value  # noqa: B018
    cert.extended_key_usage_value  # noqa: B018
    cert["signature_algorithm"].native  # noqa: B018
    cert["signature_value"].native  # noqa: B018
    cert["tbs_certificate"]["subject_public_key_info"].dump()


def parse_certificates(data: bytes) -> list[Any]:
    """asn1crypto certificates from PEM or DER bytes; ``ValueError`` when malformed."""
    found = []
    for der in _blocks(data):
        try:
            cert = x509.Certificate.load(der)
            check_certificate(cert)
        except Exception as exc:  # asn1crypto raises many kinds on malformed input
            raise ValueError("not an X.509 certificate") from exc
        found.append(cert)
    return found


def parse_crls(data: bytes) -> list[Any]:
    found = []
    for der in _blocks(data):
        try:
            item = crl.CertificateList.load(der)
            item["tbs_cert_list"].native  # noqa: B018
        except Exception as exc:
            raise ValueError("not a certificate revocation list") from exc
        found.append(item)
    return found


@dataclass(frozen=True)
class TrustStore:
    """Trusted roots, known intermediate CAs and the CAs' CRLs (asn1crypto objects)."""

    roots: tuple[Any, ...]
    intermediates: tuple[Any, ...] = ()
    crls: tuple[Any, ...] = ()
    _memo: dict[Any, Any] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False
    )

    def remember(self, key: Any, compute: Callable[[], T]) -> T:
        """``compute()``, once per key for the life of this store: the results that depend
        only on its files and the certificates (a CRL's signature, a link of a chain), not
        on the time. The store is rebuilt when a file changes, which forgets them."""
        try:
            return cast(T, self._memo[key])
        except KeyError:
            pass
        value = compute()
        if len(self._memo) >= MEMO_SIZE:
            self._memo.clear()
        self._memo[key] = value
        return value

    def revocations(self, item: Any) -> dict[int, dt.datetime]:
        """A CRL of this store as serial -> revocation date, read once (a CA's list may
        hold a hundred thousand entries)."""

        def read() -> dict[int, dt.datetime]:
            revoked: dict[int, dt.datetime] = {}
            for entry in item["tbs_cert_list"]["revoked_certificates"]:
                reason = entry.crl_reason_value
                if reason is not None and reason.native == "remove_from_crl":
                    continue  # a delta CRL's "no longer on hold"
                serial = int(entry["user_certificate"].native)
                when = entry["revocation_date"].native
                revoked[serial] = min(when, revoked.get(serial, when))
            return revoked

        return self.remember(("revocations", id(item)), read)

    @classmethod
    def load(
        cls,
        *,
        roots: Iterable[bytes],
        crls: Iterable[bytes] = (),
        intermediates: Iterable[bytes] = (),
    ) -> TrustStore:
        """From the bytes of certificates and CRLs, each PEM (one or more blocks) or DER."""
        return cls(
            roots=tuple(cert for data in roots for cert in parse_certificates(data)),
            intermediates=tuple(
                cert for data in intermediates for cert in parse_certificates(data)
            ),
            crls=tuple(item for data in crls for item in parse_crls(data)),
        )

    @classmethod
    def from_settings(cls) -> TrustStore:
        """The store the settings name; read again when a file changes, appears or goes."""
        roots = _files(settings.BERING_SIGNATURE_TRUST_ROOTS, CERTIFICATE_SUFFIXES)
        intermediates = _files(settings.BERING_SIGNATURE_INTERMEDIATES, CERTIFICATE_SUFFIXES)
        crls = _files(settings.BERING_SIGNATURE_CRLS, CRL_SUFFIXES)
        key = (_stamp(roots), _stamp(intermediates), _stamp(crls))
        with _lock:
            cached = _cache.get("store")
            if cached is not None and cached[0] == key:
                return cached[1]
        store = cls(
            roots=tuple(_read(roots, parse_certificates)),
            intermediates=tuple(_read(intermediates, parse_certificates)),
            crls=tuple(_read(crls, parse_crls)),
        )
        with _lock:
            _cache["store"] = (key, store)
        return store


_lock = threading.Lock()
_cache: dict[str, tuple[Any, TrustStore]] = {}


def _files(paths: Sequence[str], suffixes: set[str]) -> list[Path]:
    found: list[Path] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            found.extend(
                sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in suffixes)
            )
        elif path.is_file():
            found.append(path)
        else:
            log.warning("Signature trust file %s does not exist", path)
    return found


def _stamp(paths: Sequence[Path]) -> tuple[tuple[str, int, int], ...]:
    stamps = []
    for path in paths:
        try:
            stat = path.stat()
        except OSError:
            continue
        stamps.append((str(path), stat.st_mtime_ns, stat.st_size))
    return tuple(stamps)


def _read(paths: Sequence[Path], parse: Any) -> list[Any]:
    """Parsed items of the files; a file that cannot be read or parsed is logged and
    skipped, so one bad download does not stop every other check."""
    items: list[Any] = []
    for path in paths:
        try:
            items.extend(parse(path.read_bytes()))
        except (OSError, ValueError):
            log.warning("Signature trust file %s cannot be read", path, exc_info=True)
    return items
