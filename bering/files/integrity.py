"""The integrity sweep: the bytes of signed and registered files hashed again, in slices.

What is checked: the stored files of documents that are signed or registered, and of any
document file that carries a signature (``documents.DocumentFile`` → ``files.StoredFile``;
the documents layer sits above this one, so its model is looked up by name, as Django's own
lazy relations do). Each run takes the next slice after a cursor kept in ``IntegrityState``:
``ceil(total / (days × runs a day))`` files (``BERING_INTEGRITY_PASS_DAYS``, default 7; the
sweep runs every ``BERING_SWEEP_MINUTES``, default 5, so 288 runs a day), cut short by a byte
budget (``BERING_INTEGRITY_BYTES_PER_RUN``, default 512 MB; at least one file a run), so a
full pass ends within the configured days. The cursor moves by a conditional UPDATE: two
runs at once never take the same slice.

Bytes that differ from the hash recorded at upload, or that are missing, are reported once
per file and per finding: an audit event ``files.integrity_mismatch`` on each document of
the file, and a notification to the region administrators. The finding is kept on the file
(``integrity_alert``): the next pass finding the same says nothing new; bytes that match
again clear it. The last full pass (files checked, mismatches) and the files found changed
are shown to region administrators (``integrity_report``: a page and the API) and to staff
in the admin (``IntegrityState``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import math
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from bering.accounts.models import User
from bering.audit import services as audit
from bering.audit.verbs import AuditVerb
from bering.core.errors import Forbidden
from bering.files.models import IntegrityState, StoredFile
from bering.files.permissions import can_see_integrity
from bering.notifications.services import notify
from bering.orgs.models import Employee

log = logging.getLogger(__name__)

MISSING = "missing"
SEALED_STATUSES = ("signed", "registered")
STATE_URL = "/signatures/integrity/"  # the page of bering.signatures.views
_CHUNK = 1024 * 1024


def pass_days() -> int:
    return max(int(settings.BERING_INTEGRITY_PASS_DAYS), 1)


def runs_per_day() -> int:
    minutes = max(int(settings.BERING_SWEEP_MINUTES), 1)
    return max(24 * 60 // minutes, 1)


def bytes_per_run() -> int:
    return max(int(settings.BERING_INTEGRITY_BYTES_PER_RUN), 1)


def slice_size(total: int, *, days: int, runs: int) -> int:
    """Files a run checks so that ``total`` files are all checked in ``days``."""
    return math.ceil(total / (days * runs)) if total > 0 else 0


def _document_links() -> QuerySet[Any]:
    document_file = apps.get_model("documents", "DocumentFile")
    return document_file.objects.filter(
        Q(document__status__in=SEALED_STATUSES) | Q(signatures__isnull=False)
    )


def files_in_scope() -> QuerySet[StoredFile]:
    """Stored files of signed or registered documents, or that carry a signature."""
    return StoredFile.objects.filter(pk__in=_document_links().values("stored_id"))


@dataclass
class RunResult:
    checked: list[int] = field(default_factory=list)
    mismatched: list[int] = field(default_factory=list)
    reported: list[int] = field(default_factory=list)
    pass_finished: bool = False
    skipped: bool = False  # another run had the slice


def digest_of(name: str) -> str:
    """The SHA-256 (hex) of the bytes under ``name``, read in chunks; ``MISSING`` if none."""
    digest = hashlib.sha256()
    try:
        with default_storage.open(name, "rb") as fh:
            while chunk := fh.read(_CHUNK):
                digest.update(chunk)
    except FileNotFoundError:
        return MISSING
    return digest.hexdigest()


def _take(cursor: int, count: int, budget: int) -> list[int]:
    """The ids of the next slice after ``cursor``: ``count`` files, cut by the byte budget."""
    taken: list[int] = []
    spent = 0
    for pk, size in (
        files_in_scope().filter(pk__gt=cursor).order_by("pk").values_list("pk", "size")[:count]
    ):
        if taken and spent + size > budget:
            break
        taken.append(pk)
        spent += size
    return taken


def integrity_run(
    *, days: int | None = None, runs: int | None = None, budget: int | None = None
) -> RunResult:
    """One run of the sweep: check the next slice, report new mismatches, move the cursor."""
    now = timezone.now()
    result = RunResult()
    state, _created = IntegrityState.objects.get_or_create(pk=1)
    total = files_in_scope().count()
    count = slice_size(total, days=days or pass_days(), runs=runs or runs_per_day())
    taken = _take(state.cursor, count, budget or bytes_per_run())
    ended = not taken or not files_in_scope().filter(pk__gt=taken[-1]).exists()
    claim: dict[str, Any] = {"cursor": 0 if ended else taken[-1], "last_run_at": now}
    if state.cursor == 0:
        claim["pass_started_at"] = now
    if not IntegrityState.objects.filter(pk=1, cursor=state.cursor).update(**claim):
        result.skipped = True
        return result
    for stored in StoredFile.objects.filter(pk__in=taken).order_by("pk"):
        found = digest_of(stored.storage_name)
        result.checked.append(stored.pk)
        if found == stored.sha256:
            StoredFile.objects.filter(pk=stored.pk).update(
                integrity_checked_at=now, integrity_alert=""
            )
            continue
        result.mismatched.append(stored.pk)
        if _report(stored, found, now):
            result.reported.append(stored.pk)
    with transaction.atomic():
        IntegrityState.objects.filter(pk=1).update(
            pass_checked=F("pass_checked") + len(result.checked),
            pass_mismatches=F("pass_mismatches") + len(result.mismatched),
        )
        if ended:
            _finish_pass(now)
    result.pass_finished = ended
    return result


def _finish_pass(now: dt.datetime) -> None:
    state = IntegrityState.objects.select_for_update().get(pk=1)
    IntegrityState.objects.filter(pk=1).update(
        last_pass_started_at=state.pass_started_at,
        last_pass_finished_at=now,
        last_pass_checked=state.pass_checked,
        last_pass_mismatches=state.pass_mismatches,
        pass_checked=0,
        pass_mismatches=0,
    )


def region_admin_ids() -> list[int]:
    """One active post of each active region administrator: who hears of a mismatch."""
    posts: dict[int, int] = {}
    for pk, user_id in (
        Employee.objects.filter(is_active=True, user__is_active=True, user__is_region_admin=True)
        .order_by("user_id", "pk")
        .values_list("pk", "user_id")
    ):
        posts.setdefault(user_id, pk)
    return list(posts.values())


def _report(stored: StoredFile, found: str, now: dt.datetime) -> bool:
    """Audit and tell the region administrators, once per file and finding. True if new."""
    with transaction.atomic():
        new = (
            StoredFile.objects.filter(pk=stored.pk)
            .exclude(integrity_alert=found)
            .update(integrity_alert=found, integrity_checked_at=now)
        )
        if not new:
            StoredFile.objects.filter(pk=stored.pk).update(integrity_checked_at=now)
            return False
        log.error(
            "stored file %s (%s): expected %s, found %s",
            stored.pk,
            stored.storage_name,
            stored.sha256,
            found,
        )
        documents = list(
            _document_links()
            .filter(stored_id=stored.pk)
            .order_by("document_id")
            .values_list("document_id", "document__organization_id")
            .distinct()
        )
        data = {
            "file": stored.pk,
            "name": stored.original_name,
            "expected": stored.sha256,
            "found": found,
        }
        for document_id, organization_id in documents:
            audit.record(
                actor=None,
                verb=AuditVerb.FILES_INTEGRITY_MISMATCH,
                object_type="document",
                object_id=document_id,
                organization_id=organization_id,
                data=data,
            )
        what = (
            _("the bytes are missing from storage")
            if found == MISSING
            else _("its SHA-256 is %(found)s instead of %(expected)s")
            % {"found": found, "expected": stored.sha256}
        )
        notify(
            recipient_ids=region_admin_ids(),
            kind="other",
            title=str(
                _("Integrity check: the file «%(name)s» has changed")
                % {"name": stored.original_name[:200]}
            ),
            body=str(
                _("Stored file %(file)s (documents %(documents)s): %(what)s.")
                % {
                    "file": stored.pk,
                    "documents": ", ".join(str(d) for d, _org in documents) or "—",
                    "what": what,
                }
            ),
            url=STATE_URL,
            object_type="stored_file",
            object_id=stored.pk,
            dedupe_key=f"integrity:{stored.pk}:{found}",
        )
    return True


# --- What region administrators see ------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    file_id: int
    name: str
    expected: str
    found: str
    checked_at: dt.datetime | None
    document_ids: list[int]


@dataclass(frozen=True)
class IntegrityReport:
    state: IntegrityState
    in_scope: int
    days: int
    per_run: int
    findings: list[Finding]


def integrity_report(user: User) -> IntegrityReport:
    """The last full pass, the current one, and the files found changed now (403 for others)."""
    if not can_see_integrity(user):
        raise Forbidden(_("The integrity check is for region administrators."))
    state = IntegrityState.objects.filter(pk=1).first() or IntegrityState(pk=1)
    total = files_in_scope().count()
    changed = list(
        StoredFile.objects.exclude(integrity_alert="")
        .order_by("pk")
        .values_list("pk", "original_name", "sha256", "integrity_alert", "integrity_checked_at")[
            :200
        ]
    )
    documents: dict[int, list[int]] = {}
    for stored_id, document_id in (
        _document_links()
        .filter(stored_id__in=[row[0] for row in changed])
        .order_by("document_id")
        .values_list("stored_id", "document_id")
        .distinct()
    ):
        documents.setdefault(stored_id, []).append(document_id)
    return IntegrityReport(
        state=state,
        in_scope=total,
        days=pass_days(),
        per_run=slice_size(total, days=pass_days(), runs=runs_per_day()),
        findings=[
            Finding(pk, name, expected, found, checked_at, documents.get(pk, []))
            for pk, name, expected, found, checked_at in changed
        ],
    )
