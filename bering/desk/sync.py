"""The tablet's sync: what changed in the head's queue since a cursor, and the If-Match
check that turns a decision on a changed item into a visible conflict (decision 0019)."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from bering.accounts.models import User
from bering.approvals.models import Visa
from bering.assignments.models import Extension, Report, Resolution
from bering.core import clock
from bering.core.errors import Conflict, DomainError
from bering.desk.models import SyncCursor
from bering.desk.offline import Payload, queue_payloads
from bering.orgs.actor import Actor

LIMIT = 20
LIMIT_MAX = 100
KEEP = dt.timedelta(days=14)
"""A cursor older than this is forgotten; its tablet syncs in full once."""


@dataclass(frozen=True)
class Changes:
    cursor: str
    reset: bool
    """No usable cursor was given: the tablet drops what it holds and takes this."""
    more: bool
    """More changes than ``limit``: ask again at once with the new cursor."""
    as_of: dt.datetime
    count: int
    changed: list[Payload]
    removed: list[str]
    same: bool
    """Nothing changed since the cursor given (the answer's cursor is that one)."""


def _cursor_of(actor: Actor, user: User, token: str | None) -> SyncCursor | None:
    """The tablet's cursor, if it is still kept and is this actor's (a cursor of another
    post or another person is treated as none: a full sync)."""
    if not token or len(token) > 43:
        return None
    return SyncCursor.objects.filter(
        token=token,
        user=user,
        post_id=actor.post.pk,
        on_behalf_of_id=actor.on_behalf_of.pk if actor.on_behalf_of else None,
    ).first()


def queue_changes(actor: Actor, *, cursor: str | None, limit: int = LIMIT) -> Changes:
    """The items that are new or changed since ``cursor`` (at most ``limit``, most urgent
    first) and the keys that left the queue. Writes a new cursor only when something
    changed; a cursor is never updated in place, so a repeated call gives the same answer."""
    limit = max(1, min(limit, LIMIT_MAX))
    now = clock.now()
    payloads = queue_payloads(actor)
    current = {p["key"]: p["version"] for p in payloads}
    row = _cursor_of(actor, actor.user, cursor)
    held: dict[str, str] = dict(row.versions) if row is not None else {}
    changed = [p for p in payloads if held.get(p["key"]) != p["version"]]
    removed = [key for key in held if key not in current]
    sent = changed[:limit]
    after = {key: version for key, version in held.items() if key in current}
    after.update((p["key"], p["version"]) for p in sent)
    if row is not None and after == held:
        token = row.token
    else:
        token = secrets.token_urlsafe(32)
        SyncCursor.objects.create(
            token=token,
            user=actor.user,
            post_id=actor.post.pk,
            on_behalf_of_id=actor.on_behalf_of.pk if actor.on_behalf_of else None,
            versions=after,
        )
    return Changes(
        cursor=token,
        reset=row is None,
        more=len(changed) > limit,
        as_of=now,
        count=len(payloads),
        changed=sent,
        removed=removed,
        same=row is not None and token == row.token,
    )


def cursors_purge(*, older_than: dt.timedelta = KEEP) -> int:
    deleted, _by_model = SyncCursor.objects.filter(
        created_at__lt=timezone.now() - older_than
    ).delete()
    return deleted


# --- If-Match ------------------------------------------------------------------------------


class ItemChanged(DomainError):
    """The item changed since the head read it: he decides again on what it is now."""

    status_code = 412
    code = "item_changed"


class ItemGone(Conflict):
    """The item is no longer the head's to decide: decided, recalled, withdrawn."""

    code = "item_gone"


def _etag_matches(header: str, etag: str) -> bool:
    wanted = etag.removeprefix("W/")
    return any(
        tag.strip().removeprefix("W/") in (wanted, "*") for tag in header.split(",") if tag.strip()
    )


_GONE = {
    "visa": (Visa, "status"),
    "sign": (Visa, "status"),
    "resolution": (Resolution, "status"),
    "extension": (Extension, "status"),
    "report": (Report, "decision"),
}


def _what_happened(kind: str, object_id: int) -> str:
    """Why an item left the queue, in words: its status now (decided, recalled...)."""
    model, field = _GONE[kind]
    obj = model.objects.filter(pk=object_id).first()  # type: ignore[attr-defined]
    if obj is None:
        return _("It is no longer waiting for your decision.")
    status = getattr(obj, f"get_{field}_display")()
    if isinstance(obj, Visa) and obj.status == Visa.Status.CANCELLED:
        status = obj.run.get_status_display()  # recalled, returned: the round says why
    decider = getattr(obj, "decided_by_user", None)  # a visa: the person who decided
    if decider is None and getattr(obj, "decided_by", None) is not None:
        decider = obj.decided_by.user
    if decider is not None:
        return _("It is no longer waiting for your decision: %(status)s, %(name)s.") % {
            "status": status,
            "name": decider.display_name,
        }
    return _("It is no longer waiting for your decision: %(status)s.") % {"status": status}


def if_match_check(actor: Actor, kind: str, object_id: int, header: str | None) -> None:
    """With ``If-Match``, refuse a decision on an item that is not in the actor's queue any
    more (409 ``item_gone``, saying what happened) or that changed since the ETag was read
    (412 ``item_changed``, with the item as it is now). Without the header, nothing to check:
    the service's own rules decide."""
    if header is None:
        return
    kinds = ("visa", "sign") if kind in ("visa", "sign") else (kind,)
    current = next(
        (p for p in queue_payloads(actor) if p["key"] in {f"{k}:{object_id}" for k in kinds}),
        None,
    )
    if current is None:
        raise ItemGone(_what_happened(kind, object_id))
    if not _etag_matches(header, current["etag"]):
        error = ItemChanged(
            _(
                "It changed after you read it: a new version of the files, another text or "
                "another term. Read it again and decide on what it is now."
            ),
        )
        error.extra = {"item": current}
        raise error
