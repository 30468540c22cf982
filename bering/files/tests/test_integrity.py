"""The integrity sweep: signed and registered files hashed again, a slice per run.

The demo region passes with no mismatch. Bytes changed behind the system's back (or gone)
are reported once — an audit event on the document, a notification to the region
administrator — and not again on the next pass. With ``days=1`` a pass takes exactly the
runs of one day, each run checking its share.
"""

from __future__ import annotations

import io
import math
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command

from bering.accounts.models import User
from bering.api.tests.conftest import bearer
from bering.audit.models import AuditEvent
from bering.documents import services as document_services
from bering.documents.models import Document, DocumentFile
from bering.documents.tests.factories import doc_type
from bering.files import integrity, samples
from bering.files.models import IntegrityState, StoredFile
from bering.notifications.models import Notification
from bering.signatures.services import signatures_create_simple
from conftest import Persona


def _document(author: Persona, signer: Persona, title: str, files: int = 1) -> Document:
    return document_services.document_create(
        actor=author.actor,
        card=document_services.Card(doc_type=doc_type("memo"), title=title, signer=signer.employee),
        flow="internal",
        uploads=[
            document_services.Upload(
                name=f"файл-{n}.pdf", stream=io.BytesIO(samples.make_pdf(title, f"Часть {n}"))
            )
            for n in range(files)
        ],
    )


def _stored(document: Document) -> list[StoredFile]:
    return [f.stored for f in DocumentFile.objects.filter(document=document).order_by("pk")]


def _full_pass(**limits: int) -> list[integrity.RunResult]:
    runs = []
    for _ in range(1000):
        runs.append(integrity.integrity_run(**limits))
        if runs[-1].pass_finished:
            return runs
    raise AssertionError("the pass never ended")


@pytest.fixture
def region_admin(head: Persona) -> Persona:
    User.objects.filter(pk=head.user.pk).update(is_region_admin=True)
    return head


@pytest.fixture
def sealed(executor: Persona, head: Persona) -> dict[str, Document]:
    """A signed document (two files), a draft with a signed file, a plain draft."""
    registered = _document(executor, head, "О завозе топлива", files=2)
    Document.objects.filter(pk=registered.pk).update(status=Document.Status.SIGNED)
    signed_draft = _document(executor, head, "О ремонте котельной")
    [item] = DocumentFile.objects.filter(document=signed_draft)
    signatures_create_simple(
        document_file_ids=[item.pk],
        signer_id=head.employee.pk,
        post_id=head.employee.pk,
        on_behalf_of_id=None,
        user_id=head.user.pk,
        at=item.added_at,
    )
    draft = _document(executor, head, "Черновик")
    return {"registered": registered, "signed_draft": signed_draft, "draft": draft}


def test_the_scope_is_signed_and_registered_files_only(sealed: dict[str, Document]) -> None:
    expected = {s.pk for s in _stored(sealed["registered"]) + _stored(sealed["signed_draft"])}
    assert set(integrity.files_in_scope().values_list("pk", flat=True)) == expected
    assert not {s.pk for s in _stored(sealed["draft"])} & expected


@pytest.mark.django_db
def test_the_demo_region_passes_with_no_mismatch() -> None:
    call_command("seed_demo", documents=20, stdout=io.StringIO())
    total = integrity.files_in_scope().count()
    assert 0 < total < integrity.runs_per_day()  # one file a run with days=1
    for _ in range(total):
        call_command("files_verify_integrity", days=1, stdout=io.StringIO())
        if IntegrityState.objects.get().last_pass_finished_at is not None:
            break
    state = IntegrityState.objects.get()
    assert state.last_pass_finished_at is not None
    assert (state.last_pass_checked, state.last_pass_mismatches) == (total, 0)
    assert not AuditEvent.objects.filter(verb="files.integrity_mismatch").exists()
    assert not StoredFile.objects.exclude(integrity_alert="").exists()
    assert integrity.files_in_scope().filter(integrity_checked_at__isnull=True).count() == 0


def test_a_planted_mismatch_is_reported_once(
    sealed: dict[str, Document], region_admin: Persona, outsider: Persona
) -> None:
    User.objects.filter(pk=outsider.user.pk).update(is_region_admin=True)
    victim = _stored(sealed["registered"])[1]
    Path(default_storage.path(victim.storage_name)).write_bytes(b"%PDF-1.7 forged")

    runs = _full_pass(days=1, runs=2)
    assert [r.reported for r in runs if r.reported] == [[victim.pk]]
    [event] = AuditEvent.objects.filter(verb="files.integrity_mismatch")
    assert (event.object_type, event.object_id) == ("document", sealed["registered"].pk)
    assert event.data["file"] == victim.pk
    assert event.data["expected"] == victim.sha256
    assert event.data["found"] != victim.sha256 and len(event.data["found"]) == 64
    alerts = Notification.objects.filter(object_type="stored_file", object_id=victim.pk)
    assert sorted(alerts.values_list("recipient_id", flat=True)) == sorted(
        [region_admin.employee.pk, outsider.employee.pk]
    )
    state = IntegrityState.objects.get()
    assert (state.last_pass_checked, state.last_pass_mismatches) == (3, 1)

    again = _full_pass(days=1, runs=2)  # the same finding: counted, not reported again
    assert victim.pk in {pk for r in again for pk in r.mismatched}
    assert not any(r.reported for r in again)
    assert AuditEvent.objects.filter(verb="files.integrity_mismatch").count() == 1
    assert alerts.count() == 2
    assert IntegrityState.objects.get().last_pass_mismatches == 1


def test_missing_bytes_are_reported_and_restored_bytes_clear_the_alert(
    sealed: dict[str, Document], region_admin: Persona
) -> None:
    victim = _stored(sealed["signed_draft"])[0]
    path = Path(default_storage.path(victim.storage_name))
    kept = path.read_bytes()
    path.unlink()
    _full_pass(days=1, runs=1)
    [event] = AuditEvent.objects.filter(verb="files.integrity_mismatch")
    assert event.object_id == sealed["signed_draft"].pk
    assert event.data["found"] == integrity.MISSING
    victim.refresh_from_db()
    assert victim.integrity_alert == integrity.MISSING

    path.write_bytes(kept)
    _full_pass(days=1, runs=1)
    victim.refresh_from_db()
    assert victim.integrity_alert == ""
    assert IntegrityState.objects.get().last_pass_mismatches == 0
    path.unlink()  # gone again: a new finding after a clean pass is reported again
    _full_pass(days=1, runs=1)
    assert AuditEvent.objects.filter(verb="files.integrity_mismatch").count() == 2


@pytest.mark.parametrize("runs_a_day", [1, 2, 3, 4, 7])
def test_each_run_checks_its_share_and_a_pass_fits_in_the_days(
    executor: Persona, head: Persona, runs_a_day: int
) -> None:
    for n in range(3):
        document = _document(executor, head, f"Акт {n}", files=2)
        Document.objects.filter(pk=document.pk).update(status=Document.Status.SIGNED)
    total = 6
    share = math.ceil(total / runs_a_day)
    assert integrity.slice_size(total, days=1, runs=runs_a_day) == share

    runs = _full_pass(days=1, runs=runs_a_day)
    assert len(runs) <= runs_a_day
    assert [len(r.checked) for r in runs[:-1]] == [share] * (len(runs) - 1)
    checked = [pk for r in runs for pk in r.checked]
    assert sorted(checked) == sorted(integrity.files_in_scope().values_list("pk", flat=True))
    assert len(checked) == len(set(checked)) == total
    state = IntegrityState.objects.get()
    assert (state.cursor, state.last_pass_checked, state.pass_checked) == (0, total, 0)
    # The next pass starts from the first file again.
    assert integrity.integrity_run(days=1, runs=runs_a_day).checked == sorted(checked)[:share]


def test_the_byte_budget_cuts_a_run_short(sealed: dict[str, Document]) -> None:
    sizes = dict(integrity.files_in_scope().values_list("pk", "size"))
    smallest = min(sizes.values())
    first = integrity.integrity_run(days=1, runs=1, budget=smallest)
    assert len(first.checked) == 1  # at least one file, however big
    assert not first.pass_finished
    rest = _full_pass(days=1, runs=1, budget=10**12)
    assert sorted(first.checked + rest[0].checked) == sorted(sizes)


def test_the_region_admin_sees_the_pass_and_the_finding_on_the_page_and_the_api(
    sealed: dict[str, Document], region_admin: Persona, executor: Persona
) -> None:
    victim = _stored(sealed["signed_draft"])[0]
    Path(default_storage.path(victim.storage_name)).write_bytes(b"%PDF-1.7 forged")
    _full_pass(days=1, runs=1)
    [alert] = Notification.objects.filter(object_type="stored_file")
    assert alert.url == "/signatures/integrity/"

    page = region_admin.client().get(alert.url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "«файл-0.pdf»" in body and f"/documents/{sealed['signed_draft'].pk}/" in body
    assert 'data-test="last-pass" data-checked="3" data-mismatches="1"' in body

    answer = bearer(region_admin.user).get("/api/v1/signatures/integrity")
    assert answer.status_code == 200
    data = answer.json()
    assert data["in_scope"] == 3
    assert (data["last_pass"]["checked"], data["last_pass"]["mismatches"]) == (3, 1)
    [finding] = data["findings"]
    assert finding["file_id"] == victim.pk
    assert finding["document_ids"] == [sealed["signed_draft"].pk]
    assert finding["expected"] == victim.sha256 != finding["found"]

    assert executor.client().get(alert.url).status_code == 403
    assert bearer(executor.user).get("/api/v1/signatures/integrity").status_code == 403


def test_before_any_pass_the_api_says_so(region_admin: Persona) -> None:
    data = bearer(region_admin.user).get("/api/v1/signatures/integrity").json()
    assert data["last_pass"] is None and data["findings"] == [] and data["in_scope"] == 0
