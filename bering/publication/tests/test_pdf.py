"""The published copy of a PDF holding JavaScript, a launch action and an embedded file."""

from __future__ import annotations

import hashlib
import io

import pypdf
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject, TextStringObject

from bering.files import pdf as pdf_facts
from bering.files.services import file_open
from bering.publication import selectors, services
from bering.publication.pdf import publish_copy
from bering.publication.tests.conftest import act_pdf, mark


def hostile_pdf(data: bytes) -> bytes:
    """``data`` with an /OpenAction script, a document script, a /Launch link and a file."""
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(data)))
    script = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert(1)"),
        }
    )
    root = writer._root_object
    root[NameObject("/OpenAction")] = writer._add_object(script)
    root[NameObject("/AA")] = DictionaryObject({NameObject("/WC"): writer._add_object(script)})
    writer.add_attachment("evil.exe", b"MZ-not-really")
    names = root["/Names"].get_object()
    names[NameObject("/JavaScript")] = DictionaryObject(
        {NameObject("/Names"): ArrayObject([TextStringObject("x"), writer._add_object(script)])}
    )
    launch = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject([NumberObject(0)] * 4),
            NameObject("/A"): DictionaryObject(
                {
                    NameObject("/S"): NameObject("/Launch"),
                    NameObject("/F"): TextStringObject("calc.exe"),
                }
            ),
        }
    )
    writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(launch)])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


NOTE = "Опубликовано 03.12.2026 · Документ подписан электронной подписью: Борисов Б."


def test_the_hostile_sample_holds_what_the_copy_must_not():
    found = pdf_facts.scan(hostile_pdf(act_pdf())).active
    assert found == {
        pdf_facts.Active.JAVASCRIPT,
        pdf_facts.Active.LAUNCH,
        pdf_facts.Active.EMBEDDED_FILE,
    }


def test_the_copy_has_no_active_content_and_holds_the_note():
    hostile = hostile_pdf(act_pdf())
    copy = publish_copy(hostile, NOTE)
    assert pdf_facts.scan(copy).active == frozenset()
    reader = pypdf.PdfReader(io.BytesIO(copy))
    assert "/OpenAction" not in reader.trailer["/Root"]
    assert "/Names" not in reader.trailer["/Root"]
    assert "/Annots" not in reader.pages[0]
    text = pdf_facts.text(copy, limit=100_000)
    assert NOTE in text
    assert "Утвердить основные характеристики" in text


def test_safe_links_stay():
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(act_pdf())))
    link = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject([NumberObject(0)] * 4),
            NameObject("/A"): DictionaryObject(
                {
                    NameObject("/S"): NameObject("/URI"),
                    NameObject("/URI"): TextStringObject("https://kamgov.ru/"),
                }
            ),
        }
    )
    writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(link)])
    out = io.BytesIO()
    writer.write(out)
    copy = publish_copy(out.getvalue(), NOTE)
    assert len(pypdf.PdfReader(io.BytesIO(copy)).pages[0]["/Annots"]) == 1


@pytest.fixture
def hostile_act(act):
    """The act's signed main file replaced in storage by a hostile PDF with its own digest,
    as a file uploaded before the upload checks refused active content would be."""
    signature = selectors.main_signature(act)
    stored = signature.document_file.stored
    data = hostile_pdf(act_pdf())
    default_storage.delete(stored.storage_name)
    default_storage.save(stored.storage_name, ContentFile(data))
    digest = hashlib.sha256(data).hexdigest()
    type(stored).objects.filter(pk=stored.pk).update(sha256=digest, size=len(data))
    type(signature).objects.filter(pk=signature.pk).update(sha256=digest)
    return act, data


def test_publishing_a_hostile_act_publishes_a_clean_copy_and_keeps_the_original(
    hostile_act, executor, registrar
):
    act, original = hostile_act
    mark(executor, act)
    publication = services.publication_publish(actor=registrar.actor, document=act)
    with file_open(publication.pdf) as stream:
        copy = stream.read()
    assert pdf_facts.scan(copy).active == frozenset()
    assert "Опубликовано" in pdf_facts.text(copy, limit=100_000)
    signature = selectors.main_signature(act)
    with file_open(signature.document_file.stored) as stream:
        assert stream.read() == original
    assert publication.signed_sha256 == hashlib.sha256(original).hexdigest()
