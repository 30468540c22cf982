"""Simple electronic signatures: made over the bytes read back, checked against them.

Boris (the head) signs Vera's draft. The check refuses changed bytes, another
signer, and an old version once a new one is uploaded.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
from pathlib import Path

import pytest
import weasyprint
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from bering.core.errors import Conflict
from bering.documents import services as document_services
from bering.documents.models import Document, DocumentFile
from bering.documents.tests.factories import doc_type
from bering.files.models import StoredFile
from bering.files.services import file_store
from bering.signatures.models import Signature
from bering.signatures.selectors import Verdict, signature_verify, signatures_for_files
from bering.signatures.services import file_digest, signatures_create_simple
from conftest import Persona

AT = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)


@functools.lru_cache(maxsize=8)
def make_pdf(text: str) -> bytes:
    return weasyprint.HTML(string=f"<h1>Проект</h1><p>{text}</p>").write_pdf()


@pytest.fixture
def draft(executor: Persona, head: Persona) -> Document:
    return document_services.document_create(
        actor=executor.actor,
        card=document_services.Card(
            doc_type=doc_type("memo"), title="О завозе топлива", signer=head.employee
        ),
        flow="internal",
        uploads=[
            document_services.Upload(name="проект.pdf", stream=io.BytesIO(make_pdf("один"))),
            document_services.Upload(name="приложение.pdf", stream=io.BytesIO(make_pdf("два"))),
        ],
    )


def main_file(document: Document) -> DocumentFile:
    return DocumentFile.objects.select_related("stored", "document").get(
        document=document, slot=min(document.files.values_list("slot", flat=True))
    )


def sign(item: DocumentFile, signer: Persona, *, at: dt.datetime = AT, **extra: int) -> Signature:
    [signature] = signatures_create_simple(
        document_file_ids=[item.pk],
        signer_id=signer.employee.pk,
        post_id=extra.get("post_id", signer.employee.pk),
        on_behalf_of_id=extra.get("on_behalf_of_id"),
        user_id=extra.get("user_id", signer.user.pk),
        at=at,
    )
    return Signature.objects.select_related("document_file__stored", "document_file__document").get(
        pk=signature.pk
    )


def tamper(item: DocumentFile, data: bytes = b"%PDF-1.7 forged") -> None:
    Path(default_storage.path(item.stored.storage_name)).write_bytes(data)


def test_signature_over_unchanged_bytes_verifies(draft: Document, head: Persona) -> None:
    item = main_file(draft)
    signature = sign(item, head)
    assert signature.sha256 == item.stored.sha256 == file_digest(item)
    assert signature.kind == Signature.Kind.SIMPLE
    assert (signature.signer_id, signature.post_id, signature.user_id) == (
        head.employee.pk,
        head.employee.pk,
        head.user.pk,
    )
    assert signature.signed_at == AT
    check = signature_verify(signature)
    assert check.verdict == Verdict.VALID and check.valid


def test_changed_bytes_in_storage_fail_the_check(draft: Document, head: Persona) -> None:
    signature = sign(main_file(draft), head)
    tamper(signature.document_file)
    check = signature_verify(signature)
    assert check.verdict == Verdict.BYTES_CHANGED and not check.valid


def test_bytes_lost_from_storage_fail_the_check_without_an_error(
    draft: Document, head: Persona
) -> None:
    signature = sign(main_file(draft), head)
    Path(default_storage.path(signature.document_file.stored.storage_name)).unlink()
    assert signature_verify(signature).verdict == Verdict.BYTES_CHANGED


def test_same_length_change_of_one_byte_fails_the_check(draft: Document, head: Persona) -> None:
    signature = sign(main_file(draft), head)
    path = Path(default_storage.path(signature.document_file.stored.storage_name))
    data = bytearray(path.read_bytes())
    data[-2] ^= 0x01
    path.write_bytes(bytes(data))
    assert signature_verify(signature).verdict == Verdict.BYTES_CHANGED


def test_a_signature_record_with_another_digest_fails(draft: Document, head: Persona) -> None:
    signature = sign(main_file(draft), head)
    Signature.objects.filter(pk=signature.pk).update(sha256="0" * 64)
    signature.refresh_from_db()
    assert signature_verify(signature).verdict == Verdict.BYTES_CHANGED


def test_changed_bytes_are_never_signed(draft: Document, head: Persona) -> None:
    item = main_file(draft)
    tamper(item)
    with pytest.raises(Conflict):
        sign(item, head)
    assert not Signature.objects.exists()


def test_one_changed_file_of_two_signs_none(draft: Document, head: Persona) -> None:
    files = list(DocumentFile.objects.filter(document=draft).select_related("stored"))
    assert len(files) == 2
    tamper(files[1])
    with pytest.raises(Conflict), transaction.atomic():
        signatures_create_simple(
            document_file_ids=[f.pk for f in files],
            signer_id=head.employee.pk,
            post_id=head.employee.pk,
            on_behalf_of_id=None,
            user_id=head.user.pk,
            at=AT,
        )
    assert not Signature.objects.exists()


def test_each_file_version_gets_its_own_signature(draft: Document, head: Persona) -> None:
    files = list(DocumentFile.objects.filter(document=draft).select_related("stored"))
    made = signatures_create_simple(
        document_file_ids=[f.pk for f in files],
        signer_id=head.employee.pk,
        post_id=head.employee.pk,
        on_behalf_of_id=None,
        user_id=head.user.pk,
        at=AT,
    )
    assert sorted(s.document_file_id for s in made) == sorted(f.pk for f in files)
    assert {s.document_file_id: s.sha256 for s in made} == {f.pk: f.stored.sha256 for f in files}


def test_a_missing_file_signs_nothing(draft: Document, head: Persona) -> None:
    item = main_file(draft)
    with pytest.raises(Conflict):
        signatures_create_simple(
            document_file_ids=[item.pk, 999_999],
            signer_id=head.employee.pk,
            post_id=head.employee.pk,
            on_behalf_of_id=None,
            user_id=head.user.pk,
            at=AT,
        )
    assert not Signature.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_signing_outside_a_transaction_is_refused(
    executor: Persona, head: Persona, django_capture_on_commit_callbacks
) -> None:
    with transaction.atomic():
        document = document_services.document_create(
            actor=executor.actor,
            card=document_services.Card(
                doc_type=doc_type("memo"), title="Вне транзакции", signer=head.employee
            ),
            flow="internal",
            uploads=[document_services.Upload(name="п.pdf", stream=io.BytesIO(make_pdf("т")))],
        )
    with pytest.raises(RuntimeError):
        signatures_create_simple(
            document_file_ids=[main_file(document).pk],
            signer_id=head.employee.pk,
            post_id=head.employee.pk,
            on_behalf_of_id=None,
            user_id=head.user.pk,
            at=AT,
        )
    assert not Signature.objects.exists()


def test_another_signer_fails_the_check(
    draft: Document, head: Persona, executor: Persona, controller: Persona
) -> None:
    signature = sign(main_file(draft), executor)  # Vera's signature on Boris's draft
    assert signature_verify(signature).verdict == Verdict.WRONG_SIGNER
    assert signature_verify(signature, signer_id=executor.employee.pk).valid
    boris = sign(main_file(draft), head, at=AT + dt.timedelta(minutes=1))
    assert signature_verify(boris).valid
    assert signature_verify(boris, signer_id=controller.employee.pk).verdict == (
        Verdict.WRONG_SIGNER
    )


def test_no_signer_on_the_card_verifies_nobody(draft: Document, head: Persona) -> None:
    Document.objects.filter(pk=draft.pk).update(signer=None)
    signature = sign(main_file(draft), head)
    assert signature_verify(signature).verdict == Verdict.WRONG_SIGNER


def test_substitute_signs_on_behalf_of_the_signer(
    draft: Document, head: Persona, controller: Persona
) -> None:
    """Dmitry signs for the absent Boris: the record names Boris as the one on
    whose behalf it is made, and Dmitry's post and user."""
    signature = sign(
        main_file(draft),
        controller,
        post_id=controller.employee.pk,
        on_behalf_of_id=head.employee.pk,
    )
    assert signature_verify(signature).valid
    assert signature_verify(signature, signer_id=head.employee.pk).valid


def test_a_new_version_leaves_the_old_signature_on_the_old_version(
    draft: Document, head: Persona, executor: Persona
) -> None:
    old = main_file(draft)
    signature = sign(old, head)
    stored = file_store(
        stream=io.BytesIO(make_pdf("новая редакция")), name="проект.pdf", uploaded_by_id=None
    )
    new = DocumentFile.objects.create(
        document=draft,
        slot=old.slot,
        version=old.version + 1,
        role=old.role,
        stored=stored,
        added_by=executor.employee,
    )
    check = signature_verify(signature)
    assert check.verdict == Verdict.NOT_CURRENT and not check.valid
    assert list(signatures_for_files([new.pk])) == []  # the current version is unsigned
    assert list(signatures_for_files([old.pk])) == [signature]


def test_selector_shows_only_the_asked_files_in_signing_order(
    draft: Document, head: Persona, controller: Persona
) -> None:
    first, second = DocumentFile.objects.filter(document=draft).order_by("slot")
    late = sign(first, head, at=AT + dt.timedelta(hours=1))
    early = sign(first, controller, at=AT)
    other = sign(second, head)
    assert list(signatures_for_files([first.pk])) == [early, late]
    assert list(signatures_for_files(iter([second.pk]))) == [other]
    assert set(signatures_for_files([first.pk, second.pk])) == {early, late, other}
    assert list(signatures_for_files([])) == []


def test_str_names_the_kind_and_digest(draft: Document, head: Persona) -> None:
    signature = sign(main_file(draft), head)
    assert signature.sha256[:12] in str(signature)
    assert timezone.is_aware(signature.signed_at)


def test_a_stored_digest_rewritten_after_signing_fails_the_check(
    draft: Document, head: Persona
) -> None:
    signature = sign(main_file(draft), head)
    StoredFile.objects.filter(pk=signature.document_file.stored_id).update(sha256="f" * 64)
    signature = Signature.objects.select_related(
        "document_file__stored", "document_file__document"
    ).get(pk=signature.pk)
    check = signature_verify(signature)
    assert check.verdict == Verdict.BYTES_CHANGED
    assert not check.valid


def test_new_versions_elsewhere_leave_the_signature_current(
    draft: Document, head: Persona, executor: Persona
) -> None:
    """A new version of another slot, or of the same slot of another document,
    does not make this file's signature an old version's."""
    main, attachment = DocumentFile.objects.filter(document=draft).order_by("slot")
    signature = sign(main, head)
    other = document_services.document_create(
        actor=executor.actor,
        card=document_services.Card(
            doc_type=doc_type("memo"), title="Другое", signer=head.employee
        ),
        flow="internal",
        uploads=[document_services.Upload(name="д.pdf", stream=io.BytesIO(make_pdf("д")))],
    )
    other_main = main_file(other)
    for document, slot in ((draft, attachment.slot), (other, other_main.slot)):
        DocumentFile.objects.create(
            document=document,
            slot=slot,
            version=5,
            role=DocumentFile.Role.ATTACHMENT,
            stored=attachment.stored,
            added_by=executor.employee,
        )
    check = signature_verify(signature)
    assert check.verdict == Verdict.VALID
    assert check.valid
