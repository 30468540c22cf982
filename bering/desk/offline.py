"""The head's queue as data for the tablet: each item whole, its version and its ETag.

An item is what the head needs to decide offline: the card, the text to read, the
files (with the addresses of their text and PDF copy), and the decisions he may
take, each as the API call to make. ``version`` changes whenever anything in the
item changes (the tablet re-downloads it); ``etag`` changes only when what the
decision is about changes (a new version of the draft, another text, another
status) and is what the tablet sends back as ``If-Match`` with the decision:
an overdue mark appearing while the head was offline is not a conflict.
Decision 0019.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bering.approvals.models import Visa
from bering.assignments.models import Extension, Report, Resolution
from bering.desk.items import Item, desk_items
from bering.documents.models import Document, DocumentFile
from bering.documents.selectors import current_of, file_offline_links
from bering.orgs.actor import Actor

Payload = dict[str, Any]

TIME_FIELDS = frozenset({"due_at", "due", "due_note", "overdue", "version", "etag"})
"""What changes with the clock alone, and the hashes: left out of the ETag."""


def _digest(data: Any, length: int) -> str:
    blob = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:length]


def _local(moment: dt.datetime | None, tz: str) -> str:
    if moment is None:
        return ""
    return timezone.localtime(moment, ZoneInfo(tz)).strftime("%d.%m.%Y %H:%M")


def _document(document: Document) -> Payload:
    return {
        "id": document.pk,
        "number": document.reg_number,
        "date": document.reg_date.strftime("%d.%m.%Y") if document.reg_date else "",
        "type": document.doc_type.name,
        "organization": document.organization.short_name,
    }


def _action(
    name: str,
    label: str,
    url: str,
    body: Payload,
    *,
    comment_field: str | None = None,
    comment_required: bool = False,
) -> Payload:
    return {
        "name": name,
        "label": label,
        "url": url,
        "body": body,
        "comment_field": comment_field,
        "comment_required": comment_required,
    }


def _actions(item: Item) -> list[Payload]:
    """The decisions the tablet offers, each as the API call that makes it. Whether the
    actor may take it is the service's rule, checked when the call arrives."""
    pk = item.obj.pk
    if item.kind == "visa":
        url = reverse("api-approvals-decide", args=[pk])
        return [
            _action(
                "agree", _("Agree"), url, {"outcome": Visa.Status.AGREED}, comment_field="comment"
            ),
            _action(
                "remarks",
                _("Agree with remarks"),
                url,
                {"outcome": Visa.Status.REMARKS},
                comment_field="comment",
                comment_required=True,
            ),
            _action(
                "reject",
                _("Do not agree"),
                url,
                {"outcome": Visa.Status.REJECTED},
                comment_field="comment",
                comment_required=True,
            ),
        ]
    if item.kind == "resolution":
        return [
            _action("confirm", _("Confirm"), reverse("api-resolution-confirm", args=[pk]), {}),
            _action(
                "return",
                _("Return for rework"),
                reverse("api-resolution-return", args=[pk]),
                {},
                comment_field="note",
                comment_required=True,
            ),
        ]
    if item.kind == "report":
        return [
            _action(
                "accept",
                _("Accept the report"),
                reverse("api-report-accept", args=[pk]),
                {"note": ""},
                comment_field="note",
            ),
            _action(
                "return",
                _("Return the report"),
                reverse("api-report-return", args=[pk]),
                {"note": ""},
                comment_field="note",
                comment_required=True,
            ),
        ]
    if item.kind == "extension":
        url = reverse("api-extension-decide", args=[pk])
        return [
            _action(
                "grant",
                _("Extend the term"),
                url,
                {"grant": True, "note": ""},
                comment_field="note",
            ),
            _action(
                "refuse",
                _("Refuse the extension"),
                url,
                {"grant": False, "note": ""},
                comment_field="note",
                comment_required=True,
            ),
        ]
    return []  # signing needs the password, entered again: online only


def _text(item: Item, tz: str) -> str:
    """What there is to read beyond the files."""
    obj = item.obj
    if isinstance(obj, Resolution):
        people = [
            f"{a.executor.user.display_name}"
            + (f" ({_('responsible')})" if a.role == a.Role.RESPONSIBLE else "")
            for a in obj.assignments.all()
        ]
        lines = [obj.text, _("Executors: %(names)s") % {"names": ", ".join(people)}]
        if item.note:
            lines.append(item.note)
        return "\n".join(lines)
    if isinstance(obj, Extension):
        return "\n".join(
            [
                _("%(name)s asks to move the term from %(old)s to %(new)s.")
                % {
                    "name": obj.requested_by.user.display_name,
                    "old": _local(obj.old_due_at, tz),
                    "new": _local(obj.new_due_at, tz),
                },
                _("Reason: %(reason)s") % {"reason": obj.reason},
            ]
        )
    if isinstance(obj, Report):
        return "\n".join(
            [
                _("Report of %(name)s:") % {"name": obj.author.user.display_name},
                obj.text or _("(no text: see the files)"),
            ]
        )
    return ""


def _files(items: list[Item]) -> dict[int, list[DocumentFile]]:
    """Every item's files, in two queries: a visa decides on the files of its round
    (under minus the round's id), the rest on the document as it is now (under its id)."""
    runs = {i.obj.run_id: i.obj.run.file_ids for i in items if isinstance(i.obj, Visa)}
    documents = {i.document.pk for i in items if not isinstance(i.obj, Visa)}
    out: dict[int, list[DocumentFile]] = {}
    if documents:
        rows = list(
            DocumentFile.objects.filter(document_id__in=documents)
            .select_related("stored")
            .order_by("document_id", "slot", "-version")
        )
        for pk in documents:
            out[pk] = current_of([r for r in rows if r.document_id == pk])
    if runs:
        wanted = {pk for ids in runs.values() for pk in ids}
        by_id = {
            f.pk: f for f in DocumentFile.objects.filter(pk__in=wanted).select_related("stored")
        }
        for run_id, ids in runs.items():
            found = [by_id[pk] for pk in ids if pk in by_id]
            out[-run_id] = sorted(found, key=lambda f: f.slot)
    return out


def _files_of(item: Item, files: dict[int, list[DocumentFile]]) -> list[DocumentFile]:
    if isinstance(item.obj, Visa):
        return files.get(-item.obj.run_id, [])
    return files.get(item.document.pk, [])


def item_payload(item: Item, files: list[DocumentFile], links: dict[int, Payload]) -> Payload:
    document = item.document
    tz = document.organization.time_zone
    data: Payload = {
        "key": item.key,
        "kind": item.kind,
        "id": item.obj.pk,
        "label": str(item.label),
        "title": document.title,
        "document": _document(document),
        "due_at": item.due_at.isoformat() if item.due_at else None,
        "due": _local(item.due_at, tz),
        "due_note": item.note if item.kind in ("visa", "sign") else "",
        "overdue": str(item.overdue),
        "waiting_since": item.waiting_since.isoformat(),
        "text": _text(item, tz),
        "files": [links[f.pk] for f in files],
        "actions": _actions(item),
        "page_url": item.url,
    }
    data["etag"] = '"' + _digest({k: v for k, v in data.items() if k not in TIME_FIELDS}, 32) + '"'
    data["version"] = _digest(data, 16)
    return data


def queue_payloads(actor: Actor, items: Iterable[Item] | None = None) -> list[Payload]:
    """The actor's queue, most urgent first, each item whole."""
    listed = list(desk_items(actor) if items is None else items)
    files = _files(listed)
    every = {f.pk: f for group in files.values() for f in group}
    links = file_offline_links(every.values())
    return [item_payload(i, _files_of(i, files), links) for i in listed]
