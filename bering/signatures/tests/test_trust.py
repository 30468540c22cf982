"""The trust store: roots, intermediates and CRLs from bytes or from the configured files."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from asn1crypto import pem

from bering.signatures import testpki
from bering.signatures.cms import Failure, verify_detached
from bering.signatures.trust import TrustStore

CONTENT = b"%PDF-1.7 test"


@pytest.fixture(scope="module")
def pki() -> tuple[testpki.Issued, testpki.Issued, testpki.Issued]:
    root = testpki.make_ca("Корневой УЦ", algorithm="ecdsa")
    other = testpki.make_ca("Другой УЦ", algorithm="rsa")
    signer = testpki.make_cert(root, algorithm="ecdsa")
    return root, other, signer


def test_load_takes_pem_bundles_and_der(pki) -> None:
    root, other, _ = pki
    crl = testpki.make_crl(root)

    store = TrustStore.load(
        roots=[root.pem + b"\n" + other.pem],
        crls=[crl, pem.armor("X509 CRL", testpki.make_crl(other))],
        intermediates=[other.certificate],
    )

    assert [cert.dump() for cert in store.roots] == [root.certificate, other.certificate]
    assert [cert.dump() for cert in store.intermediates] == [other.certificate]
    assert len(store.crls) == 2 and store.crls[0].dump() == crl


def test_load_refuses_what_is_not_a_certificate() -> None:
    with pytest.raises(ValueError, match=r"not an X\.509 certificate"):
        TrustStore.load(roots=[b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"])
    with pytest.raises(ValueError, match="not a certificate revocation list"):
        TrustStore.load(roots=[], crls=[b"\x30\x03\x02\x01\x01"])


def test_from_settings_reads_files_and_folders_and_sees_changes(
    pki, settings, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    root, _other, signer = pki
    roots = tmp_path / "roots"
    roots.mkdir()
    (roots / "root.cer").write_bytes(root.certificate)
    (roots / "readme.txt").write_text("not a certificate, and not read: wrong suffix")
    (roots / "broken.pem").write_text(
        "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"
    )
    crl_file = tmp_path / "root.crl"
    crl_file.write_bytes(testpki.make_crl(root))
    settings.BERING_SIGNATURE_TRUST_ROOTS = [str(roots), str(tmp_path / "missing.pem")]
    settings.BERING_SIGNATURE_INTERMEDIATES = []
    settings.BERING_SIGNATURE_CRLS = [str(crl_file)]
    signature = testpki.sign_detached(CONTENT, signer)
    now = dt.datetime.now(dt.UTC)

    store = TrustStore.from_settings()

    assert [cert.dump() for cert in store.roots] == [root.certificate]
    assert "broken.pem" in caplog.text and "missing.pem" in caplog.text
    assert TrustStore.from_settings() is store  # nothing changed: the same parsed store
    assert verify_detached(signature, CONTENT, trust=store, at=now).ok

    revoked = testpki.make_crl(root, revoked=[(signer.serial, now - dt.timedelta(hours=1))])
    crl_file.write_bytes(revoked)
    later = os.stat(crl_file).st_mtime_ns + 1_000_000_000
    os.utime(crl_file, ns=(later, later))

    fresh = TrustStore.from_settings()

    assert fresh is not store
    assert verify_detached(signature, CONTENT, trust=fresh, at=now).failure is Failure.REVOKED
