"""The МЭДО tests' world: a test CA trusted by the settings, a registered outgoing letter of
the Ministry of Health signed with a qualified signature, and its exported container."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bering.core import clock
from bering.documents.models import Document
from bering.exchange import selectors_medo, services_medo
from bering.exchange.models import MedoPackage
from bering.exchange.tests.factories import outgoing
from bering.files.services import file_open
from bering.signatures import testpki
from bering.signatures.models import Signature
from conftest import Persona


class Pki:
    def __init__(self, ca: testpki.Issued, signer: testpki.Issued) -> None:
        self.ca = ca
        self.signer = signer

    def sign(self, content: bytes) -> bytes:
        return testpki.sign_detached(content, self.signer, signing_time=clock.now())


@pytest.fixture
def pki(tmp_path: Path, settings: Any) -> Pki:
    ca = testpki.make_ca("Тестовый УЦ Камчатки", algorithm="ecdsa")
    signer = testpki.make_cert(
        ca,
        owner="Борисов Борис",
        organization="Министерство здравоохранения Камчатского края",
        title="Министр",
        algorithm="ecdsa",
    )
    root = tmp_path / "root.pem"
    root.write_bytes(ca.pem)
    crl = tmp_path / "ca.crl"
    crl.write_bytes(testpki.make_crl(ca))
    settings.BERING_SIGNATURE_TRUST_ROOTS = [str(root)]
    settings.BERING_SIGNATURE_INTERMEDIATES = []
    settings.BERING_SIGNATURE_CRLS = [str(crl)]
    return Pki(ca, signer)


def sign_qualified(document: Document, persona: Persona, pki: Pki) -> Signature:
    """A qualified signature of the document's main file, as the signing service keeps it."""
    item = document.files.get(slot=1)
    with file_open(item.stored) as fh:
        content = fh.read()
    return Signature.objects.create(
        document_file=item,
        kind=Signature.Kind.QUALIFIED,
        signer=persona.employee,
        post=persona.employee,
        user=persona.user,
        signed_at=clock.now(),
        sha256=item.stored.sha256,
        cms=pki.sign(content),
        certificate={"owner": "Борисов Борис", "serial": str(pki.signer.serial)},
        verification="valid",
        verified_at=clock.now(),
    )


@pytest.fixture
def letter(registrar: Persona) -> Document:
    return outgoing(registrar, title="О поставке вакцины в Усть-Камчатск")


@pytest.fixture
def signed(letter: Document, registrar: Persona, pki: Pki) -> Document:
    sign_qualified(letter, registrar, pki)
    return letter


@pytest.fixture
def package(signed: Document, registrar: Persona, education: Any) -> MedoPackage:
    return services_medo.medo_export(
        actor=registrar.actor,
        document=signed,
        addressee=education.name,
        addressee_code=education.code,
    )


@pytest.fixture
def container_data(package: MedoPackage) -> bytes:
    return selectors_medo.container_bytes(package.storage_name)
