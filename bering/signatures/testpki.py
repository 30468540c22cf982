"""A certification authority for tests: roots, intermediates, signers' certificates, CRLs
and detached CMS signatures, with ГОСТ Р 34.10-2012 (256/512), RSA or ECDSA keys.

Pure Python and fast enough for test fixtures; the tests of ``cms`` cross-check these
builders against OpenSSL with the gost engine. Never used by application code.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from asn1crypto import algos, cms, core, crl, keys, x509  # type: ignore[import-untyped]
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

from bering.signatures import gost
from bering.signatures.pki import SubjectPublicKeyInfo

ALGORITHMS = ("gost256", "gost512", "rsa", "ecdsa")


@dataclass
class Issued:
    """A certificate (DER) and its private key (opaque to the tests)."""

    certificate: bytes
    key: object
    algorithm: str

    @property
    def parsed(self) -> Any:
        return x509.Certificate.load(self.certificate)

    @property
    def serial(self) -> int:
        return int(self.parsed.serial_number)

    @property
    def pem(self) -> bytes:
        from asn1crypto import pem

        return bytes(pem.armor("CERTIFICATE", self.certificate))


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _time(value: dt.datetime) -> Any:
    value = value.astimezone(dt.UTC).replace(microsecond=0)
    if value.year < 2050:
        return x509.Time({"utc_time": value})
    return x509.Time({"general_time": value})


def _cms_time(value: dt.datetime) -> Any:
    chosen = _time(value)
    return cms.Time({chosen.name: chosen.chosen.native})


def _der(tag: int, content: bytes) -> bytes:
    length = len(content)
    if length < 0x80:
        return bytes([tag, length]) + content
    size = (length.bit_length() + 7) // 8
    return bytes([tag, 0x80 | size]) + length.to_bytes(size, "big") + content


def _new_key(algorithm: str) -> tuple[object, bytes]:
    """A private key and the DER of its SubjectPublicKeyInfo."""
    if algorithm in ("gost256", "gost512"):
        bits = 256 if algorithm == "gost256" else 512
        if bits == 256:
            paramset, key_oid = gost.CRYPTOPRO_A, gost.KEY_256
            params = (
                core.ObjectIdentifier(paramset).dump()
                + core.ObjectIdentifier(gost.STREEBOG_256).dump()
            )
        else:
            paramset, key_oid = gost.TC26_512_A, gost.KEY_512
            params = core.ObjectIdentifier(paramset).dump()
        private, public = gost.generate(bits, paramset)
        algorithm_id = _der(0x30, core.ObjectIdentifier(key_oid).dump() + _der(0x30, params))
        key_bits = core.OctetString(gost.public_key_octets(public)).dump()
        spki = _der(0x30, algorithm_id + _der(0x03, b"\x00" + key_bits))
        return private, spki
    native: Any
    if algorithm == "rsa":
        native = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    elif algorithm == "ecdsa":
        native = ec.generate_private_key(ec.SECP256R1())
    else:
        raise ValueError(f"unknown algorithm {algorithm}; one of {ALGORITHMS}")
    spki = native.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return native, spki


def _signature_algorithm(issuer: Issued) -> str:
    return {
        "gost256": gost.SIGN_256,
        "gost512": gost.SIGN_512,
        "rsa": "1.2.840.113549.1.1.11",
        "ecdsa": "1.2.840.10045.4.3.2",
    }[issuer.algorithm]


def _sign(issuer: Issued, data: bytes) -> bytes:
    key: Any = issuer.key
    if isinstance(key, gost.PrivateKey):
        return gost.sign(key, gost.streebog(f"streebog{key.bits}", data))
    if issuer.algorithm == "rsa":
        return bytes(key.sign(data, padding.PKCS1v15(), hashes.SHA256()))
    return bytes(key.sign(data, ec.ECDSA(hashes.SHA256())))


def _digest_oid(algorithm: str) -> str:
    return {
        "gost256": gost.STREEBOG_256,
        "gost512": gost.STREEBOG_512,
        "rsa": "2.16.840.1.101.3.4.2.1",
        "ecdsa": "2.16.840.1.101.3.4.2.1",
    }[algorithm]


def _digest(algorithm: str, data: bytes) -> bytes:
    if algorithm == "gost256":
        return gost.streebog("streebog256", data)
    if algorithm == "gost512":
        return gost.streebog("streebog512", data)
    return hashlib.sha256(data).digest()


def _key_identifier(spki: bytes) -> bytes:
    return hashlib.sha1(SubjectPublicKeyInfo.load(spki)["public_key"].contents).digest()  # noqa: S324


def _build(
    *,
    subject: Any,
    spki: bytes,
    issuer: Issued | None,
    self_key: object,
    algorithm: str,
    not_before: dt.datetime,
    not_after: dt.datetime,
    serial: int | None,
    ca: bool,
    key_usage: Sequence[str],
    extended_key_usage: Sequence[str] = (),
) -> Issued:
    signer = issuer or Issued(certificate=b"", key=self_key, algorithm=algorithm)
    issuer_name = issuer.parsed.subject if issuer else subject
    issuer_spki = (
        issuer.parsed["tbs_certificate"]["subject_public_key_info"].dump() if issuer else spki
    )
    extensions = [
        {
            "extn_id": "basic_constraints",
            "critical": True,
            "extn_value": x509.BasicConstraints({"ca": ca}),
        },
        {"extn_id": "key_usage", "critical": True, "extn_value": x509.KeyUsage(set(key_usage))},
        {"extn_id": "key_identifier", "critical": False, "extn_value": _key_identifier(spki)},
        {
            "extn_id": "authority_key_identifier",
            "critical": False,
            "extn_value": {"key_identifier": _key_identifier(issuer_spki)},
        },
    ]
    if extended_key_usage:
        extensions.append(
            {
                "extn_id": "extended_key_usage",
                "critical": False,
                "extn_value": list(extended_key_usage),
            }
        )
    signature_algorithm = x509.SignedDigestAlgorithm({"algorithm": _signature_algorithm(signer)})
    tbs = x509.TbsCertificate(
        {
            "version": "v3",
            "serial_number": serial if serial is not None else secrets.randbits(63) | 1 << 62,
            "signature": signature_algorithm,
            "issuer": issuer_name,
            "validity": {"not_before": _time(not_before), "not_after": _time(not_after)},
            "subject": subject,
            "subject_public_key_info": keys.PublicKeyInfo.load(spki),
            "extensions": extensions,
        }
    )
    certificate = x509.Certificate(
        {
            "tbs_certificate": tbs,
            "signature_algorithm": signature_algorithm,
            "signature_value": _sign(signer, tbs.dump()),
        }
    )
    return Issued(certificate=certificate.dump(), key=self_key, algorithm=algorithm)


def make_ca(
    name: str = "Тестовый УЦ",
    *,
    algorithm: str = "gost256",
    not_before: dt.datetime | None = None,
    not_after: dt.datetime | None = None,
    ca: Issued | None = None,
    key_usage: Sequence[str] = ("key_cert_sign", "crl_sign", "digital_signature"),
) -> Issued:
    """A self-signed root CA, or an intermediate CA issued by ``ca``."""
    key, spki = _new_key(algorithm)
    return _build(
        subject=x509.Name.build(
            {"country_name": "RU", "organization_name": name, "common_name": name}
        ),
        spki=spki,
        issuer=ca,
        self_key=key,
        algorithm=algorithm,
        not_before=not_before or _now() - dt.timedelta(days=365),
        not_after=not_after or _now() + dt.timedelta(days=3650),
        serial=None,
        ca=True,
        key_usage=key_usage,
    )


def reissue_ca(
    old: Issued,
    *,
    not_before: dt.datetime,
    not_after: dt.datetime,
    ca: Issued | None = None,
) -> Issued:
    """A new certificate of the CA ``old`` for the same name and key (as a CA does when
    its certificate nears its end): self-signed, or issued by ``ca``."""
    parsed = old.parsed
    return _build(
        subject=parsed.subject,
        spki=parsed["tbs_certificate"]["subject_public_key_info"].dump(),
        issuer=ca,
        self_key=old.key,
        algorithm=old.algorithm,
        not_before=not_before,
        not_after=not_after,
        serial=None,
        ca=True,
        key_usage=("key_cert_sign", "crl_sign", "digital_signature"),
    )


def make_cert(
    ca: Issued,
    *,
    owner: str = "Иванов Иван Иванович",
    organization: str = "Министерство цифрового развития Камчатского края",
    title: str = "Министр",
    algorithm: str = "gost256",
    not_before: dt.datetime | None = None,
    not_after: dt.datetime | None = None,
    key_usage: Sequence[str] = ("digital_signature", "non_repudiation"),
    extended_key_usage: Sequence[str] = (),
    serial: int | None = None,
) -> Issued:
    """A signer's certificate issued by ``ca`` (the subject has CN, SN, G, T, O)."""
    key, spki = _new_key(algorithm)
    surname, _, given = owner.partition(" ")
    fields = {"country_name": "RU", "common_name": owner, "surname": surname}
    if given:
        fields["given_name"] = given
    if organization:
        fields["organization_name"] = organization
    if title:
        fields["title"] = title
    return _build(
        subject=x509.Name.build(fields),
        spki=spki,
        issuer=ca,
        self_key=key,
        algorithm=algorithm,
        not_before=not_before or _now() - dt.timedelta(days=30),
        not_after=not_after or _now() + dt.timedelta(days=365),
        serial=serial,
        ca=False,
        key_usage=key_usage,
        extended_key_usage=extended_key_usage,
    )


def make_crl(
    ca: Issued,
    *,
    revoked: Sequence[tuple[int, dt.datetime]] = (),
    this_update: dt.datetime | None = None,
    next_update: dt.datetime | None = None,
    extensions: Sequence[dict[str, Any]] = (),
    removed: Sequence[tuple[int, dt.datetime]] = (),
) -> bytes:
    """The DER of a CRL signed by ``ca`` listing ``revoked`` (serial, revocation date)
    and, as a delta CRL does, ``removed`` (reason removeFromCRL: no longer on hold);
    ``extensions`` are added to its crlExtensions (a delta indicator, a scope …)."""
    this_update = this_update or _now() - dt.timedelta(days=1)
    next_update = next_update or this_update + dt.timedelta(days=7)
    signature_algorithm = x509.SignedDigestAlgorithm({"algorithm": _signature_algorithm(ca)})
    spki = ca.parsed["tbs_certificate"]["subject_public_key_info"].dump()
    tbs_fields: dict[str, Any] = {
        "version": "v2",
        "signature": signature_algorithm,
        "issuer": ca.parsed.subject,
        "this_update": _time(this_update),
        "next_update": _time(next_update),
        "crl_extensions": [
            {"extn_id": "crl_number", "critical": False, "extn_value": secrets.randbits(31)},
            {
                "extn_id": "authority_key_identifier",
                "critical": False,
                "extn_value": {"key_identifier": _key_identifier(spki)},
            },
            *extensions,
        ],
    }
    entries: list[dict[str, Any]] = [
        {"user_certificate": serial, "revocation_date": _time(when)} for serial, when in revoked
    ]
    entries += [
        {
            "user_certificate": serial,
            "revocation_date": _time(when),
            "crl_entry_extensions": [
                {"extn_id": "crl_reason", "critical": False, "extn_value": "remove_from_crl"}
            ],
        }
        for serial, when in removed
    ]
    if entries:
        tbs_fields["revoked_certificates"] = entries
    tbs = crl.TbsCertList(tbs_fields)
    return bytes(
        crl.CertificateList(
            {
                "tbs_cert_list": tbs,
                "signature_algorithm": signature_algorithm,
                "signature": _sign(ca, tbs.dump()),
            }
        ).dump()
    )


def sign_detached(
    content: bytes,
    signer: Issued,
    *,
    signing_time: dt.datetime | None = None,
    include_certificate: bool = True,
    chain: Sequence[Issued] = (),
) -> bytes:
    """A detached CMS SignedData (DER) over ``content``, as CryptoPro makes them: signed
    attributes contentType, signingTime (when given) and messageDigest; the signer's
    certificate (and ``chain``) in ``certificates``."""
    cert = signer.parsed
    digest_algorithm = algos.DigestAlgorithm({"algorithm": _digest_oid(signer.algorithm)})
    attributes: list[dict[str, Any]] = [{"type": "content_type", "values": ["data"]}]
    if signing_time is not None:
        attributes.append({"type": "signing_time", "values": [_cms_time(signing_time)]})
    attributes.append({"type": "message_digest", "values": [_digest(signer.algorithm, content)]})
    signature_algorithm = {
        "gost256": gost.KEY_256,
        "gost512": gost.KEY_512,
        "rsa": "sha256_rsa",
        "ecdsa": "sha256_ecdsa",
    }[signer.algorithm]
    signer_info = cms.SignerInfo(
        {
            "version": "v1",
            "sid": cms.SignerIdentifier(
                {
                    "issuer_and_serial_number": {
                        "issuer": cert.issuer,
                        "serial_number": cert.serial_number,
                    }
                }
            ),
            "digest_algorithm": digest_algorithm,
            "signed_attrs": attributes,
            "signature_algorithm": algos.SignedDigestAlgorithm({"algorithm": signature_algorithm}),
            "signature": b"",
        }
    )
    to_sign = signer_info["signed_attrs"].dump()
    signer_info["signature"] = _sign(signer, b"\x31" + to_sign[1:])
    certificates = [cert] if include_certificate else []
    certificates += [item.parsed for item in chain]
    signed_data: dict[str, Any] = {
        "version": "v1",
        "digest_algorithms": [digest_algorithm],
        "encap_content_info": {"content_type": "data"},
        "signer_infos": [signer_info],
    }
    if certificates:
        signed_data["certificates"] = certificates
    return bytes(
        cms.ContentInfo(
            {"content_type": "signed_data", "content": cms.SignedData(signed_data)}
        ).dump()
    )
