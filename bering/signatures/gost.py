"""ГОСТ Р 34.10-2012 signatures and ГОСТ Р 34.11-2012 (Streebog) digests, as CMS and X.509 use them.

The arithmetic is gostcrypto's; this module holds the conventions around it, which are
where implementations disagree (checked against OpenSSL's gost engine in the tests):

* the public key in a SubjectPublicKeyInfo is an OCTET STRING inside the BIT STRING,
  holding X || Y, each little-endian (RFC 4491, RFC 9215);
* the signature value (CMS ``signature``, X.509 ``signatureValue``) is s || r, each
  big-endian (RFC 4491 section 2.2.2, RFC 9215);
* the digest enters the signature equation as a little-endian integer (the Streebog
  output bytes reversed), as the gost engine and CryptoPro do.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import secrets
import threading
from dataclasses import dataclass
from typing import Any

import gostcrypto.gosthash  # type: ignore[import-untyped]
import gostcrypto.gostsignature  # type: ignore[import-untyped]
from asn1crypto import core  # type: ignore[import-untyped]

# Public key algorithms (RFC 9215): the key's size, and the matching digest.
KEY_256 = "1.2.643.7.1.1.1.1"
KEY_512 = "1.2.643.7.1.1.1.2"
# Signature algorithms "GOST R 34.10-2012 with GOST R 34.11-2012" (certificates, CRLs).
SIGN_256 = "1.2.643.7.1.1.3.2"
SIGN_512 = "1.2.643.7.1.1.3.3"
# Digests: Streebog-256 and Streebog-512.
STREEBOG_256 = "1.2.643.7.1.1.2.2"
STREEBOG_512 = "1.2.643.7.1.1.2.3"

KEY_BITS = {KEY_256: 256, KEY_512: 512, SIGN_256: 256, SIGN_512: 512}
DIGEST_NAMES = {STREEBOG_256: "streebog256", STREEBOG_512: "streebog512"}

# Parameter set OIDs -> gostcrypto's curve names (Р 1323565.1.024-2019). The CryptoPro
# sets of ГОСТ Р 34.10-2001 are the same curves as TC26 256 B, C, D; "Xch" sets are the
# key-exchange names of CryptoPro A and C.
PARAMSETS: dict[str, str] = {
    "1.2.643.7.1.2.1.1.1": "id-tc26-gost-3410-2012-256-paramSetA",
    "1.2.643.7.1.2.1.1.2": "id-tc26-gost-3410-2012-256-paramSetB",
    "1.2.643.7.1.2.1.1.3": "id-tc26-gost-3410-2012-256-paramSetC",
    "1.2.643.7.1.2.1.1.4": "id-tc26-gost-3410-2012-256-paramSetD",
    "1.2.643.2.2.35.1": "id-tc26-gost-3410-2012-256-paramSetB",  # CryptoPro-A
    "1.2.643.2.2.35.2": "id-tc26-gost-3410-2012-256-paramSetC",  # CryptoPro-B
    "1.2.643.2.2.35.3": "id-tc26-gost-3410-2012-256-paramSetD",  # CryptoPro-C
    "1.2.643.2.2.36.0": "id-tc26-gost-3410-2012-256-paramSetB",  # CryptoPro-XchA
    "1.2.643.2.2.36.1": "id-tc26-gost-3410-2012-256-paramSetD",  # CryptoPro-XchB
    "1.2.643.7.1.2.1.2.1": "id-tc26-gost-3410-12-512-paramSetA",
    "1.2.643.7.1.2.1.2.2": "id-tc26-gost-3410-12-512-paramSetB",
    "1.2.643.7.1.2.1.2.3": "id-tc26-gost-3410-2012-512-paramSetC",
}
CRYPTOPRO_A = "1.2.643.2.2.35.1"
TC26_512_A = "1.2.643.7.1.2.1.2.1"

log = logging.getLogger(__name__)
_CURVES: dict[str, Any] = gostcrypto.gostsignature.CURVES_R_1323565_1_024_2019
_ENGINES: dict[tuple[int, str], Any] = {}


class _KeyParameters(core.Sequence):  # type: ignore[misc]
    """GostR3410-2012-PublicKeyParameters (RFC 9215)."""

    _fields = [
        ("paramset", core.ObjectIdentifier),
        ("digest", core.ObjectIdentifier, {"optional": True}),
        ("cipher", core.ObjectIdentifier, {"optional": True}),
    ]


class _Signature(gostcrypto.gostsignature.GOST34102012):  # type: ignore[misc]
    """gostcrypto's arithmetic with Python's modular inverse instead of its recursive
    extended Euclid (the same numbers, several times faster)."""

    @staticmethod
    def _invert(value: int, n_mod: int) -> int:
        try:
            return pow(value, -1, n_mod)
        except ValueError:  # not invertible: gostcrypto's own answer, 0
            return 0


class GostError(ValueError):
    """A GOST key or signature that cannot be used (unknown curve, wrong length)."""


@dataclass(frozen=True)
class PublicKey:
    bits: int  # 256 or 512
    paramset: str  # the parameter set OID
    x: int
    y: int


@dataclass(frozen=True)
class PrivateKey:
    bits: int
    paramset: str
    d: int


def streebog(name: str, data: bytes) -> bytes:
    """Streebog-256 or -512 of ``data`` ("streebog256" / "streebog512").

    OpenSSL's when its gost provider is installed (Debian's libengine-gost-openssl: about
    50 MB/s), else gostcrypto's pure Python (about 13 s per megabyte: a document of a few
    megabytes then takes a minute to check).
    """
    openssl = _openssl()
    if openssl is not None:
        return openssl.digest(name, data)
    return pure_streebog(name, data)


def pure_streebog(name: str, data: bytes) -> bytes:
    return bytes(gostcrypto.gosthash.new(name, data=data).digest())


def openssl_streebog() -> bool:
    """Whether Streebog is computed by OpenSSL's gost provider."""
    return _openssl() is not None


class _OpenSslStreebog:
    """Streebog from OpenSSL's gost provider (gostprov), loaded into a library context of
    its own: the process's default context (hashlib, ssl) is left as it is."""

    NAMES = {"streebog256": b"md_gost12_256", "streebog512": b"md_gost12_512"}

    def __init__(self) -> None:
        lib = ctypes.CDLL(ctypes.util.find_library("crypto") or "libcrypto.so.3")
        pointer = ctypes.c_void_p
        for function, argtypes in {
            "OSSL_LIB_CTX_new": [],
            "OSSL_PROVIDER_load": [pointer, ctypes.c_char_p],
            "EVP_MD_fetch": [pointer, ctypes.c_char_p, ctypes.c_char_p],
            "EVP_MD_CTX_new": [],
            "EVP_MD_CTX_free": [pointer],
            "EVP_DigestInit_ex": [pointer, pointer, pointer],
            "EVP_DigestUpdate": [pointer, ctypes.c_char_p, ctypes.c_size_t],
            "EVP_DigestFinal_ex": [pointer, ctypes.c_char_p, pointer],
        }.items():
            getattr(lib, function).argtypes = argtypes
            getattr(lib, function).restype = pointer
        for function in ("EVP_DigestInit_ex", "EVP_DigestUpdate", "EVP_DigestFinal_ex"):
            getattr(lib, function).restype = ctypes.c_int
        lib.EVP_MD_CTX_free.restype = None
        context = lib.OSSL_LIB_CTX_new()
        if not context or not lib.OSSL_PROVIDER_load(context, b"gostprov"):
            raise OSError("OpenSSL's gost provider (gostprov) cannot be loaded")
        self._lib = lib
        self._digests = {
            name: lib.EVP_MD_fetch(context, md, None) for name, md in self.NAMES.items()
        }
        if not all(self._digests.values()):
            raise OSError("OpenSSL's gost provider has no Streebog")

    def digest(self, name: str, data: bytes) -> bytes:
        lib = self._lib
        context = lib.EVP_MD_CTX_new()
        if not context:
            raise MemoryError("EVP_MD_CTX_new")
        try:
            out = ctypes.create_string_buffer(64)
            if not (
                lib.EVP_DigestInit_ex(context, self._digests[name], None)
                and lib.EVP_DigestUpdate(context, data, len(data))
                and lib.EVP_DigestFinal_ex(context, out, None)
            ):
                raise ValueError(f"OpenSSL cannot compute {name}")
        finally:
            lib.EVP_MD_CTX_free(context)
        return out.raw[: 32 if name == "streebog256" else 64]


_openssl_lock = threading.Lock()
_openssl_state: list[_OpenSslStreebog | None] = []


def _openssl() -> _OpenSslStreebog | None:
    if not _openssl_state:
        with _openssl_lock:
            if not _openssl_state:
                _openssl_state.append(_load_openssl())
    return _openssl_state[0]


def _load_openssl() -> _OpenSslStreebog | None:
    try:
        openssl = _OpenSslStreebog()
        probe = bytes(range(256)) * 3 + b"tail"  # several blocks and a partial one
        if all(openssl.digest(name, probe) == pure_streebog(name, probe) for name in openssl.NAMES):
            return openssl
        log.warning("OpenSSL's Streebog disagrees with gostcrypto's: not used")
    except (OSError, AttributeError, ValueError, MemoryError) as exc:
        log.info("Streebog in pure Python (slow): %s", exc)
    return None


def _engine(bits: int, paramset: str) -> Any:
    curve_name = PARAMSETS.get(paramset)
    if curve_name is None or (bits == 512) != ("512" in curve_name):
        raise GostError(f"unknown GOST parameter set {paramset} for {bits} bits")
    key = (bits, curve_name)
    if key not in _ENGINES:
        mode = (
            gostcrypto.gostsignature.MODE_256 if bits == 256 else gostcrypto.gostsignature.MODE_512
        )
        _ENGINES[key] = _Signature(mode, _CURVES[curve_name])
    return _ENGINES[key]


def curve_order(bits: int, paramset: str) -> int:
    return int(_CURVES[PARAMSETS[paramset]]["q"])


def public_key_from_spki(algorithm: str, parameters: bytes, key_octets: bytes) -> PublicKey:
    """A key from a SubjectPublicKeyInfo's parts.

    ``parameters`` is the DER of GostR3410-2012-PublicKeyParameters (a SEQUENCE whose
    first element is the parameter set OID); ``key_octets`` is the DER of the OCTET STRING
    inside the BIT STRING.
    """
    bits = KEY_BITS.get(algorithm)
    if bits is None:
        raise GostError(f"not a GOST R 34.10-2012 key: {algorithm}")
    try:
        paramset = str(_KeyParameters.load(parameters)["paramset"].dotted)
        raw = bytes(core.OctetString.load(key_octets).native)
    except Exception as exc:  # asn1crypto raises ValueError/TypeError/IndexError variously
        raise GostError("malformed GOST public key") from exc
    size = bits // 8
    if len(raw) != 2 * size:
        raise GostError("GOST public key of a wrong length")
    return PublicKey(
        bits=bits,
        paramset=paramset,
        x=int.from_bytes(raw[:size], "little"),
        y=int.from_bytes(raw[size:], "little"),
    )


def verify(key: PublicKey, digest: bytes, signature: bytes) -> bool:
    """Whether ``signature`` (s || r, big-endian) signs ``digest`` (Streebog output)."""
    size = key.bits // 8
    if len(signature) != 2 * size or len(digest) != size:
        return False
    engine = _engine(key.bits, key.paramset)
    public = bytearray(key.x.to_bytes(size, "big") + key.y.to_bytes(size, "big"))
    r_s = bytearray(signature[size:] + signature[:size])
    try:
        return bool(engine.verify(public, bytearray(digest[::-1]), r_s))
    except gostcrypto.gostsignature.GOSTSignatureError:
        return False


def generate(bits: int, paramset: str) -> tuple[PrivateKey, PublicKey]:
    """A fresh key pair (for the test PKI)."""
    engine = _engine(bits, paramset)
    q = curve_order(bits, paramset)
    size = bits // 8
    d = secrets.randbelow(q - 1) + 1
    public = bytes(engine.public_key_generate(bytearray(d.to_bytes(size, "big"))))
    return (
        PrivateKey(bits=bits, paramset=paramset, d=d),
        PublicKey(
            bits=bits,
            paramset=paramset,
            x=int.from_bytes(public[:size], "big"),
            y=int.from_bytes(public[size:], "big"),
        ),
    )


def sign(key: PrivateKey, digest: bytes) -> bytes:
    """The signature s || r (big-endian) of a Streebog ``digest`` (for the test PKI)."""
    engine = _engine(key.bits, key.paramset)
    size = key.bits // 8
    r_s = bytes(engine.sign(bytearray(key.d.to_bytes(size, "big")), bytearray(digest[::-1])))
    return r_s[size:] + r_s[:size]


def public_key_octets(key: PublicKey) -> bytes:
    """X || Y little-endian: the content of the OCTET STRING in a SubjectPublicKeyInfo."""
    size = key.bits // 8
    return key.x.to_bytes(size, "little") + key.y.to_bytes(size, "little")
