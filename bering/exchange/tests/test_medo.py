"""The МЭДО container as stories between two organizations that see each other only
through the bytes of containers: export, import, receipt, notifications, and every
reason a container is refused whole."""

from __future__ import annotations

import dataclasses
import io
import zipfile
from collections.abc import Iterator

import pytest
import weasyprint
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import translation

from bering.assignments import services as assignment_services
from bering.assignments.tests.factories import spec
from bering.audit.models import AuditEvent
from bering.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from bering.documents import services as document_services
from bering.documents.tests.factories import JournalFactory, doc_type
from bering.exchange import (
    container,
    selectors_medo,
    services_medo,
    services_medo_answer,
    services_medo_export,
)
from bering.exchange.container import ContainerRefused
from bering.exchange.models import MedoInbound, MedoMessage, MedoPackage
from bering.exchange.tests.factories import outgoing
from bering.exchange.tests.medo_kit import medo_files, medo_named, sign_qualified
from bering.orgs.tests.factories import EmployeeFactory, OrganizationFactory, UserFactory
from bering.signatures.models import Signature
from conftest import Persona

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """The refusals are compared by their English msgids (the clerk reads them in Russian)."""
    with translation.override("en"):
        yield


def rebuild(data: bytes, **change: object) -> bytes:
    """The container again, its passport and files changed as a forger would."""
    parsed = container.read(data)
    passport = dataclasses.replace(parsed.passport, **change)  # type: ignore[arg-type]
    members = {f.name: parsed.members[f.name] for f in passport.files}
    return container.build(passport, members)


def rezip(
    data: bytes,
    *,
    drop: str = "",
    replace: dict[str, bytes] | None = None,
    add: dict[str, bytes] | None = None,
) -> bytes:
    """The same ZIP with a member dropped, replaced or added (the passport untouched)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            if info.filename == drop:
                continue
            content = (replace or {}).get(info.filename, source.read(info.filename))
            target.writestr(info.filename, content)
        for name, content in (add or {}).items():
            target.writestr(name, content)
    return out.getvalue()


def incoming_journal(persona: Persona):  # type: ignore[no-untyped-def]
    return JournalFactory(organization=persona.org, flow="incoming", index="01")


def assert_refused(actor, data: bytes, words: str, error=ContainerRefused) -> None:  # type: ignore[no-untyped-def]
    before = (MedoInbound.objects.count(), MedoMessage.objects.count())
    kept = medo_files()
    with pytest.raises(error) as caught:
        services_medo.medo_import(actor=actor, data=data)
    assert words in str(caught.value.message)
    assert (MedoInbound.objects.count(), MedoMessage.objects.count()) == before
    assert medo_files() == kept  # nothing written, or written and deleted again


def test_round_trip_between_two_organizations(
    package, container_data, signed, registrar, outsider, education
):
    # The sender's container: the passport, the original and its detached signature.
    names = zipfile.ZipFile(io.BytesIO(container_data)).namelist()
    assert names == ["passport.xml", "file1.pdf", "file1.pdf.sig1.p7s"]
    assert package.sha256 == container.sha256(container_data)
    assert AuditEvent.objects.filter(verb="medo.exported", object_id=signed.pk).exists()

    # The addressee takes the bytes: the document waits in its queue with its requisites.
    result = services_medo.medo_import(actor=outsider.actor, data=container_data)
    inbound = result.inbound
    assert result.kind == container.DOCUMENT and inbound is not None
    assert list(selectors_medo.inbound_queue(outsider.actor)) == [inbound]
    assert (inbound.number, inbound.date, inbound.title) == (
        signed.reg_number,
        signed.reg_date,
        signed.title,
    )
    assert inbound.sender == "Министерство здравоохранения Камчатского края"
    assert inbound.signatures[0]["owner"] == "Борисов Борис"
    assert "34.10-2012" in inbound.signatures[0]["algorithm"], inbound.signatures

    # Its receipt lists every received file with its hash; the sender imports it.
    receipt = result.acknowledgement
    assert receipt is not None and receipt.kind == container.ACKNOWLEDGEMENT
    parsed = container.read(selectors_medo.container_bytes(receipt.storage_name))
    assert [(f.name, f.sha256) for f in parsed.passport.files] == [
        (f["name"], f["sha256"]) for f in package.files
    ]
    answer = services_medo.medo_import(
        actor=registrar.actor, data=selectors_medo.container_bytes(receipt.storage_name)
    )
    assert answer.package == package
    package.refresh_from_db()
    assert package.status == MedoPackage.Status.ACKNOWLEDGED and package.receipt_mismatch == ""

    # The addressee registers it: their number and date, the sender's files, a notice.
    incoming = services_medo_answer.medo_register(
        actor=outsider.actor, inbound=inbound, journal=incoming_journal(outsider)
    )
    assert incoming.correspondent_number == signed.reg_number
    assert incoming.correspondent_date == signed.reg_date
    assert [f.stored.sha256 for f in incoming.files.all()] == [signed.files.get().stored.sha256]
    inbound.refresh_from_db()
    assert inbound.status == MedoInbound.Status.REGISTERED and inbound.incoming == incoming
    assert list(selectors_medo.inbound_queue(outsider.actor)) == []
    notice = MedoMessage.objects.get(inbound=inbound, event=container.REGISTERED)
    services_medo.medo_import(
        actor=registrar.actor, data=selectors_medo.container_bytes(notice.storage_name)
    )
    package.refresh_from_db()
    assert package.status == MedoPackage.Status.REGISTERED
    assert (package.their_number, package.their_date) == (incoming.reg_number, incoming.reg_date)

    # The head gives a resolution: the sweep makes the notice «executor assigned», once.
    worker = EmployeeFactory(user=UserFactory(username="olga"), organization=education)
    assignment_services.resolution_issue(actor=outsider.actor, document=incoming, spec=spec(worker))
    assert services_medo_answer.medo_progress_sweep() == 1
    assert services_medo_answer.medo_progress_sweep() == 0
    assigned = MedoMessage.objects.get(inbound=inbound, event=container.EXECUTOR_ASSIGNED)
    services_medo.medo_import(
        actor=registrar.actor, data=selectors_medo.container_bytes(assigned.storage_name)
    )
    package.refresh_from_db()
    assert package.progress == container.EXECUTOR_ASSIGNED

    # The answer is registered: the notice «answered».
    reply = document_services.document_create(
        actor=outsider.actor,
        card=document_services.Card(
            doc_type=doc_type("outgoing-letter"), title="Ответ о вакцине", in_reply_to=incoming
        ),
        flow="outgoing",
    )
    journal = JournalFactory(organization=education, flow="outgoing", index="02")
    document_services.document_register(actor=outsider.actor, document=reply, journal=journal)
    assert services_medo_answer.medo_progress_sweep() == 1
    answered = MedoMessage.objects.get(inbound=inbound, event=container.ANSWERED)
    services_medo.medo_import(
        actor=registrar.actor, data=selectors_medo.container_bytes(answered.storage_name)
    )
    package.refresh_from_db()
    assert package.progress == container.ANSWERED
    assert package.status == MedoPackage.Status.REGISTERED
    verbs = set(AuditEvent.objects.values_list("verb", flat=True))
    assert {"medo.received", "medo.registered", "medo.answer_received"} <= verbs
    assert "medo.progress_notified" in verbs
    # Every container kept is named by its row, and nothing else is in storage.
    assert medo_files() == medo_named() and len(medo_named()) == 10


def test_refusal_goes_back_with_its_reason(package, container_data, registrar, outsider):
    inbound = services_medo.medo_import(actor=outsider.actor, data=container_data).inbound
    assert inbound is not None
    services_medo_answer.medo_refuse(
        actor=outsider.actor, inbound=inbound, reason="not_competent", note="Это в Минфин"
    )
    inbound.refresh_from_db()
    assert inbound.status == MedoInbound.Status.REFUSED
    kept = medo_files()
    assert kept == medo_named()
    with pytest.raises(Conflict):
        services_medo_answer.medo_register(
            actor=outsider.actor, inbound=inbound, journal=incoming_journal(outsider)
        )
    with pytest.raises(Conflict):  # its notice was written before the transaction
        services_medo_answer.medo_refuse(actor=outsider.actor, inbound=inbound, reason="illegible")
    assert medo_files() == kept and MedoMessage.objects.filter(inbound=inbound).count() == 2
    notice = MedoMessage.objects.get(inbound=inbound, event=container.REFUSED)
    services_medo.medo_import(
        actor=registrar.actor, data=selectors_medo.container_bytes(notice.storage_name)
    )
    package.refresh_from_db()
    assert package.status == MedoPackage.Status.REFUSED
    assert (package.refusal_reason, package.refusal_note) == ("not_competent", "Это в Минфин")


def test_a_receipt_with_other_hashes_is_flagged(package, container_data, registrar, outsider):
    receipt = services_medo.medo_import(actor=outsider.actor, data=container_data).acknowledgement
    assert receipt is not None
    parsed = container.read(selectors_medo.container_bytes(receipt.storage_name))
    changed = [dataclasses.replace(parsed.passport.files[0], sha256="0" * 64)]
    forged = dataclasses.replace(
        parsed.passport, uid=container.new_uid(), files=changed + parsed.passport.files[1:]
    )
    services_medo.medo_import(actor=registrar.actor, data=container.build(forged, {}))
    package.refresh_from_db()
    assert "file1.pdf" in package.receipt_mismatch


def test_an_answer_to_a_container_not_sent_keeps_nothing(container_data, registrar, outsider):
    """Refused inside the transaction, after its container was written: deleted again."""
    receipt = services_medo.medo_import(actor=outsider.actor, data=container_data).acknowledgement
    assert receipt is not None
    parsed = container.read(selectors_medo.container_bytes(receipt.storage_name))
    forged = dataclasses.replace(
        parsed.passport, uid=container.new_uid(), refers_to=container.new_uid()
    )
    assert_refused(registrar.actor, container.build(forged, {}), "did not send")


def test_the_same_container_twice_is_a_duplicate(container_data, outsider):
    services_medo.medo_import(actor=outsider.actor, data=container_data)
    assert_refused(outsider.actor, container_data, "already received", error=Conflict)


def test_a_changed_byte_refuses_the_container(container_data, outsider):
    original = zipfile.ZipFile(io.BytesIO(container_data)).read("file1.pdf")
    damaged = original[:100] + bytes([original[100] ^ 1]) + original[101:]
    data = rezip(container_data, replace={"file1.pdf": damaged})
    assert_refused(outsider.actor, data, "does not match its hash")


def test_a_signature_over_other_bytes_refuses_the_container(container_data, outsider, pki):
    parsed = container.read(container_data)
    other = pki.sign(b"another text altogether")
    files = [
        container.entry(f.name, f.role, other, signs=f.signs) if f.role == "signature" else f
        for f in parsed.passport.files
    ]
    passport = dataclasses.replace(parsed.passport, files=files)
    members = {**parsed.members, "file1.pdf.sig1.p7s": other}
    assert_refused(outsider.actor, container.build(passport, members), "does not hold")


def test_a_missing_or_unlisted_file_refuses_the_container(container_data, outsider):
    assert_refused(outsider.actor, rezip(container_data, drop="file1.pdf"), "lacks it")
    assert_refused(
        outsider.actor, rezip(container_data, add={"extra.pdf": b"%PDF"}), "does not list"
    )


def test_an_unsigned_document_refuses_the_container(container_data, outsider):
    parsed = container.read(container_data)
    files = [f for f in parsed.passport.files if f.role != "signature"]
    data = rebuild(container_data, files=files)
    assert_refused(outsider.actor, data, "qualified electronic signature")


BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<container xmlns="urn:bering:medo:container:1">&lol3;</container>"""
EXTERNAL = b"""<?xml version="1.0"?>
<!DOCTYPE container [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<container xmlns="urn:bering:medo:container:1"><header uid="&xxe;"/></container>"""


@pytest.mark.parametrize("passport", [BOMB, EXTERNAL], ids=["billion-laughs", "external-entity"])
def test_a_passport_with_entities_is_refused_unread(container_data, outsider, passport):
    data = rezip(container_data, replace={"passport.xml": passport})
    assert_refused(outsider.actor, data, "DTD")


def test_a_path_in_a_name_or_not_a_zip_is_refused(container_data, outsider):
    assert_refused(outsider.actor, rezip(container_data, add={"../../etc/x.pdf": b"x"}), "path")
    assert_refused(outsider.actor, b"%PDF-1.7 not a zip at all", "not a ZIP")
    assert_refused(outsider.actor, container_data[: len(container_data) // 2], "damaged")


def test_a_container_for_another_organization_is_refused(container_data, db):
    finance = OrganizationFactory(name="Министерство финансов КК", short_name="Минфин", code="MF")
    clerk = Persona(
        EmployeeFactory(user=UserFactory(username="fedor"), organization=finance, is_registrar=True)
    )
    assert_refused(clerk.actor, container_data, "addressed to")


def test_export_needs_a_qualified_signature_and_a_registrar(registrar, executor, education, pki):
    letter = outgoing(registrar)
    with pytest.raises(Conflict, match="qualified electronic signature"):
        services_medo_export.medo_export(
            actor=registrar.actor, document=letter, addressee=education.name
        )
    signature = sign_qualified(letter, registrar, pki)
    Signature.objects.filter(pk=signature.pk).update(verification="revoked")
    with pytest.raises(Conflict):  # a signature that did not hold does not count
        services_medo_export.medo_export(actor=registrar.actor, document=letter, addressee="Минобр")
    Signature.objects.filter(pk=signature.pk).update(verification="valid")
    with pytest.raises(Forbidden):
        services_medo_export.medo_export(actor=executor.actor, document=letter, addressee="Минобр")
    with pytest.raises(ValidationFailed):
        services_medo_export.medo_export(actor=registrar.actor, document=letter, addressee="  ")
    assert MedoPackage.objects.count() == 0


def test_each_organization_sees_only_its_own(package, container_data, registrar, outsider):
    inbound = services_medo.medo_import(actor=outsider.actor, data=container_data).inbound
    assert inbound is not None
    with pytest.raises(NotFound):
        selectors_medo.package_get_for_user(outsider.actor, package.pk)
    with pytest.raises(NotFound):
        selectors_medo.inbound_get_for_user(registrar.actor, inbound.pk)
    message = MedoMessage.objects.get(inbound=inbound)
    with pytest.raises(NotFound):
        selectors_medo.message_get_for_user(registrar.actor, message.pk)
    assert list(selectors_medo.messages_to_send(registrar.actor)) == []


def test_the_sweep_command_makes_the_due_notices(container_data, outsider, education):
    inbound = services_medo.medo_import(actor=outsider.actor, data=container_data).inbound
    assert inbound is not None
    incoming = services_medo_answer.medo_register(
        actor=outsider.actor, inbound=inbound, journal=incoming_journal(outsider)
    )
    worker = EmployeeFactory(user=UserFactory(username="olga"), organization=education)
    assignment_services.resolution_issue(actor=outsider.actor, document=incoming, spec=spec(worker))
    out = io.StringIO()
    call_command("exchange_medo_progress", stdout=out)
    assert out.getvalue().strip() == "notices: 1"
    assert MedoMessage.objects.filter(inbound=inbound, event="executor_assigned").count() == 1


def test_the_pdf_copy_travels_with_the_original(letter, registrar, outsider, education, pki):
    """An office file's PDF copy goes in the container beside the signed original, and
    the addressee's incoming document gets both."""
    stored = letter.files.get().stored
    copy = weasyprint.HTML(string="<p>копия письма</p>").write_pdf()
    name = default_storage.save("renditions/medo-test.pdf", ContentFile(copy))
    type(stored).objects.filter(pk=stored.pk).update(rendition_name=name, rendition_status="done")
    sign_qualified(letter, registrar, pki)
    package = services_medo_export.medo_export(
        actor=registrar.actor, document=letter, addressee=education.name, addressee_code="MO"
    )
    data = selectors_medo.container_bytes(package.storage_name)
    parsed = container.read(data)
    roles = [(f.name, f.role, f.of or f.signs) for f in parsed.passport.files]
    assert roles == [
        ("file1.pdf", "document", ""),
        ("file1.copy.pdf", "rendition", "file1.pdf"),
        ("file1.pdf.sig1.p7s", "signature", "file1.pdf"),
    ]
    inbound = services_medo.medo_import(actor=outsider.actor, data=data).inbound
    assert inbound is not None
    incoming = services_medo_answer.medo_register(
        actor=outsider.actor, inbound=inbound, journal=incoming_journal(outsider)
    )
    hashes = [f.stored.sha256 for f in incoming.files.order_by("slot")]
    assert hashes == [stored.sha256, container.sha256(copy)]
