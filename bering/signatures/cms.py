"""Verification of a detached CMS signature (PKCS#7 SignedData, RFC 5652) over a file.

What a qualified electronic signature (63-ФЗ) needs the server to check, in this order:
the structure; that the signature covers exactly these bytes (messageDigest); the
signature value with the certificate's key (ГОСТ Р 34.10-2012 256/512 with Streebog,
RSA, ECDSA); the certificate's validity and key usage at the trusted time ``at``; a chain
to a configured root (each link's signature, CA flag, keyCertSign and validity; every
candidate issuer tried); and a current, complete (not delta, not scoped) CRL of each
issuer on the chain, configured and signed by that issuer (cRLSign), not listing the
certificate as revoked at ``at``. See docs/decisions/0023-qualified-signatures.md.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import itertools
import logging
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from asn1crypto import cms, core, pem  # type: ignore[import-untyped]
from django.utils import timezone
from django.utils.translation import gettext as _

from bering.signatures import pki
from bering.signatures.trust import TrustStore, check_certificate

log = logging.getLogger(__name__)

FUTURE_TOLERANCE = dt.timedelta(minutes=5)
"""How far a signingTime may be ahead of the trusted time (clocks of signers' PCs drift)."""
MAX_CHAIN = 8

_CONTENT_TYPE = "1.2.840.113549.1.9.3"
_MESSAGE_DIGEST = "1.2.840.113549.1.9.4"
_SIGNING_TIME = "1.2.840.113549.1.9.5"
# Extended key usages that, alone, mean "not for signing documents".
_NOT_FOR_DOCUMENTS = {"server_auth", "code_signing", "time_stamping", "ocsp_signing"}


class Failure(StrEnum):
    MALFORMED = "malformed"
    UNSUPPORTED = "unsupported"
    CONTENT_MISMATCH = "content_mismatch"
    SIGNATURE_INVALID = "signature_invalid"
    NOT_YET_VALID = "not_yet_valid"
    EXPIRED = "expired"
    KEY_USAGE = "key_usage"
    UNTRUSTED = "untrusted"
    REVOKED = "revoked"
    NO_CRL = "no_crl"


@dataclass(frozen=True)
class CertificateInfo:
    serial: str
    owner: str
    organization: str
    title: str
    issuer: str
    valid_from: dt.datetime
    valid_to: dt.datetime
    algorithm: str
    thumbprint: str


@dataclass(frozen=True)
class Verification:
    failure: Failure | None
    message: str
    certificate: CertificateInfo | None
    signed_at: dt.datetime | None

    @property
    def ok(self) -> bool:
        return self.failure is None


class _Failed(Exception):
    def __init__(self, failure: Failure, message: str) -> None:
        super().__init__(message)
        self.failure = failure
        self.message = message


@dataclass
class _Found:
    certificate: CertificateInfo | None = None
    signed_at: dt.datetime | None = None


def verify_detached(
    signature: bytes, content: bytes, *, trust: TrustStore, at: dt.datetime
) -> Verification:
    """Check a detached CMS (DER, PEM or bare base64) over ``content`` at the trusted time
    ``at``. Never raises on bad input: every problem is a Verification with a failure."""
    if at.tzinfo is None:
        raise ValueError("verify_detached needs an aware trusted time")
    found = _Found()
    try:
        _verify(signature, content, trust=trust, at=at, found=found)
    except _Failed as failed:
        return Verification(failed.failure, failed.message, found.certificate, found.signed_at)
    except Exception:  # a malformed structure asn1crypto did not foresee
        log.warning("Cannot parse a CMS signature", exc_info=True)
        return Verification(
            Failure.MALFORMED, _malformed_message(), found.certificate, found.signed_at
        )
    return Verification(None, "", found.certificate, found.signed_at)


def certificate_info(signature: bytes) -> CertificateInfo | None:
    """The signer's certificate from a CMS, without any check; None when there is none."""
    try:
        signed = _signed_data(signature)
        signer = _single_signer(signed)
        return _info(_signer_certificate(signed, signer))
    except Exception:
        return None


# --- the steps ---------------------------------------------------------------------------


def _verify(
    signature: bytes, content: bytes, *, trust: TrustStore, at: dt.datetime, found: _Found
) -> None:
    signed = _signed_data(signature)
    signer = _single_signer(signed)
    cert = _signer_certificate(signed, signer)
    found.certificate = _info(cert)
    attributes = _signed_attributes(signed, signer)
    signing_time = attributes.get(_SIGNING_TIME)
    if signing_time is not None:
        found.signed_at = signing_time
        if signing_time > at + FUTURE_TOLERANCE:
            raise _Failed(
                Failure.MALFORMED,
                _("The signing time %(time)s is in the future: the signer's clock is wrong.")
                % {"time": _datetime(signing_time)},
            )

    digest_oid = str(signer["digest_algorithm"]["algorithm"].dotted)
    digest_name = pki.DIGESTS.get(digest_oid)
    if digest_name is None:
        raise _Failed(Failure.UNSUPPORTED, _unsupported_message(digest_oid))
    key = _key(cert)
    algorithm = str(signer["signature_algorithm"]["algorithm"].dotted)
    try:
        if pki.signature_digest(algorithm, digest_name, key) not in (digest_name, "pss"):
            raise pki.Unsupported(f"{algorithm} + {digest_oid}")
    except pki.Unsupported as exc:
        raise _Failed(Failure.UNSUPPORTED, _unsupported_message(str(exc))) from exc

    if pki.digest(digest_name, content) != attributes[_MESSAGE_DIGEST]:
        raise _Failed(
            Failure.CONTENT_MISMATCH,
            _("The signature was made for another file: it does not match the document's bytes."),
        )
    signed_attributes = signer["signed_attrs"].dump()
    if not pki.verify(
        key,
        algorithm=algorithm,
        parameters=signer["signature_algorithm"]["parameters"],
        digest_name=digest_name,
        data=b"\x31" + signed_attributes[1:],  # signed as SET OF, not as [0] IMPLICIT
        signature=bytes(signer["signature"].native),
    ):
        raise _Failed(
            Failure.SIGNATURE_INVALID,
            _(
                "The signature is damaged: the signature value does not match "
                "the certificate's key."
            ),
        )

    _check_validity(cert, at)
    _check_usage(cert)
    pool = list(_certificates(signed)) + list(trust.intermediates)
    chain = _chain(cert, pool, trust, at)
    _check_revocation(chain, trust, at)


def _signed_data(signature: bytes) -> Any:
    der = _der(signature)
    try:
        info = cms.ContentInfo.load(der)
        if info["content_type"].native != "signed_data":
            raise ValueError("not SignedData")
        signed = info["content"]
        signed["encap_content_info"].native  # noqa: B018 - parse it now, inside this try
        for signer in signed["signer_infos"]:
            for name in ("sid", "digest_algorithm", "signature_algorithm", "signature"):
                signer[name].native  # noqa: B018
        for cert in _certificates(signed):
            check_certificate(cert)
    except Exception as exc:
        raise _Failed(Failure.MALFORMED, _malformed_message()) from exc
    if signed["encap_content_info"]["content"].native is not None:
        raise _Failed(
            Failure.MALFORMED,
            _(
                "The signature contains the document itself (an attached signature); "
                "a detached signature file is needed."
            ),
        )
    return signed


def _der(signature: bytes) -> bytes:
    """DER (or BER: definite lengths are made of indefinite ones) from DER, PEM or base64."""
    try:
        return _definite(_decoded(signature))
    except (ValueError, IndexError, RecursionError) as exc:
        raise _Failed(Failure.MALFORMED, _malformed_message()) from exc


def _decoded(signature: bytes) -> bytes:
    if signature[:1] == b"\x30":
        return signature  # binary; never strip it: its last byte may well be 0x20 or 0x0A
    data = signature.strip()
    if pem.detect(data):
        try:
            return bytes(pem.unarmor(data)[2])
        except ValueError as exc:
            raise _Failed(Failure.MALFORMED, _malformed_message()) from exc
    try:  # CryptoPro and browser plug-ins often save bare base64
        return base64.b64decode(b"".join(data.split()), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise _Failed(Failure.MALFORMED, _malformed_message()) from exc


def _single_signer(signed: Any) -> Any:
    signers = list(signed["signer_infos"])
    if not signers:
        raise _Failed(Failure.MALFORMED, _("The signature file contains no signature."))
    if len(signers) > 1:
        raise _Failed(
            Failure.UNSUPPORTED,
            _("The file contains several signatures: upload each signature as a separate file."),
        )
    return signers[0]


def _certificates(signed: Any) -> list[Any]:
    certificates = signed["certificates"]
    if isinstance(certificates, core.Void):
        return []
    return [choice.chosen for choice in certificates if choice.name == "certificate"]


def _signer_certificate(signed: Any, signer: Any) -> Any:
    sid = signer["sid"]
    for cert in _certificates(signed):
        if sid.name == "issuer_and_serial_number":
            if cert.serial_number == sid.chosen["serial_number"].native and _same_name(
                cert.issuer, sid.chosen["issuer"]
            ):
                return cert
        elif cert.key_identifier == sid.chosen.native:
            return cert
    raise _Failed(
        Failure.MALFORMED,
        _(
            "The signature does not contain the signer's certificate: "
            "sign the file again with the certificate included."
        ),
    )


def _signed_attributes(signed: Any, signer: Any) -> dict[str, Any]:
    attrs = signer["signed_attrs"]
    values: dict[str, Any] = {}
    if not isinstance(attrs, core.Void):
        for attr in attrs:
            kind = str(attr["type"].dotted)
            if kind not in (_CONTENT_TYPE, _MESSAGE_DIGEST, _SIGNING_TIME):
                continue  # CAdES attributes (signingCertificateV2 …) are not needed here
            if kind in values or len(attr["values"]) != 1:
                raise _Failed(Failure.MALFORMED, _malformed_message())
            values[kind] = attr["values"][0].native
    if _CONTENT_TYPE not in values or _MESSAGE_DIGEST not in values:
        raise _Failed(
            Failure.MALFORMED,
            _(
                "The signature has no signed attributes (content type and message digest): "
                "it cannot be checked."
            ),
        )
    if values[_CONTENT_TYPE] != signed["encap_content_info"]["content_type"].native:
        raise _Failed(Failure.MALFORMED, _malformed_message())
    signing_time = values.get(_SIGNING_TIME)
    if signing_time is not None and not isinstance(signing_time, dt.datetime):
        raise _Failed(Failure.MALFORMED, _malformed_message())
    return values


def _key(cert: Any) -> pki.Key:
    try:
        return pki.load_key(cert["tbs_certificate"]["subject_public_key_info"].dump())
    except pki.Unsupported as exc:
        raise _Failed(Failure.UNSUPPORTED, _unsupported_message(str(exc))) from exc
    except ValueError as exc:
        raise _Failed(Failure.MALFORMED, _malformed_message()) from exc


def _check_validity(cert: Any, at: dt.datetime) -> None:
    if cert.not_valid_before > at:
        raise _Failed(
            Failure.NOT_YET_VALID,
            _(
                "The certificate is valid only from %(date)s: "
                "at the time of signing it was not yet valid."
            )
            % {"date": _date(cert.not_valid_before)},
        )
    if cert.not_valid_after < at:
        raise _Failed(
            Failure.EXPIRED,
            _("The certificate expired on %(date)s: at the time of signing it was no longer valid.")
            % {"date": _date(cert.not_valid_after)},
        )


def _check_usage(cert: Any) -> None:
    usage = cert.key_usage_value
    allowed = True
    if usage is not None and not ({"digital_signature", "non_repudiation"} & set(usage.native)):
        allowed = False
    extended = cert.extended_key_usage_value
    if extended is not None:
        purposes = set(extended.native)
        if "any_extended_key_usage" not in purposes and purposes <= _NOT_FOR_DOCUMENTS:
            allowed = False
    if not allowed:
        raise _Failed(
            Failure.KEY_USAGE,
            _(
                "The certificate is not meant for electronic signatures: "
                "its key usage does not allow signing documents."
            ),
        )


def _chain(leaf: Any, pool: list[Any], trust: TrustStore, at: dt.datetime) -> list[Any]:
    """leaf → CAs → a trusted root, each link verified; UNTRUSTED otherwise.

    Every candidate issuer is tried (name match, signature, CA flag, keyCertSign,
    validity at ``at``), backtracking when a path leads nowhere: a CA that re-issued its
    certificate for the same key leaves an expired and a current one of the same name,
    and the verdict must not depend on which file comes first. Each certificate is
    explored once, so a signature stuffed with look-alike CAs costs little. When no path
    reaches a root, the failure of the path that got furthest is reported.
    """
    roots = {root.dump() for root in trust.roots}
    candidates = [*trust.roots, *pool]
    explored: set[bytes] = set()
    failures: list[tuple[int, _Failed]] = []

    def extend(chain: list[Any]) -> list[Any] | None:
        current = chain[-1]
        if current.dump() in roots:
            return chain
        if len(chain) > MAX_CHAIN:
            failures.append((len(chain), _Failed(Failure.UNTRUSTED, _untrusted_message(current))))
            return None
        on_chain = {cert.dump() for cert in chain}
        named = [
            cert
            for cert in candidates
            if _same_name(cert.subject, current.issuer) and cert.dump() not in on_chain
        ]
        issuers = [cert for cert in named if _signed_by(trust, current, cert)]
        if not issuers:
            failures.append((len(chain), _no_issuer(current, forged=bool(named))))
            return None
        for issuer in issuers:
            if issuer.dump() in explored:
                continue
            explored.add(issuer.dump())
            problem = _issuer_problem(issuer, at)
            if problem is not None:
                failures.append((len(chain), problem))
                continue
            found = extend([*chain, issuer])
            if found is not None:
                return found
        return None

    chain = extend([leaf])
    if chain is None:
        deepest = max(depth for depth, _ in failures)
        raise next(failed for depth, failed in failures if depth == deepest)
    return chain


def _no_issuer(cert: Any, *, forged: bool) -> _Failed:
    if forged:
        return _Failed(
            Failure.UNTRUSTED,
            _(
                "The certificate's signature by the certification authority "
                "«%(issuer)s» does not verify: the certificate is forged or damaged."
            )
            % {"issuer": _issuer_name(cert)},
        )
    return _Failed(Failure.UNTRUSTED, _untrusted_message(cert))


def _issuer_problem(issuer: Any, at: dt.datetime) -> _Failed | None:
    """Why a certificate whose key signed the link cannot issue it, or None."""
    basic = issuer.basic_constraints_value
    if basic is None or not basic["ca"].native:
        return _Failed(
            Failure.UNTRUSTED,
            _(
                "The certificate of «%(issuer)s» is not a certification authority's "
                "certificate: it cannot issue certificates."
            )
            % {"issuer": _common_name(issuer.subject)},
        )
    if not _key_usage_allows(issuer, "key_cert_sign"):
        return _Failed(
            Failure.UNTRUSTED,
            _(
                "The key usage of the certification authority «%(issuer)s» does not "
                "allow signing certificates."
            )
            % {"issuer": _common_name(issuer.subject)},
        )
    if not issuer.not_valid_before <= at <= issuer.not_valid_after:
        return _Failed(
            Failure.UNTRUSTED,
            _(
                "The certificate of the certification authority «%(issuer)s» "
                "was not valid on %(date)s."
            )
            % {"issuer": _common_name(issuer.subject), "date": _date(at)},
        )
    return None


def _key_usage_allows(cert: Any, purpose: str) -> bool:
    """Whether the keyUsage extension allows ``purpose``; no extension allows all."""
    usage = cert.key_usage_value
    return usage is None or purpose in set(usage.native)


def _signed_by(trust: TrustStore, cert: Any, issuer: Any) -> bool:
    key = ("signed_by", _fingerprint(cert), _fingerprint(issuer))
    return trust.remember(key, lambda: _verify_certificate(cert, issuer))


def _fingerprint(item: Any) -> bytes:
    return hashlib.sha256(item.dump()).digest()


def _verify_certificate(cert: Any, issuer: Any) -> bool:
    try:
        key = pki.load_key(issuer["tbs_certificate"]["subject_public_key_info"].dump())
        return pki.verify(
            key,
            algorithm=str(cert["signature_algorithm"]["algorithm"].dotted),
            parameters=cert["signature_algorithm"]["parameters"],
            digest_name=None,
            data=cert["tbs_certificate"].dump(),
            signature=bytes(cert["signature_value"].native),
        )
    except (pki.Unsupported, ValueError):
        return False


def _check_revocation(chain: list[Any], trust: TrustStore, at: dt.datetime) -> None:
    """For every certificate but the root: a current CRL of its issuer, and not revoked."""
    for cert, issuer in itertools.pairwise(chain):
        if not _key_usage_allows(issuer, "crl_sign"):
            raise _Failed(
                Failure.NO_CRL,
                _(
                    "The key usage of the certification authority «%(issuer)s» does not "
                    "allow signing revocation lists: the certificate cannot be checked. "
                    "Contact the administrator."
                )
                % {"issuer": _common_name(issuer.subject)},
            )
        # Every current list of the issuer may show a revocation (a delta CRL brings the
        # newest); at least one must be complete for the certificate to show its absence.
        lists = [
            item
            for item in trust.crls
            if _crl_answers(trust, item, issuer, at) and not _lists_others(item)
        ]
        if not any(_complete_for(item, cert) for item in lists):
            raise _Failed(
                Failure.NO_CRL,
                _(
                    "There is no current certificate revocation list (CRL) of the "
                    "certification authority «%(issuer)s»: the certificate cannot be "
                    "checked. Contact the administrator."
                )
                % {"issuer": _common_name(issuer.subject)},
            )
        for item in lists:
            revoked_at = trust.revocations(item).get(cert.serial_number)
            if revoked_at is None or revoked_at > at:
                continue
            if cert is chain[0]:
                message = _(
                    "The certificate was revoked on %(date)s: "
                    "at the time of signing it was no longer valid."
                ) % {"date": _date(revoked_at)}
            else:
                message = _(
                    "The certificate of the certification authority «%(issuer)s» "
                    "was revoked on %(date)s."
                ) % {"issuer": _common_name(cert.subject), "date": _date(revoked_at)}
            raise _Failed(Failure.REVOKED, message)


def _crl_answers(trust: TrustStore, item: Any, issuer: Any, at: dt.datetime) -> bool:
    """Whether a CRL is the issuer's (name and signature) and answers for ``at``.

    Its nextUpdate must not be before ``at`` (a stale list proves nothing). A list issued
    after ``at`` also answers: revocations carry their dates, and a re-check of an old
    signature at its recorded time can only use today's list.
    """
    tbs = item["tbs_cert_list"]
    if not _same_name(tbs["issuer"], issuer.subject):
        return False
    next_update = tbs["next_update"].native
    if next_update is None or next_update < at:
        return False
    key = ("crl_signed_by", id(item), _fingerprint(issuer))
    return trust.remember(key, lambda: _verify_crl(item, issuer))


def _complete_for(item: Any, cert: Any) -> bool:
    """Whether a CRL lists every revocation that may concern ``cert``: not a delta CRL
    (only the changes since a base list) and not one scoped by its issuingDistributionPoint
    to some reasons, to other issuers' certificates (indirect) or to another kind of
    certificate (only end entities, only CAs, only attribute certificates)."""
    if item.delta_crl_indicator_value is not None:
        return False
    scope = item.issuing_distribution_point_value
    if scope is None:
        return True
    basic = cert.basic_constraints_value
    is_ca = basic is not None and bool(basic["ca"].native)
    return not (
        scope["only_some_reasons"].native is not None
        or scope["indirect_crl"].native
        or scope["only_contains_attribute_certs"].native
        or (scope["only_contains_user_certs"].native and is_ca)
        or (scope["only_contains_ca_certs"].native and not is_ca)
    )


def _lists_others(item: Any) -> bool:
    """An indirect CRL lists other CAs' certificates, an attribute one attribute
    certificates: their serials are not those of the issuer's certificates."""
    scope = item.issuing_distribution_point_value
    return scope is not None and bool(
        scope["indirect_crl"].native or scope["only_contains_attribute_certs"].native
    )


def _verify_crl(item: Any, issuer: Any) -> bool:
    tbs = item["tbs_cert_list"]
    try:
        key = pki.load_key(issuer["tbs_certificate"]["subject_public_key_info"].dump())
        return pki.verify(
            key,
            algorithm=str(item["signature_algorithm"]["algorithm"].dotted),
            parameters=item["signature_algorithm"]["parameters"],
            digest_name=None,
            data=tbs.dump(),
            signature=bytes(item["signature"].native),
        )
    except (pki.Unsupported, ValueError):
        return False


# --- BER ------------------------------------------------------------------------------------


def _definite(data: bytes) -> bytes:
    """The encoding with every indefinite length (``30 80 … 00 00``, as CryptoPro writes
    its signature files) replaced by a definite one. Parts without one are copied byte for
    byte: the signed attributes must keep the exact bytes that were signed."""
    converted, end = _tlv(data, 0, 0)
    if data[end:].strip(b"\x00\r\n\t "):  # padding and a final newline are harmless
        raise ValueError("data after the signature")
    return converted


def _tlv(data: bytes, start: int, depth: int) -> tuple[bytes, int]:
    if depth > 64:
        raise ValueError("nested too deeply")
    pos = start + 1
    if data[start] & 0x1F == 0x1F:  # a high tag number: base-128 digits follow
        while data[pos] & 0x80:
            pos += 1
        pos += 1
    tag = data[start:pos]
    constructed = bool(data[start] & 0x20)
    first = data[pos]
    pos += 1
    if first == 0x80:
        if not constructed:
            raise ValueError("indefinite length of a primitive value")
        parts = []
        while data[pos : pos + 2] != b"\x00\x00":
            part, pos = _tlv(data, pos, depth + 1)
            parts.append(part)
        content = b"".join(parts)
        return tag + _length(len(content)) + content, pos + 2
    if first & 0x80:
        size = first & 0x7F
        length = int.from_bytes(data[pos : pos + size], "big")
        pos += size
    else:
        length = first
    end = pos + length
    if end > len(data):
        raise ValueError("truncated")
    if not constructed:
        return data[start:end], end
    parts, cursor = [], pos
    while cursor < end:
        part, cursor = _tlv(data, cursor, depth + 1)
        parts.append(part)
    if cursor != end:
        raise ValueError("a value overruns its parent")
    content = b"".join(parts)
    if content == data[pos:end]:
        return data[start:end], end
    return tag + _length(len(content)) + content, end


def _length(length: int) -> bytes:
    if length < 0x80:
        return bytes([length])
    size = (length.bit_length() + 7) // 8
    return bytes([0x80 | size]) + length.to_bytes(size, "big")


# --- names and messages --------------------------------------------------------------------


def _same_name(one: Any, other: Any) -> bool:
    if one.dump() == other.dump():
        return True
    try:
        return bool(one == other)
    except Exception:
        return False


def _attribute(name: Any, key: str) -> str:
    value = name.native.get(key) if isinstance(name.native, dict) else None
    if isinstance(value, list):
        value = " ".join(str(part) for part in value)
    return str(value).strip() if value else ""


def _common_name(name: Any) -> str:
    return _attribute(name, "common_name") or _attribute(name, "organization_name")


def _issuer_name(cert: Any) -> str:
    return _common_name(cert.issuer)


def _info(cert: Any) -> CertificateInfo:
    subject = cert.subject
    surname = _attribute(subject, "surname")
    given = _attribute(subject, "given_name")
    owner = f"{surname} {given}".strip() if surname else _attribute(subject, "common_name")
    serial = format(cert.serial_number, "X")
    try:
        algorithm = pki.load_key(cert["tbs_certificate"]["subject_public_key_info"].dump())
        algorithm_name = algorithm.description
    except pki.Unsupported as exc:
        algorithm_name = str(exc)
    return CertificateInfo(
        serial=serial if len(serial) % 2 == 0 else "0" + serial,
        owner=owner or _attribute(subject, "common_name"),
        organization=_attribute(subject, "organization_name"),
        title=_attribute(subject, "title"),
        issuer=_issuer_name(cert),
        valid_from=cert.not_valid_before.astimezone(dt.UTC),
        valid_to=cert.not_valid_after.astimezone(dt.UTC),
        algorithm=algorithm_name,
        thumbprint=hashlib.sha1(cert.dump()).hexdigest(),  # noqa: S324 - a name, not security
    )


def _date(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%d.%m.%Y")


def _datetime(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%d.%m.%Y %H:%M")


def _malformed_message() -> str:
    return _("The file is not a detached electronic signature (CMS/PKCS#7).")


def _unsupported_message(algorithm: str) -> str:
    return _("The signature algorithm %(algorithm)s is not supported.") % {"algorithm": algorithm}


def _untrusted_message(cert: Any) -> str:
    return _(
        "The certificate was issued by a certification authority the system does not "
        "trust: «%(issuer)s»."
    ) % {"issuer": _issuer_name(cert)}


__all__ = [
    "CertificateInfo",
    "Failure",
    "Verification",
    "certificate_info",
    "verify_detached",
]
