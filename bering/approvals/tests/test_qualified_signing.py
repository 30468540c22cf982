"""Boris signs the approved draft with a qualified signature made on his own device: the
server gives the exact bytes, takes a detached CMS per file and verifies it (bytes,
certificate, chain, revocation, owner) before anything is signed."""

from __future__ import annotations

import base64
import datetime as dt
from pathlib import Path

import pytest

from bering.approvals import services
from bering.approvals.models import Visa
from bering.approvals.tests.test_workflow import plan, visa_of
from bering.audit.models import AuditEvent
from bering.core.errors import ValidationFailed
from bering.documents.models import Document
from bering.signatures import testpki
from bering.signatures.models import Signature

NOW = dt.datetime.now(dt.UTC)


@pytest.fixture(scope="module")
def pki():  # type: ignore[no-untyped-def]
    """A trusted GOST CA, Boris's certificate, Pavel's, and an untrusted CA's."""
    ca = testpki.make_ca("УЦ Камчатского края", algorithm="gost256")
    return {
        "ca": ca,
        "boris": testpki.make_cert(ca, owner="Борисов Борис", title="Министр"),
        "pavel": testpki.make_cert(ca, owner="Павлов Павел"),
        "stranger": testpki.make_cert(testpki.make_ca("Чужой УЦ"), owner="Борисов Борис"),
        "crl": testpki.make_crl(ca),
    }


@pytest.fixture
def trusted(pki, settings, tmp_path: Path):  # type: ignore[no-untyped-def]
    root = tmp_path / "root.cer"
    root.write_bytes(pki["ca"].certificate)
    crl = tmp_path / "ca.crl"
    crl.write_bytes(pki["crl"])
    settings.BERING_SIGNATURE_TRUST_ROOTS = [str(root)]
    settings.BERING_SIGNATURE_CRLS = [str(crl)]
    return pki


@pytest.fixture
def signing_visa(draft, executor, head, lawyer) -> Visa:  # type: ignore[no-untyped-def]
    services.approval_start(actor=executor.actor, document=draft, plan=plan(lawyer))
    services.visa_decide(actor=lawyer.actor, visa=visa_of(draft, lawyer), outcome="agreed")
    return visa_of(draft, head, kind="sign")


def _bytes_of(visa: Visa) -> dict[int, bytes]:
    from bering.approvals.selectors import run_files
    from bering.files.services import file_open

    out = {}
    for f in run_files(visa.run):
        with file_open(f.stored) as stream:
            out[f.pk] = stream.read()
    return out


def _signed(visa: Visa, signer) -> dict[int, bytes]:  # type: ignore[no-untyped-def]
    return {
        pk: testpki.sign_detached(data, signer, signing_time=NOW)
        for pk, data in _bytes_of(visa).items()
    }


def test_head_signs_with_a_qualified_signature(
    trusted, signing_visa, head, draft, django_capture_on_commit_callbacks
):
    cms = _signed(signing_visa, trusted["boris"])
    with django_capture_on_commit_callbacks(execute=True):
        services.approval_sign_qualified(actor=head.actor, visa=signing_visa, signatures=cms)

    draft.refresh_from_db()
    assert draft.status == Document.Status.SIGNED
    (signature,) = Signature.objects.filter(document_file__document=draft)
    assert signature.kind == Signature.Kind.QUALIFIED
    assert bytes(signature.cms) == next(iter(cms.values()))
    assert signature.verification == "valid" and signature.verified_at is not None
    assert signature.certificate["owner"] == "Борисов Борис"
    assert signature.certificate["algorithm"].startswith("ГОСТ Р 34.10-2012")
    assert signature.sha256 == signature.document_file.stored.sha256
    assert signature.marked_name, "the copy with the signature mark is made after the commit"
    event = AuditEvent.objects.get(object_id=draft.pk, verb="approval.signed")
    assert event.data["signatures"][0]["certificate"]["serial"] == signature.certificate["serial"]


@pytest.mark.parametrize(
    "case",
    ["other_bytes", "other_person", "untrusted", "missing", "garbage", "foreign_file"],
)
def test_a_refused_signature_signs_nothing(case, trusted, signing_visa, head, draft):
    files = _bytes_of(signing_visa)
    (pk,) = files
    signer = {"other_person": "pavel", "untrusted": "stranger"}.get(case, "boris")
    content = b"%PDF-1.7 other bytes" if case == "other_bytes" else files[pk]
    cms = {pk: testpki.sign_detached(content, trusted[signer], signing_time=NOW)}
    if case == "missing":
        cms = {}
    elif case == "garbage":
        cms = {pk: b"not a signature at all"}
    elif case == "foreign_file":
        cms[pk + 1000] = cms[pk]

    with pytest.raises(ValidationFailed) as raised:
        services.approval_sign_qualified(actor=head.actor, visa=signing_visa, signatures=cms)

    if case not in ("foreign_file",):
        assert "проект.pdf" in str(raised.value.message)
    signing_visa.refresh_from_db()
    draft.refresh_from_db()
    assert signing_visa.status == Visa.Status.PENDING
    assert draft.status == Document.Status.ON_SIGNING
    assert not Signature.objects.filter(document_file__document=draft).exists()


def test_only_the_signer_may_sign_even_with_a_valid_signature(trusted, signing_visa, lawyer, draft):
    from bering.core.errors import Forbidden

    with pytest.raises(Forbidden):
        services.approval_sign_qualified(
            actor=lawyer.actor,
            visa=signing_visa,
            signatures=_signed(signing_visa, trusted["pavel"]),
        )
    assert not Signature.objects.filter(document_file__document=draft).exists()


def test_signing_page_takes_uploaded_signature_files(trusted, signing_visa, head, draft):
    client = head.client()
    page = client.get(f"/approvals/visas/{signing_visa.pk}/")
    assert 'data-test="qualified-form"' in page.content.decode()
    ((pk, cms),) = _signed(signing_visa, trusted["boris"]).items()
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        f"/approvals/visas/{signing_visa.pk}/sign-qualified/",
        {f"signature-{pk}": SimpleUploadedFile("проект.pdf.sig", cms)},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Document.Status.SIGNED

    card = client.get(f"/documents/{draft.pk}/").content.decode()
    serial = Signature.objects.get(document_file__document=draft).certificate["serial"]
    assert 'data-test="signatures"' in card and serial in card
    assert 'data-test="verification"' in card
    sheet = client.get(f"/approvals/documents/{draft.pk}/sheet/").content.decode()
    assert serial in sheet and "Борисов Борис" in sheet


def test_signing_page_refusal_is_shown_and_nothing_signed(trusted, signing_visa, head, draft):
    client = head.client()
    (pk,) = _bytes_of(signing_visa)
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        f"/approvals/visas/{signing_visa.pk}/sign-qualified/",
        {f"signature-{pk}": SimpleUploadedFile("x.sig", b"garbage")},
        follow=True,
    )
    assert response.status_code == 200
    assert "проект.pdf" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Document.Status.ON_SIGNING


def test_api_gives_the_bytes_and_takes_base64_signatures(
    trusted, signing_visa, head, draft, api_client_for
):
    api = api_client_for(head)
    listed = api.get(f"/api/v1/approvals/visas/{signing_visa.pk}/files-to-sign")
    assert listed.status_code == 200
    (item,) = listed.json()
    fetched = api.get(item["download"])
    data = b"".join(fetched.streaming_content) if fetched.streaming else fetched.content
    import hashlib

    assert hashlib.sha256(data).hexdigest() == item["sha256"]

    bad = api.post(
        f"/api/v1/approvals/visas/{signing_visa.pk}/sign-qualified",
        {"signatures": [{"file": item["file"], "cms": "***"}]},
        format="json",
    )
    assert bad.status_code == 400
    wrong = api.post(
        f"/api/v1/approvals/visas/{signing_visa.pk}/sign-qualified",
        {
            "signatures": [
                {
                    "file": item["file"],
                    "cms": base64.b64encode(
                        testpki.sign_detached(b"other", trusted["boris"], signing_time=NOW)
                    ).decode(),
                }
            ]
        },
        format="json",
    )
    assert wrong.status_code == 400 and "проект.pdf" in str(wrong.json())

    cms = testpki.sign_detached(data, trusted["boris"], signing_time=NOW)
    encoded = base64.encodebytes(cms).decode().replace("\n", "\r\n")  # lines, as plug-ins do
    twice = api.post(
        f"/api/v1/approvals/visas/{signing_visa.pk}/sign-qualified",
        {"signatures": [{"file": item["file"], "cms": encoded}] * 2},
        format="json",
    )
    assert twice.status_code == 400
    done = api.post(
        f"/api/v1/approvals/visas/{signing_visa.pk}/sign-qualified",
        {"signatures": [{"file": item["file"], "cms": encoded}]},
        format="json",
    )
    assert done.status_code == 200, done.json()
    assert done.json()["status"] == "signed"
    sheet = api.get(f"/api/v1/documents/{draft.pk}/approval-sheet")
    (signature,) = sheet.json()["signatures"]
    assert signature["kind"] == "qualified" and signature["verification"] == "valid"
    assert signature["certificate"]["owner"] == "Борисов Борис"
