"""The МЭДО tests' kit, shared with the API's isolation test: a test CA trusted by the
settings, a qualified signature as the signing service keeps it, and a set of МЭДО
objects of one organization (a package, a received document, a message)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.core.files.storage import default_storage
from django.test import override_settings

from bering.core import clock
from bering.documents.models import Document
from bering.exchange import selectors_medo, services_medo, services_medo_export
from bering.exchange.models import MedoInbound, MedoMessage, MedoPackage
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


def make_pki(folder: Path, algorithm: str = "gost256") -> tuple[Pki, dict[str, list[str]]]:
    """A CA and a signer's certificate (ГОСТ Р 34.10-2012 by default, as МЭДО uses), and the
    settings that trust them."""
    ca = testpki.make_ca("Тестовый УЦ Камчатки", algorithm=algorithm)
    signer = testpki.make_cert(
        ca,
        owner="Борисов Борис",
        organization="Министерство здравоохранения Камчатского края",
        title="Министр",
        algorithm=algorithm,
    )
    root = folder / "root.pem"
    root.write_bytes(ca.pem)
    crl = folder / "ca.crl"
    crl.write_bytes(testpki.make_crl(ca))
    trust = {
        "BERING_SIGNATURE_TRUST_ROOTS": [str(root)],
        "BERING_SIGNATURE_INTERMEDIATES": [],
        "BERING_SIGNATURE_CRLS": [str(crl)],
    }
    return Pki(ca, signer), trust


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


def medo_objects(owner: Persona, sender: Persona, *, title: str) -> dict[str, int]:
    """МЭДО objects of ``owner``'s organization, each with ``title`` in it: a package of its
    letter to ``sender``'s organization, and ``sender``'s letter received by it (with the
    acknowledgement made for ``sender``)."""
    pki, trust = make_pki(Path(tempfile.mkdtemp(prefix="medo-pki-")))
    with override_settings(**trust):
        ours = outgoing(owner, title=title)
        sign_qualified(ours, owner, pki)
        package = services_medo_export.medo_export(
            actor=owner.actor,
            document=ours,
            addressee=sender.org.name,
            addressee_code=sender.org.code or "",
        )
        theirs = outgoing(sender, title=title)
        sign_qualified(theirs, sender, pki)
        sent = services_medo_export.medo_export(
            actor=sender.actor,
            document=theirs,
            addressee=owner.org.name,
            addressee_code=owner.org.code or "",
        )
        data = selectors_medo.container_bytes(sent.storage_name)
        result = services_medo.medo_import(actor=owner.actor, data=data)
    assert result.inbound is not None and result.acknowledgement is not None
    return {
        "medo_document": ours.pk,
        "medo_package": package.pk,
        "medo_inbound": result.inbound.pk,
        "medo_message": result.acknowledgement.pk,
    }


def medo_files(folder: str = "medo") -> set[str]:
    """Every file in storage under ``medo/``, by its storage name."""
    if not default_storage.exists(folder):
        return set()
    folders, files = default_storage.listdir(folder)
    found = {f"{folder}/{name}" for name in files}
    for sub in folders:
        found |= medo_files(f"{folder}/{sub}")
    return found


def medo_named() -> set[str]:
    """The containers the МЭДО rows name: all that may be in ``medo/``."""
    return {
        name
        for model in (MedoPackage, MedoInbound, MedoMessage)
        for name in model._default_manager.values_list("storage_name", flat=True)
    }
