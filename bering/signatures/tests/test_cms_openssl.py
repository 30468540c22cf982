"""Cross-checks with an independent implementation: OpenSSL with the gost engine.

OpenSSL makes a GOST CA, a signer's certificate, a CRL and detached signatures, and
``verify_detached`` must accept them (and refuse them for other bytes or once revoked);
``testpki`` makes a chain, CRLs and signatures, and ``openssl cms -verify`` must accept
them. This proves the byte orders of keys, signatures and digests, which are where GOST
implementations disagree, and that the test PKI the other tests rely on is right.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from bering.signatures import gost, testpki
from bering.signatures.cms import Failure, verify_detached
from bering.signatures.trust import TrustStore

CONTENT = "Служебная записка о командировке, 3 листа".encode()
INSTALL = (
    "OpenSSL's GOST engine is missing: install libengine-gost-openssl "
    "(scripts/bootstrap.sh --test does) to run the GOST cross-checks."
)
CONFIG = """\
[ ca ]
default_ca = CA_default
[ CA_default ]
database = index.txt
crlnumber = crlnumber
default_md = {md}
default_crl_days = 30
[ v3_ca ]
basicConstraints = critical,CA:true
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[ v3_leaf ]
basicConstraints = critical,CA:false
keyUsage = critical,digitalSignature,nonRepudiation
extendedKeyUsage = clientAuth,emailProtection
"""


def openssl(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        ["openssl", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, f"openssl {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def engine() -> None:
    try:
        done = subprocess.run(
            ["openssl", "engine", "gost", "-t"],
            capture_output=True,
            text=True,
            check=False,
        )
    except FileNotFoundError:
        pytest.fail(INSTALL)
    if done.returncode != 0 or "available" not in done.stdout:
        pytest.fail(f"{INSTALL}\n{done.stdout}{done.stderr}")


@dataclass(frozen=True)
class OpenSslPki:
    folder: Path
    bits: int

    def read(self, name: str) -> bytes:
        return (self.folder / name).read_bytes()

    @property
    def md(self) -> str:
        return f"md_gost12_{self.bits}"


@pytest.fixture(scope="module", params=[256, 512], ids=["gost256", "gost512"])
def made_by_openssl(request, engine: None, tmp_path_factory) -> OpenSslPki:  # type: ignore[no-untyped-def]
    """A CA, a signer, a CRL and a detached CAdES-BES signature of CONTENT (with
    signingCertificateV2, as CryptoPro makes them), all by OpenSSL."""
    bits = request.param
    folder = tmp_path_factory.mktemp(f"openssl{bits}")
    made = OpenSslPki(folder, bits)
    (folder / "ca.cnf").write_text(CONFIG.format(md=made.md))
    (folder / "index.txt").write_text("")
    (folder / "crlnumber").write_text("01\n")
    (folder / "content.txt").write_bytes(CONTENT)
    key = ["-newkey", f"gost2012_{bits}", "-pkeyopt", "paramset:A", "-nodes"]
    common = ["-engine", "gost", "-config", "ca.cnf", "-utf8"]
    openssl(
        "req", *common, "-x509", *key, "-keyout", "ca.key", "-out", "ca.pem",
        "-subj", "/CN=УЦ OpenSSL/O=Проверка/OGRN=1234567890123/INN=004101234567",
        "-days", "30", "-extensions", "v3_ca",
        f"-{made.md}", cwd=folder,
    )  # fmt: skip
    openssl(
        "req", *common, "-new", *key, "-keyout", "signer.key", "-out", "signer.csr",
        "-subj", "/CN=Петров П.П./SN=Петров/GN=Пётр Петрович/SNILS=12345678901"
        "/O=Министерство финансов/title=Заместитель министра", cwd=folder,
    )  # fmt: skip
    openssl(
        "x509", "-engine", "gost", "-req", "-in", "signer.csr", "-CA", "ca.pem",
        "-CAkey", "ca.key", "-CAcreateserial", "-out", "signer.pem", "-days", "10",
        "-extfile", "ca.cnf", "-extensions", "v3_leaf", f"-{made.md}", cwd=folder,
    )  # fmt: skip
    openssl(
        "ca", "-engine", "gost", "-gencrl", "-config", "ca.cnf", "-keyfile", "ca.key",
        "-cert", "ca.pem", "-out", "crl.pem", cwd=folder,
    )  # fmt: skip
    openssl(
        "cms", "-engine", "gost", "-sign", "-cades", "-binary", "-in", "content.txt",
        "-signer", "signer.pem", "-inkey", "signer.key", "-md", made.md,
        "-outform", "DER", "-out", "content.p7s", cwd=folder,
    )  # fmt: skip
    return made


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def test_an_openssl_gost_signature_verifies(made_by_openssl: OpenSslPki) -> None:
    made = made_by_openssl
    trust = TrustStore.load(roots=[made.read("ca.pem")], crls=[made.read("crl.pem")])

    result = verify_detached(made.read("content.p7s"), CONTENT, trust=trust, at=now())

    assert result.failure is None, result.message
    info = result.certificate
    assert info is not None
    assert info.owner == "Петров Пётр Петрович"  # SN + G win over CN
    assert info.organization == "Министерство финансов"
    assert info.title == "Заместитель министра"
    assert info.issuer == "УЦ OpenSSL"
    assert info.algorithm == f"ГОСТ Р 34.10-2012 ({made.bits} бит)"
    serial = openssl("x509", "-in", "signer.pem", "-noout", "-serial", cwd=made.folder).stdout
    assert serial.strip() == f"serial={info.serial}"
    fingerprint = openssl(
        "x509", "-in", "signer.pem", "-noout", "-fingerprint", "-sha1", cwd=made.folder
    ).stdout
    assert fingerprint.split("=", 1)[1].strip().replace(":", "").lower() == info.thumbprint
    assert result.signed_at is not None and abs(result.signed_at - now()) < dt.timedelta(hours=1)


def test_an_openssl_gost_signature_of_other_bytes_is_a_mismatch(
    made_by_openssl: OpenSslPki,
) -> None:
    made = made_by_openssl
    trust = TrustStore.load(roots=[made.read("ca.pem")], crls=[made.read("crl.pem")])

    result = verify_detached(made.read("content.p7s"), CONTENT + b" ", trust=trust, at=now())

    assert result.failure is Failure.CONTENT_MISMATCH


def test_an_openssl_revocation_is_seen(made_by_openssl: OpenSslPki) -> None:
    made = made_by_openssl
    folder = made.folder
    openssl(
        "ca", "-engine", "gost", "-config", "ca.cnf", "-keyfile", "ca.key", "-cert", "ca.pem",
        "-revoke", "signer.pem", cwd=folder,
    )  # fmt: skip
    openssl(
        "ca", "-engine", "gost", "-gencrl", "-config", "ca.cnf", "-keyfile", "ca.key",
        "-cert", "ca.pem", "-out", "revoked.pem", cwd=folder,
    )  # fmt: skip
    trust = TrustStore.load(roots=[made.read("ca.pem")], crls=[made.read("revoked.pem")])

    result = verify_detached(
        made.read("content.p7s"), CONTENT, trust=trust, at=now() + dt.timedelta(minutes=1)
    )

    assert result.failure is Failure.REVOKED


@pytest.mark.parametrize("algorithm", ["gost256", "gost512"])
def test_openssl_verifies_a_testpki_signature_chain_and_crls(
    algorithm: str, engine: None, tmp_path: Path
) -> None:
    root = testpki.make_ca("Корневой УЦ", algorithm="gost256")
    intermediate = testpki.make_ca("Промежуточный УЦ", algorithm="gost512", ca=root)
    signer = testpki.make_cert(intermediate, algorithm=algorithm)
    signature = testpki.sign_detached(CONTENT, signer, signing_time=now(), chain=[intermediate])
    crls = _pem_crl(testpki.make_crl(root)) + _pem_crl(testpki.make_crl(intermediate))
    (tmp_path / "trusted.pem").write_bytes(root.pem + crls)  # `cms` takes CRLs from here
    (tmp_path / "content.txt").write_bytes(CONTENT)
    (tmp_path / "other.txt").write_bytes(CONTENT + b"!")
    (tmp_path / "content.p7s").write_bytes(signature)
    verify = [
        "cms", "-engine", "gost", "-verify", "-binary", "-inform", "DER", "-in", "content.p7s",
        "-CAfile", "trusted.pem", "-crl_check_all", "-out", "/dev/null",
    ]  # fmt: skip

    done = openssl(*verify, "-content", "content.txt", cwd=tmp_path)

    assert "Verification successful" in done.stderr
    refused = subprocess.run(
        ["openssl", *verify, "-content", "other.txt"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert refused.returncode != 0, "OpenSSL must refuse the signature for other bytes"
    # And our own verdict on the same files agrees.
    trust = TrustStore.load(roots=[root.certificate], crls=[crls])
    assert verify_detached(signature, CONTENT, trust=trust, at=now()).ok


def _pem_crl(der: bytes) -> bytes:
    from asn1crypto import pem

    return bytes(pem.armor("X509 CRL", der))


# ГОСТ Р 34.11-2012, appendix A, example 1. The standard writes the message and the hash
# as numbers, most significant byte first; the bytes hashed and produced are the reverse.
M1 = b"012345678901234567890123456789012345678901234567890123456789012"
H256_M1 = "00557be5e584fd52a449b16b0251d05d27f94ab76cbaa6da890b59d8ef1e159d"
H512_M1 = (
    "486f64c1917879417fef082b3381a4e211c324f074654c38823a7b76f830ad00"
    "fa1fbae42b1285c0352f227524bc9ab16254288dd6863dccd5b9f54a1ad0541b"
)


def test_streebog_is_openssls_and_agrees_with_the_standard_and_gostcrypto(engine: None) -> None:
    assert gost.openssl_streebog(), INSTALL  # else documents take a minute per megabyte

    for digest in (gost.streebog, gost.pure_streebog):
        assert digest("streebog256", M1)[::-1].hex() == H256_M1
        assert digest("streebog512", M1)[::-1].hex() == H512_M1
    for size in (0, 1, 63, 64, 65, 127, 128, 129, 4097):
        data = bytes((index * 7 + size) % 256 for index in range(size))
        for name in ("streebog256", "streebog512"):
            assert gost.streebog(name, data) == gost.pure_streebog(name, data), (name, size)


@pytest.mark.parametrize(
    ("bits", "paramset"),
    [(256, name) for name in ("B", "C", "XA", "XB", "TCA", "TCB", "TCC", "TCD")]
    + [(512, name) for name in ("B", "C")],
)
def test_every_gost_parameter_set_verifies(
    bits: int, paramset: str, engine: None, tmp_path: Path
) -> None:
    """CryptoPro A–C, Xch A–B and TC26 A–D (256 bits), TC26 B–C (512; A is above): the
    curves, twisted Edwards ones included, and their OIDs. A self-signed signer as root."""
    (tmp_path / "content.txt").write_bytes(CONTENT)
    openssl(
        "req", "-engine", "gost", "-x509", "-newkey", f"gost2012_{bits}",
        "-pkeyopt", f"paramset:{paramset}", "-nodes", "-keyout", "key.pem", "-out", "cert.pem",
        "-subj", "/CN=Подписант", "-utf8", "-days", "2", f"-md_gost12_{bits}", cwd=tmp_path,
    )  # fmt: skip
    openssl(
        "cms", "-engine", "gost", "-sign", "-binary", "-in", "content.txt",
        "-signer", "cert.pem", "-inkey", "key.pem", "-md", f"md_gost12_{bits}",
        "-outform", "DER", "-out", "content.p7s", cwd=tmp_path,
    )  # fmt: skip
    trust = TrustStore.load(roots=[(tmp_path / "cert.pem").read_bytes()])
    signature = (tmp_path / "content.p7s").read_bytes()

    result = verify_detached(signature, CONTENT, trust=trust, at=now())

    assert result.failure is None, result.message
    assert result.certificate is not None
    assert result.certificate.algorithm == f"ГОСТ Р 34.10-2012 ({bits} бит)"
    other = verify_detached(signature, CONTENT[:-1], trust=trust, at=now())
    assert other.failure is Failure.CONTENT_MISMATCH
