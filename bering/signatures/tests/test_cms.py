"""Checking detached CMS signatures: every verdict, for ГОСТ Р 34.10-2012, RSA and ECDSA.

The PKI is made by ``testpki`` (itself checked against OpenSSL in test_cms_openssl.py).
No database. Keys and certificates are made once per module: pure-Python GOST is slow.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import hashlib
from dataclasses import dataclass

import pytest
from asn1crypto import cms as asn1_cms
from asn1crypto import pem

from bering.signatures import testpki
from bering.signatures.cms import Failure, Verification, certificate_info, verify_detached
from bering.signatures.testpki import (
    Issued,
    make_ca,
    make_cert,
    make_crl,
    reissue_ca,
    sign_detached,
)
from bering.signatures.trust import TrustStore

AT = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)
"""The trusted time of the checks (the server's receipt of the upload)."""
SIGNED = AT - dt.timedelta(minutes=3)
CONTENT = "Приказ № 15 от 02.03.2026 «Об утверждении регламента»".encode()
DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Pki:
    root: Issued
    leaf: Issued
    crl: bytes
    signature: bytes

    @property
    def trust(self) -> TrustStore:
        return TrustStore.load(roots=[self.root.certificate], crls=[self.crl])


def root_ca(name: str, algorithm: str) -> Issued:
    return make_ca(name, algorithm=algorithm, not_before=AT - 700 * DAY, not_after=AT + 3000 * DAY)


def current_crl(ca: Issued, revoked: list[tuple[int, dt.datetime]] | None = None) -> bytes:
    return make_crl(ca, revoked=revoked or [], this_update=AT - DAY, next_update=AT + 6 * DAY)


@functools.cache
def pki(algorithm: str) -> Pki:
    root = root_ca(f"Тестовый УЦ {algorithm}", algorithm)
    leaf = make_cert(root, algorithm=algorithm, not_before=AT - 30 * DAY, not_after=AT + 300 * DAY)
    return Pki(
        root=root,
        leaf=leaf,
        crl=current_crl(root),
        signature=sign_detached(CONTENT, leaf, signing_time=SIGNED),
    )


def check(signature: bytes, trust: TrustStore, content: bytes = CONTENT) -> Verification:
    return verify_detached(signature, content, trust=trust, at=AT)


@pytest.mark.parametrize("algorithm", testpki.ALGORITHMS)
def test_a_valid_signature_passes_and_names_its_certificate(algorithm: str) -> None:
    made = pki(algorithm)

    result = check(made.signature, made.trust)

    assert result.failure is None, result.message
    assert result.ok and result.message == ""
    assert result.signed_at == SIGNED
    info = result.certificate
    assert info is not None
    assert info.owner == "Иванов Иван Иванович"
    assert info.organization == "Министерство цифрового развития Камчатского края"
    assert info.title == "Министр"
    assert info.issuer == f"Тестовый УЦ {algorithm}"
    assert info.serial == f"{made.leaf.serial:X}".rjust(16, "0")
    assert info.thumbprint == hashlib.sha1(made.leaf.certificate).hexdigest()  # noqa: S324
    assert info.valid_from == AT - 30 * DAY
    assert info.valid_to == AT + 300 * DAY
    assert (
        info.algorithm
        == {
            "gost256": "ГОСТ Р 34.10-2012 (256 бит)",
            "gost512": "ГОСТ Р 34.10-2012 (512 бит)",
            "rsa": "RSA 2048",
            "ecdsa": "ECDSA P-256",
        }[algorithm]
    )


@pytest.mark.parametrize("algorithm", testpki.ALGORITHMS)
def test_content_changed_by_one_byte_is_a_mismatch(algorithm: str) -> None:
    made = pki(algorithm)
    changed = bytearray(CONTENT)
    changed[5] ^= 0x01

    result = check(made.signature, made.trust, bytes(changed))

    assert result.failure is Failure.CONTENT_MISMATCH
    assert result.certificate is not None and result.certificate.owner


@pytest.mark.parametrize("algorithm", testpki.ALGORITHMS)
def test_a_changed_signature_value_does_not_verify(algorithm: str) -> None:
    made = pki(algorithm)
    info = asn1_cms.ContentInfo.load(made.signature)
    value = bytearray(info["content"]["signer_infos"][0]["signature"].native)
    value[len(value) // 2] ^= 0x01  # s for GOST; the middle of the value for the others
    broken = made.signature.replace(
        bytes(info["content"]["signer_infos"][0]["signature"].native), bytes(value)
    )
    assert broken != made.signature

    assert check(broken, made.trust).failure is Failure.SIGNATURE_INVALID


def test_the_signed_attributes_changed_after_signing_do_not_verify() -> None:
    made = pki("gost256")
    info = asn1_cms.ContentInfo.load(made.signature)
    original = info["content"]["signer_infos"][0]["signed_attrs"]
    moved = SIGNED - dt.timedelta(hours=1)
    time_der = asn1_cms.Time({"utc_time": SIGNED}).dump()
    assert made.signature.count(time_der) == 1
    broken = made.signature.replace(time_der, asn1_cms.Time({"utc_time": moved}).dump())
    assert original.dump() not in broken

    result = check(broken, made.trust)

    assert result.failure is Failure.SIGNATURE_INVALID
    assert result.signed_at == moved


def test_a_certificate_expired_before_the_check_is_refused() -> None:
    made = pki("gost256")
    leaf = make_cert(
        made.root, not_before=AT - 400 * DAY, not_after=dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    )

    result = check(sign_detached(CONTENT, leaf, signing_time=SIGNED), made.trust)

    assert result.failure is Failure.EXPIRED
    assert "01.03.2026" in result.message


def test_a_certificate_not_yet_valid_is_refused() -> None:
    made = pki("gost256")
    leaf = make_cert(made.root, not_before=AT + DAY, not_after=AT + 300 * DAY)

    result = check(sign_detached(CONTENT, leaf, signing_time=SIGNED), made.trust)

    assert result.failure is Failure.NOT_YET_VALID
    assert (AT + DAY).astimezone(dt.timezone(dt.timedelta(hours=12))).strftime("%d.%m.%Y") in (
        result.message
    )


def test_validity_is_judged_at_the_trusted_time_not_today() -> None:
    made = pki("gost256")

    later = verify_detached(made.signature, CONTENT, trust=made.trust, at=AT + 400 * DAY)

    assert later.failure is Failure.EXPIRED


@pytest.mark.parametrize(
    ("key_usage", "extended"),
    [(("key_encipherment",), ()), (("digital_signature",), ("server_auth",))],
    ids=["key-encipherment-only", "tls-server-only"],
)
def test_a_certificate_not_for_signing_is_refused(
    key_usage: tuple[str, ...], extended: tuple[str, ...]
) -> None:
    made = pki("gost256")
    leaf = make_cert(
        made.root,
        not_before=AT - DAY,
        not_after=AT + 300 * DAY,
        key_usage=key_usage,
        extended_key_usage=extended,
    )

    result = check(sign_detached(CONTENT, leaf, signing_time=SIGNED), made.trust)

    assert result.failure is Failure.KEY_USAGE


def test_a_signer_with_email_protection_usage_passes() -> None:
    made = pki("gost256")
    leaf = make_cert(
        made.root,
        not_before=AT - DAY,
        not_after=AT + 300 * DAY,
        extended_key_usage=("client_auth", "email_protection"),
    )

    assert check(sign_detached(CONTENT, leaf), made.trust).ok


def test_a_root_the_system_does_not_trust_is_refused() -> None:
    made = pki("gost256")
    stranger = root_ca("Посторонний УЦ", "gost256")
    trust = TrustStore.load(roots=[stranger.certificate], crls=[current_crl(stranger)])

    result = check(made.signature, trust)

    assert result.failure is Failure.UNTRUSTED
    assert "Тестовый УЦ gost256" in result.message
    assert result.certificate is not None


def test_a_forged_ca_of_the_same_name_is_refused() -> None:
    made = pki("gost256")
    forger = root_ca("Тестовый УЦ gost256", "gost256")
    leaf = make_cert(forger, not_before=AT - DAY, not_after=AT + 300 * DAY)

    bare = check(sign_detached(CONTENT, leaf), made.trust)
    # The dangerous case: the forger embeds its self-signed CA of the trusted name.
    embedded = check(sign_detached(CONTENT, leaf, chain=[forger]), made.trust)

    for result in (bare, embedded):
        assert result.failure is Failure.UNTRUSTED
        assert "Тестовый УЦ gost256" in result.message


@pytest.fixture(scope="module")
def chain() -> tuple[Issued, Issued, Issued]:
    """root (GOST 256) → intermediate (GOST 512) → signer (GOST 256): mixed sizes."""
    root = pki("gost256").root
    intermediate = make_ca(
        "Промежуточный УЦ",
        algorithm="gost512",
        ca=root,
        not_before=AT - 300 * DAY,
        not_after=AT + 1000 * DAY,
    )
    leaf = make_cert(intermediate, not_before=AT - DAY, not_after=AT + 300 * DAY)
    return root, intermediate, leaf


def test_a_chain_through_an_intermediate_in_the_signature_passes(chain) -> None:
    root, intermediate, leaf = chain
    trust = TrustStore.load(
        roots=[root.certificate], crls=[current_crl(root), current_crl(intermediate)]
    )

    result = check(sign_detached(CONTENT, leaf, chain=[intermediate]), trust)

    assert result.failure is None, result.message
    assert result.certificate is not None and result.certificate.issuer == "Промежуточный УЦ"


def test_a_configured_intermediate_completes_the_chain(chain) -> None:
    root, intermediate, leaf = chain
    trust = TrustStore.load(
        roots=[root.certificate],
        intermediates=[intermediate.pem],
        crls=[current_crl(root), current_crl(intermediate)],
    )

    assert check(sign_detached(CONTENT, leaf), trust).ok


def test_a_missing_intermediate_breaks_the_chain(chain) -> None:
    root, intermediate, leaf = chain
    trust = TrustStore.load(
        roots=[root.certificate], crls=[current_crl(root), current_crl(intermediate)]
    )

    result = check(sign_detached(CONTENT, leaf), trust)

    assert result.failure is Failure.UNTRUSTED
    assert "Промежуточный УЦ" in result.message


def test_every_ca_on_the_chain_needs_its_issuers_crl(chain) -> None:
    root, intermediate, leaf = chain
    trust = TrustStore.load(roots=[root.certificate], crls=[current_crl(intermediate)])

    result = check(sign_detached(CONTENT, leaf, chain=[intermediate]), trust)

    assert result.failure is Failure.NO_CRL
    assert "Тестовый УЦ gost256" in result.message


def test_a_revoked_intermediate_revokes_its_signers(chain) -> None:
    root, intermediate, leaf = chain
    trust = TrustStore.load(
        roots=[root.certificate],
        crls=[current_crl(root, [(intermediate.serial, AT - 2 * DAY)]), current_crl(intermediate)],
    )

    result = check(sign_detached(CONTENT, leaf, chain=[intermediate]), trust)

    assert result.failure is Failure.REVOKED
    assert "Промежуточный УЦ" in result.message


def test_an_issuer_without_the_ca_flag_cannot_issue() -> None:
    made = pki("gost256")
    not_a_ca = make_cert(
        made.root, owner="Сидоров Сидор", not_before=AT - DAY, not_after=AT + 300 * DAY
    )
    leaf = make_cert(not_a_ca, not_before=AT - DAY, not_after=AT + 300 * DAY)
    trust = TrustStore.load(roots=[made.root.certificate], crls=[made.crl, current_crl(not_a_ca)])

    result = check(sign_detached(CONTENT, leaf, chain=[not_a_ca]), trust)

    assert result.failure is Failure.UNTRUSTED
    assert "Сидоров Сидор" in result.message


def test_an_expired_intermediate_is_not_trusted(chain) -> None:
    root, _, _ = chain
    old = make_ca("Старый УЦ", ca=root, not_before=AT - 900 * DAY, not_after=AT - 10 * DAY)
    leaf = make_cert(old, not_before=AT - 30 * DAY, not_after=AT + 300 * DAY)
    trust = TrustStore.load(roots=[root.certificate], crls=[current_crl(root), current_crl(old)])

    result = check(sign_detached(CONTENT, leaf, chain=[old]), trust)

    assert result.failure is Failure.UNTRUSTED
    assert "Старый УЦ" in result.message


@pytest.fixture(scope="module")
def reissued() -> tuple[Issued, Issued]:
    """One root key with two certificates: expired ten days ago, and current."""
    old = make_ca("Переизданный УЦ", not_before=AT - 2000 * DAY, not_after=AT - 10 * DAY)
    new = reissue_ca(old, not_before=AT - 20 * DAY, not_after=AT + 3000 * DAY)
    return old, new


@pytest.mark.parametrize("order", ["old-first", "new-first"])
def test_a_root_reissued_for_the_same_key_is_found_in_either_file_order(
    reissued: tuple[Issued, Issued], order: str
) -> None:
    old, new = reissued
    roots = [old, new] if order == "old-first" else [new, old]
    leaf = make_cert(new, not_before=AT - 5 * DAY, not_after=AT + 300 * DAY)
    trust = TrustStore.load(roots=[item.certificate for item in roots], crls=[current_crl(new)])

    result = check(sign_detached(CONTENT, leaf), trust)

    assert result.failure is None, result.message


def test_only_the_expired_certificate_of_a_reissued_root_is_not_trusted(
    reissued: tuple[Issued, Issued],
) -> None:
    old, new = reissued
    leaf = make_cert(new, not_before=AT - 5 * DAY, not_after=AT + 300 * DAY)
    trust = TrustStore.load(roots=[old.certificate], crls=[current_crl(new)])

    result = check(sign_detached(CONTENT, leaf), trust)

    assert result.failure is Failure.UNTRUSTED
    assert "Переизданный УЦ" in result.message


@pytest.mark.parametrize("order", ["old-first", "new-first"])
def test_an_intermediate_reissued_for_the_same_key_is_found_in_either_order(
    chain: tuple[Issued, Issued, Issued], order: str
) -> None:
    """Configured intermediates keep their order (a CMS sorts its certificates: DER)."""
    root, intermediate, leaf = chain
    expired = reissue_ca(intermediate, ca=root, not_before=AT - 900 * DAY, not_after=AT - DAY)
    both = [expired, intermediate] if order == "old-first" else [intermediate, expired]
    crls = [current_crl(root), current_crl(intermediate)]

    configured = check(
        sign_detached(CONTENT, leaf),
        TrustStore.load(
            roots=[root.certificate], intermediates=[item.pem for item in both], crls=crls
        ),
    )
    in_signature = check(
        sign_detached(CONTENT, leaf, chain=both),
        TrustStore.load(roots=[root.certificate], crls=crls),
    )

    assert configured.failure is None, configured.message
    assert in_signature.failure is None, in_signature.message


@pytest.mark.parametrize("order", ["cross-first", "cross-last"])
def test_a_path_that_leads_nowhere_is_left_for_the_next_candidate(
    chain: tuple[Issued, Issued, Issued], order: str
) -> None:
    """The same intermediate key also certified by a root the system does not trust:
    whichever certificate comes first, the chain finds the way to the trusted root."""
    root, intermediate, leaf = chain
    stranger = root_ca("Посторонний УЦ", "ecdsa")
    cross = reissue_ca(intermediate, ca=stranger, not_before=AT - DAY, not_after=AT + 100 * DAY)
    both = [cross, intermediate] if order == "cross-first" else [intermediate, cross]
    crls = [current_crl(root), current_crl(intermediate)]

    result = check(
        sign_detached(CONTENT, leaf),
        TrustStore.load(
            roots=[root.certificate], intermediates=[item.pem for item in both], crls=crls
        ),
    )
    alone = check(
        sign_detached(CONTENT, leaf, chain=[cross]),
        TrustStore.load(roots=[root.certificate], crls=crls),
    )

    assert result.failure is None, result.message
    assert alone.failure is Failure.UNTRUSTED
    assert "Посторонний УЦ" in alone.message


def test_a_ca_whose_key_usage_lacks_certificate_signing_cannot_issue() -> None:
    root = pki("ecdsa").root
    intermediate = make_ca(
        "УЦ без права подписи сертификатов",
        algorithm="ecdsa",
        ca=root,
        not_before=AT - 100 * DAY,
        not_after=AT + 100 * DAY,
        key_usage=("crl_sign", "digital_signature"),
    )
    leaf = make_cert(intermediate, algorithm="ecdsa", not_before=AT - DAY, not_after=AT + 99 * DAY)
    trust = TrustStore.load(
        roots=[root.certificate], crls=[current_crl(root), current_crl(intermediate)]
    )

    result = check(sign_detached(CONTENT, leaf, chain=[intermediate]), trust)

    assert result.failure is Failure.UNTRUSTED
    assert "УЦ без права подписи сертификатов" in result.message


def test_a_crl_signed_by_a_ca_whose_key_usage_lacks_crl_signing_is_no_crl() -> None:
    root = pki("ecdsa").root
    intermediate = make_ca(
        "УЦ без права подписи СОС",
        algorithm="ecdsa",
        ca=root,
        not_before=AT - 100 * DAY,
        not_after=AT + 100 * DAY,
        key_usage=("key_cert_sign", "digital_signature"),
    )
    leaf = make_cert(intermediate, algorithm="ecdsa", not_before=AT - DAY, not_after=AT + 99 * DAY)
    trust = TrustStore.load(
        roots=[root.certificate], crls=[current_crl(root), current_crl(intermediate)]
    )

    result = check(sign_detached(CONTENT, leaf, chain=[intermediate]), trust)

    assert result.failure is Failure.NO_CRL
    assert "УЦ без права подписи СОС" in result.message


def scoped_crl(
    ca: Issued, extension: dict[str, object], revoked: tuple[tuple[int, dt.datetime], ...] = ()
) -> bytes:
    return make_crl(
        ca,
        revoked=revoked,
        this_update=AT - DAY,
        next_update=AT + 6 * DAY,
        extensions=[extension],
    )


def _scope(**fields: object) -> dict[str, object]:
    return {"extn_id": "issuing_distribution_point", "critical": True, "extn_value": fields}


DELTA = {"extn_id": "delta_crl_indicator", "critical": True, "extn_value": 1}
PARTIAL = {
    "delta": DELTA,
    "some-reasons": _scope(only_some_reasons={"key_compromise"}),
    "indirect": _scope(indirect_crl=True),
    "only-ca-certificates": _scope(only_contains_ca_certs=True),
    "only-attribute-certificates": _scope(only_contains_attribute_certs=True),
}


@pytest.mark.parametrize("kind", PARTIAL)
def test_a_delta_or_scoped_crl_is_not_a_full_answer(kind: str) -> None:
    made = pki("ecdsa")
    partial = scoped_crl(made.root, PARTIAL[kind])

    alone = check(made.signature, TrustStore.load(roots=[made.root.certificate], crls=[partial]))
    with_full = check(
        made.signature, TrustStore.load(roots=[made.root.certificate], crls=[partial, made.crl])
    )

    assert alone.failure is Failure.NO_CRL
    assert "Тестовый УЦ ecdsa" in alone.message
    assert with_full.failure is None, with_full.message


def test_a_crl_of_end_entity_certificates_answers_for_a_signer() -> None:
    made = pki("ecdsa")
    users = scoped_crl(made.root, _scope(only_contains_user_certs=True))

    assert check(made.signature, TrustStore.load(roots=[made.root.certificate], crls=[users])).ok


def test_a_revocation_in_a_delta_crl_counts_beside_the_full_list() -> None:
    made = pki("ecdsa")
    delta = scoped_crl(made.root, DELTA, revoked=((made.leaf.serial, AT - DAY),))
    trust = TrustStore.load(roots=[made.root.certificate], crls=[made.crl, delta])

    assert check(made.signature, trust).failure is Failure.REVOKED


def test_a_delta_crls_removal_from_hold_is_not_a_revocation() -> None:
    made = pki("ecdsa")
    delta = make_crl(
        made.root,
        removed=[(made.leaf.serial, AT - DAY)],
        this_update=AT - DAY,
        next_update=AT + 6 * DAY,
        extensions=[DELTA],
    )
    trust = TrustStore.load(roots=[made.root.certificate], crls=[made.crl, delta])

    assert trust.revocations(trust.crls[1]) == {}
    assert check(made.signature, trust).ok


@pytest.mark.parametrize("algorithm", ["gost256", "gost512"])
def test_a_certificate_revoked_before_the_check_is_refused(algorithm: str) -> None:
    made = pki(algorithm)
    revoked_at = dt.datetime(2026, 2, 20, 3, 0, tzinfo=dt.UTC)
    trust = TrustStore.load(
        roots=[made.root.certificate],
        crls=[current_crl(made.root, [(made.leaf.serial, revoked_at)])],
    )

    result = check(made.signature, trust)

    assert result.failure is Failure.REVOKED
    assert "20.02.2026" in result.message


def test_a_revocation_after_the_trusted_time_does_not_invalidate() -> None:
    made = pki("gost256")
    trust = TrustStore.load(
        roots=[made.root.certificate],
        crls=[current_crl(made.root, [(made.leaf.serial, AT + dt.timedelta(hours=2))])],
    )

    assert check(made.signature, trust).ok


def test_another_certificates_revocation_does_not_matter() -> None:
    made = pki("gost256")
    trust = TrustStore.load(
        roots=[made.root.certificate],
        crls=[current_crl(made.root, [(made.leaf.serial + 1, AT - DAY)])],
    )

    assert check(made.signature, trust).ok


def test_a_later_crl_answers_for_an_earlier_time() -> None:
    """Re-checking an old signature at its recorded time with today's list."""
    made = pki("gost256")
    today = make_crl(made.root, this_update=AT + 100 * DAY, next_update=AT + 107 * DAY)
    revoked = make_crl(
        made.root,
        revoked=[(made.leaf.serial, AT + 50 * DAY)],
        this_update=AT + 100 * DAY,
        next_update=AT + 107 * DAY,
    )

    assert check(made.signature, TrustStore.load(roots=[made.root.certificate], crls=[today])).ok
    assert check(made.signature, TrustStore.load(roots=[made.root.certificate], crls=[revoked])).ok


def test_without_a_crl_the_certificate_cannot_be_checked() -> None:
    made = pki("gost256")

    result = check(made.signature, TrustStore.load(roots=[made.root.certificate]))

    assert result.failure is Failure.NO_CRL
    assert "Тестовый УЦ gost256" in result.message


def test_a_stale_crl_is_no_crl() -> None:
    made = pki("gost256")
    stale = make_crl(made.root, this_update=AT - 10 * DAY, next_update=AT - DAY)

    result = check(made.signature, TrustStore.load(roots=[made.root.certificate], crls=[stale]))

    assert result.failure is Failure.NO_CRL


def test_a_crl_signed_by_another_key_is_no_crl() -> None:
    made = pki("gost256")
    forger = root_ca("Тестовый УЦ gost256", "gost256")

    result = check(
        made.signature,
        TrustStore.load(roots=[made.root.certificate], crls=[current_crl(forger)]),
    )

    assert result.failure is Failure.NO_CRL


def test_a_crl_of_another_ca_is_no_crl() -> None:
    made = pki("gost256")
    other = pki("gost512")

    result = check(
        made.signature,
        TrustStore.load(roots=[made.root.certificate, other.root.certificate], crls=[other.crl]),
    )

    assert result.failure is Failure.NO_CRL


def test_a_signature_without_the_signers_certificate_is_malformed() -> None:
    made = pki("gost256")

    result = check(sign_detached(CONTENT, made.leaf, include_certificate=False), made.trust)

    assert result.failure is Failure.MALFORMED
    assert result.certificate is None
    assert certificate_info(sign_detached(CONTENT, made.leaf, include_certificate=False)) is None


@pytest.mark.parametrize(
    "garbage",
    [b"", b"not a signature", b"\x30\x03\x02\x01", b"%PDF-1.7\n" + CONTENT, b"MIIB" * 50],
    ids=["empty", "text", "truncated-der", "a-pdf", "bad-base64"],
)
def test_garbage_is_malformed_and_never_raises(garbage: bytes) -> None:
    result = check(garbage, pki("gost256").trust)

    assert result.failure is Failure.MALFORMED
    assert result.message
    assert result.certificate is None
    assert certificate_info(garbage) is None


def test_a_truncated_signature_is_malformed() -> None:
    made = pki("gost256")

    assert check(made.signature[:-10], made.trust).failure is Failure.MALFORMED


def test_pem_and_bare_base64_are_accepted() -> None:
    made = pki("gost256")
    armored = pem.armor("CMS", made.signature)
    bare = base64.encodebytes(made.signature)

    assert check(armored, made.trust).ok
    assert check(pem.armor("PKCS7", made.signature), made.trust).ok
    assert check(bare, made.trust).ok


def test_a_signing_time_in_the_future_is_malformed() -> None:
    made = pki("gost256")
    soon = sign_detached(CONTENT, made.leaf, signing_time=AT + dt.timedelta(minutes=4))
    future = sign_detached(CONTENT, made.leaf, signing_time=AT + dt.timedelta(minutes=30))

    assert check(soon, made.trust).ok
    result = check(future, made.trust)
    assert result.failure is Failure.MALFORMED
    assert result.signed_at == AT + dt.timedelta(minutes=30)


def test_a_signature_without_signing_time_is_accepted() -> None:
    made = pki("ecdsa")

    result = check(sign_detached(CONTENT, made.leaf), made.trust)

    assert result.ok and result.signed_at is None


def _edited(signature: bytes, edit) -> bytes:  # type: ignore[no-untyped-def]
    """The CMS after ``edit``: only the edited parts are encoded again (a forced dump of
    everything would fail on the GOST keys that asn1crypto cannot encode)."""
    info = asn1_cms.ContentInfo.load(signature)
    signed = info["content"]
    edit(signed)
    signers = signed["signer_infos"]
    for index in range(len(signers)):
        signers[index] = signers[index]
    signed["signer_infos"] = signers
    signed["encap_content_info"] = signed["encap_content_info"]
    info["content"] = signed
    edited = bytes(info.dump())
    assert edited != signature
    return edited


def test_an_attached_signature_is_malformed() -> None:
    made = pki("rsa")

    def attach(signed) -> None:  # type: ignore[no-untyped-def]
        signed["encap_content_info"] = {"content_type": "data", "content": CONTENT}

    result = check(_edited(made.signature, attach), made.trust)

    assert result.failure is Failure.MALFORMED
    assert "attached" in result.message or "внутри" in result.message


def test_an_unknown_digest_algorithm_is_unsupported() -> None:
    made = pki("rsa")

    def md5(signed) -> None:  # type: ignore[no-untyped-def]
        signed["signer_infos"][0]["digest_algorithm"] = {"algorithm": "md5"}

    result = check(_edited(made.signature, md5), made.trust)

    assert result.failure is Failure.UNSUPPORTED
    assert result.certificate is not None


def test_a_gost_key_with_a_foreign_digest_is_unsupported() -> None:
    made = pki("gost256")

    def sha256(signed) -> None:  # type: ignore[no-untyped-def]
        signed["signer_infos"][0]["digest_algorithm"] = {"algorithm": "sha256"}

    assert check(_edited(made.signature, sha256), made.trust).failure is Failure.UNSUPPORTED


def test_several_signers_in_one_file_are_unsupported() -> None:
    made = pki("ecdsa")
    other = asn1_cms.ContentInfo.load(sign_detached(CONTENT, pki("rsa").leaf))

    def cosign(signed) -> None:  # type: ignore[no-untyped-def]
        signed["signer_infos"] = [
            signed["signer_infos"][0],
            other["content"]["signer_infos"][0],
        ]

    assert check(_edited(made.signature, cosign), made.trust).failure is Failure.UNSUPPORTED


def test_missing_signed_attributes_are_malformed() -> None:
    made = pki("ecdsa")

    def strip(signed) -> None:  # type: ignore[no-untyped-def]
        attrs = signed["signer_infos"][0]["signed_attrs"]
        signed["signer_infos"][0]["signed_attrs"] = [
            attr for attr in attrs if attr["type"].native != "message_digest"
        ]

    assert check(_edited(made.signature, strip), made.trust).failure is Failure.MALFORMED


def test_certificate_info_reads_the_signer_without_checks() -> None:
    made = pki("gost512")

    info = certificate_info(made.signature)

    assert info is not None
    assert info.owner == "Иванов Иван Иванович"
    assert info.algorithm == "ГОСТ Р 34.10-2012 (512 бит)"
    assert info.issuer == "Тестовый УЦ gost512"


def test_an_rsa_pss_signature_verifies() -> None:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    made = pki("rsa")
    key = made.leaf.key

    def pss(signed, *, break_it: bool = False) -> None:  # type: ignore[no-untyped-def]
        signer = signed["signer_infos"][0]
        signer["signature_algorithm"] = {
            "algorithm": "rsassa_pss",
            "parameters": {
                "hash_algorithm": {"algorithm": "sha256"},
                "mask_gen_algorithm": {
                    "algorithm": "mgf1",
                    "parameters": {"algorithm": "sha256"},
                },
                "salt_length": 32,
            },
        }
        attrs = signer["signed_attrs"].dump()
        data = b"\x31" + attrs[1:] + (b"!" if break_it else b"")
        signer["signature"] = key.sign(  # type: ignore[attr-defined]
            data,
            padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32),
            hashes.SHA256(),
        )

    assert check(_edited(made.signature, pss), made.trust).ok
    broken = _edited(made.signature, functools.partial(pss, break_it=True))
    assert check(broken, made.trust).failure is Failure.SIGNATURE_INVALID


def test_one_store_checks_many_signatures_each_on_its_own() -> None:
    """The store remembers verified links and CRLs; that never carries a verdict over."""
    made = pki("gost256")
    forger = root_ca("Тестовый УЦ gost256", "gost256")
    forged = make_cert(forger, not_before=AT - DAY, not_after=AT + 300 * DAY)
    revoked = make_cert(made.root, not_before=AT - DAY, not_after=AT + 300 * DAY)
    trust = TrustStore.load(
        roots=[made.root.certificate],
        crls=[current_crl(made.root, [(revoked.serial, AT - DAY)])],
    )

    for _ in range(2):
        assert check(made.signature, trust).ok
        assert check(sign_detached(CONTENT, forged), trust).failure is Failure.UNTRUSTED
        assert check(sign_detached(CONTENT, revoked), trust).failure is Failure.REVOKED
    assert trust.revocations(trust.crls[0]) == {revoked.serial: AT - DAY}


def _indefinite(der: bytes) -> bytes:
    """The CMS as CryptoPro CSP writes it: BER, ContentInfo, [0] and SignedData with
    indefinite lengths (``30 80 … 00 00``)."""
    info = asn1_cms.ContentInfo.load(der)
    oid = info["content_type"].dump()
    signed = info["content"]
    return b"\x30\x80" + oid + b"\xa0\x80" + b"\x30\x80" + signed.contents + b"\x00\x00" * 3


@pytest.mark.parametrize("algorithm", ["gost256", "rsa"])
def test_ber_with_indefinite_lengths_is_accepted(algorithm: str) -> None:
    made = pki(algorithm)
    ber = _indefinite(made.signature)
    assert ber[:2] == b"\x30\x80" and ber != made.signature

    assert check(ber, made.trust).ok
    assert check(base64.encodebytes(ber), made.trust).ok
    assert check(made.signature + b"\r\n", made.trust).ok
    assert check(made.signature + b"more", made.trust).failure is Failure.MALFORMED
    assert check(ber[:-2], made.trust).failure is Failure.MALFORMED
