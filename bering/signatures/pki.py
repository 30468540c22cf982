"""Public keys and signature values of X.509 and CMS, whatever the algorithm.

asn1crypto parses certificates, CRLs and CMS but not GOST keys, and cryptography has no
GOST at all; this module reads a SubjectPublicKeyInfo generically (algorithm OID +
parameters + the key bits) and verifies a signature over bytes with ГОСТ Р 34.10-2012
(gostcrypto, see ``gost``), RSA PKCS#1 v1.5 / PSS or ECDSA (cryptography).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from asn1crypto import algos, core  # type: ignore[import-untyped]
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

from bering.signatures import gost

RSA = "1.2.840.113549.1.1.1"
RSA_PSS = "1.2.840.113549.1.1.10"
EC_PUBLIC_KEY = "1.2.840.10045.2.1"
SHA256 = "2.16.840.1.101.3.4.2.1"
SHA384 = "2.16.840.1.101.3.4.2.2"
SHA512 = "2.16.840.1.101.3.4.2.3"

DIGESTS: dict[str, str] = {
    SHA256: "sha256",
    SHA384: "sha384",
    SHA512: "sha512",
    gost.STREEBOG_256: "streebog256",
    gost.STREEBOG_512: "streebog512",
}
_HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}
# Signature algorithm OIDs that name their digest: OID -> (key kind, digest name).
_SIGNATURE_ALGORITHMS: dict[str, tuple[str, str]] = {
    "1.2.840.113549.1.1.11": ("rsa", "sha256"),
    "1.2.840.113549.1.1.12": ("rsa", "sha384"),
    "1.2.840.113549.1.1.13": ("rsa", "sha512"),
    "1.2.840.10045.4.3.2": ("ec", "sha256"),
    "1.2.840.10045.4.3.3": ("ec", "sha384"),
    "1.2.840.10045.4.3.4": ("ec", "sha512"),
    gost.SIGN_256: ("gost", "streebog256"),
    gost.SIGN_512: ("gost", "streebog512"),
}
_EC_CURVES = {"secp256r1": "P-256", "secp384r1": "P-384", "secp521r1": "P-521"}
MIN_RSA_BITS = 2048


class Unsupported(Exception):
    """An algorithm we do not verify; the argument names it for the clerk."""


class AlgorithmIdentifier(core.Sequence):  # type: ignore[misc]
    _fields = [
        ("algorithm", core.ObjectIdentifier),
        ("parameters", core.Any, {"optional": True}),
    ]


class SubjectPublicKeyInfo(core.Sequence):  # type: ignore[misc]
    _fields = [("algorithm", AlgorithmIdentifier), ("public_key", core.OctetBitString)]


@dataclass(frozen=True)
class Key:
    """A signer's or a CA's public key."""

    kind: str  # "gost", "rsa", "ec"
    description: str  # "ГОСТ Р 34.10-2012 (256 бит)", "RSA 2048", "ECDSA P-256"
    gost_key: gost.PublicKey | None = None
    native: Any = None  # cryptography's RSAPublicKey / EllipticCurvePublicKey


def digest(name: str, data: bytes) -> bytes:
    if name.startswith("streebog"):
        return gost.streebog(name, data)
    return hashlib.new(name, data).digest()


def load_key(spki_der: bytes) -> Key:
    """The key of a SubjectPublicKeyInfo; ``Unsupported`` for other algorithms,
    ``ValueError`` for a malformed one."""
    try:
        spki = SubjectPublicKeyInfo.load(spki_der)
        algorithm = str(spki["algorithm"]["algorithm"].dotted)
        parameters = spki["algorithm"]["parameters"]
        key_bits = bytes(spki["public_key"].native)
    except (ValueError, TypeError, KeyError) as exc:
        raise ValueError("malformed public key") from exc
    if algorithm in (gost.KEY_256, gost.KEY_512):
        try:
            gost_key = gost.public_key_from_spki(algorithm, parameters.dump(), key_bits)
            gost.curve_order(gost_key.bits, gost_key.paramset)
        except (gost.GostError, KeyError) as exc:
            raise Unsupported(f"ГОСТ Р 34.10-2012 ({algorithm})") from exc
        return Key(
            kind="gost",
            description=f"ГОСТ Р 34.10-2012 ({gost_key.bits} бит)",
            gost_key=gost_key,
        )
    if algorithm not in (RSA, RSA_PSS, EC_PUBLIC_KEY):
        raise Unsupported(algorithm)
    try:
        native = serialization.load_der_public_key(spki_der)
    except UnsupportedAlgorithm as exc:
        raise Unsupported(algorithm) from exc
    except ValueError as exc:
        raise ValueError("malformed public key") from exc
    if isinstance(native, rsa.RSAPublicKey):
        if native.key_size < MIN_RSA_BITS:
            raise Unsupported(f"RSA {native.key_size}")
        return Key(kind="rsa", description=f"RSA {native.key_size}", native=native)
    if isinstance(native, ec.EllipticCurvePublicKey):
        curve = _EC_CURVES.get(native.curve.name)
        if curve is None:
            raise Unsupported(f"ECDSA {native.curve.name}")
        return Key(kind="ec", description=f"ECDSA {curve}", native=native)
    raise Unsupported(algorithm)


def signature_digest(algorithm: str, digest_name: str | None, key: Key) -> str:
    """The digest a signature algorithm uses (``digest_name`` for the bare key OIDs that
    CMS allows in ``signatureAlgorithm``); ``Unsupported`` when it does not fit the key."""
    if algorithm in _SIGNATURE_ALGORITHMS:
        kind, name = _SIGNATURE_ALGORITHMS[algorithm]
    elif algorithm in (gost.KEY_256, gost.KEY_512):
        kind, name = "gost", "streebog256" if algorithm == gost.KEY_256 else "streebog512"
    elif algorithm == RSA and digest_name in _HASHES:
        kind, name = "rsa", digest_name
    elif algorithm == EC_PUBLIC_KEY and digest_name in _HASHES:
        kind, name = "ec", digest_name
    elif algorithm == RSA_PSS:
        kind, name = "rsa", "pss"
    else:
        raise Unsupported(algorithm)
    if kind != key.kind:
        raise Unsupported(algorithm)
    if kind == "gost":
        assert key.gost_key is not None
        if name != f"streebog{key.gost_key.bits}":
            raise Unsupported(algorithm)
    return name


def verify(
    key: Key,
    *,
    algorithm: str,
    parameters: Any,
    digest_name: str | None,
    data: bytes,
    signature: bytes,
) -> bool:
    """Whether ``signature`` signs ``data`` with ``key`` under the signature algorithm
    (OID + its asn1crypto ``parameters``). ``Unsupported`` for algorithms we do not verify."""
    name = signature_digest(algorithm, digest_name, key)
    if key.kind == "gost":
        assert key.gost_key is not None
        return gost.verify(key.gost_key, digest(name, data), signature)
    try:
        if key.kind == "rsa" and name == "pss":
            pad, hash_algorithm = _pss(parameters)
            key.native.verify(signature, data, pad, hash_algorithm)
        elif key.kind == "rsa":
            key.native.verify(signature, data, padding.PKCS1v15(), _HASHES[name]())
        else:
            key.native.verify(signature, data, ec.ECDSA(_HASHES[name]()))
    except InvalidSignature:
        return False
    return True


def _pss(parameters: Any) -> tuple[padding.PSS, hashes.HashAlgorithm]:
    try:
        params = algos.RSASSAPSSParams.load(parameters.dump())
        hash_name = str(params["hash_algorithm"]["algorithm"].native)
        mgf_hash = str(params["mask_gen_algorithm"]["parameters"]["algorithm"].native)
        salt = int(params["salt_length"].native)
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise Unsupported("RSASSA-PSS") from exc
    if hash_name not in _HASHES or mgf_hash not in _HASHES:
        raise Unsupported(f"RSASSA-PSS {hash_name}")
    return (
        padding.PSS(mgf=padding.MGF1(_HASHES[mgf_hash]()), salt_length=salt),
        _HASHES[hash_name](),
    )
