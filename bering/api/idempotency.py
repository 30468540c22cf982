"""``Idempotency-Key`` for state-changing API calls (QUALITY.md item 2).

The key row is inserted first, in the same transaction as the call's effect,
so a concurrent duplicate waits on the unique constraint and then replays the
first answer. A call that fails (an error response or an exception) rolls
back and leaves no key behind: the client may retry with the same key. See
docs/decisions/0002-idempotency.md.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import re
from collections.abc import Callable
from typing import Any, Concatenate, ParamSpec, TypeVar

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bering.accounts.models import User
from bering.api.actor import ON_BEHALF_HEADER, POST_HEADER
from bering.api.models import IdempotencyKey
from bering.appeals.models import Citizen
from bering.core.db import atomic_with_retry
from bering.core.errors import Conflict, DomainError, ValidationFailed

KEY_HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
IN_PROGRESS = 0
ANSWER_GRACE = dt.timedelta(seconds=30)
"""How long a retry waits (409, retry) for an answer built after the commit; after it,
the process that was building it is taken for dead and the retry gets the reference."""
KEY_PATTERN = "^[!-~]{1,255}$"
"""1-255 visible ASCII characters (``!`` is 0x21, ``~`` is 0x7e)."""
_KEY_RE = re.compile(KEY_PATTERN)

V = TypeVar("V", bound=APIView)
P = ParamSpec("P")


class InProgress(Conflict):
    """The first request with the key has not finished: the client retries the same key
    (a queued decision stays queued; it is not a conflict of the item)."""

    code = "request_in_progress"
    retry_after = 1


class AfterCommit(Response):
    """A response whose body is built after the call's transaction commits.

    Building a body (the detail of a document: its card, files, people) takes as long
    as the change itself; inside the transaction it would hold the locks the change
    took (a journal's counter, the organization's audit chain) for nothing. ``ref`` is
    kept with the key in the same transaction as the effect: a retry while the answer
    is being built is told to try again (409 ``request_in_progress``); if the process
    died before the full answer was stored, a retry after ``ANSWER_GRACE`` gets
    ``ref`` (e.g. ``{"id": 42}``).
    """

    def __init__(self, build: Callable[[], Any], *, status: int, ref: Any = None) -> None:
        super().__init__(ref, status=status)
        self.build = build


class KeyReused(DomainError):
    status_code = 422
    code = "idempotency_key_reused"


def idempotent(
    handler: Callable[Concatenate[V, Request, P], Response],
) -> Callable[Concatenate[V, Request, P], Response]:
    """Run a state-changing handler in one transaction, once per ``Idempotency-Key``.

    Without a key the handler still runs in one transaction, retried as a whole
    when the database was locked (the services' own atomic blocks nest in it).
    """

    def wrapper(view: V, request: Request, /, *args: P.args, **kwargs: P.kwargs) -> Response:
        key = idempotency_key(request)
        # Read the whole body before the transaction: a slow upload must not hold a lock.
        request.data  # noqa: B018
        fingerprint = request_fingerprint(request) if key is not None else ""

        def once() -> Response:
            row = None
            if key is not None:
                row, replay = _claim(request, key, fingerprint)
                if replay is not None:
                    return replay
            response = handler(view, request, *args, **kwargs)
            if response.status_code >= 400:
                transaction.set_rollback(True)
                return response
            if row is not None:
                row.status = response.status_code
                row.response = _as_json(_stored(view, response.data))
                row.answer_pending = isinstance(response, AfterCommit)
                row.save(update_fields=["status", "response", "answer_pending"])
                response.idempotency_row = row  # type: ignore[attr-defined]
            return response

        response = atomic_with_retry(once)
        if isinstance(response, AfterCommit):
            response.data = response.build()
            row = getattr(response, "idempotency_row", None)
            if row is not None:  # the full answer for replays, in a statement of its own
                IdempotencyKey.objects.filter(pk=row.pk).update(
                    response=_as_json(_stored(view, response.data)), answer_pending=False
                )
        return response

    functools.update_wrapper(wrapper, handler)
    wrapper.idempotent = True  # type: ignore[attr-defined]
    return wrapper


def _stored(view: APIView, data: Any) -> Any:
    """The answer as kept for replays: a view's ``shown_once`` fields (a tracking
    link, whose token is otherwise kept only as a hash) are kept as null."""
    hidden = getattr(view, "shown_once", ())
    if not hidden or not isinstance(data, dict):
        return data
    return {key: (None if key in hidden else value) for key, value in data.items()}


def is_idempotent(handler: object) -> bool:
    return bool(getattr(handler, "idempotent", False))


def idempotency_key(request: Request) -> str | None:
    raw = request.headers.get(KEY_HEADER)
    if raw is None:
        return None
    if not _KEY_RE.fullmatch(raw):
        raise ValidationFailed(
            _(
                "The Idempotency-Key header must be 1 to 255 visible ASCII characters, "
                "for example a UUID."
            ),
            code="bad_idempotency_key",
            field=KEY_HEADER,
        )
    return raw


SECRET_FIELDS = frozenset({"password", "pin"})
"""Never hashed into a stored fingerprint: a fast hash of a password is a leak."""


def request_fingerprint(request: Request) -> str:
    """SHA-256 over what makes two requests the same: method, path, acting post, body."""
    data = request.data
    body: object
    if isinstance(data, QueryDict):
        body = sorted(
            (name, [v for v in values if not isinstance(v, UploadedFile)])
            for name, values in data.lists()
            if name not in SECRET_FIELDS
        )
    elif isinstance(data, dict):
        body = {k: v for k, v in data.items() if k not in SECRET_FIELDS}
    else:
        body = data
    files = sorted(
        (name, [(f.name, f.size, _file_sha256(f)) for f in request.FILES.getlist(name)])
        for name in request.FILES
    )
    payload = {
        "method": request.method,
        "path": request.path,
        "query": sorted(request.query_params.lists()),
        "post": request.headers.get(POST_HEADER, ""),
        "on_behalf_of": request.headers.get(ON_BEHALF_HEADER, ""),
        "body": body,
        "files": files,
    }
    blob = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


def _file_sha256(upload: UploadedFile[bytes]) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def _owner(request: Request) -> dict[str, User | Citizen]:
    """Whose key it is: the staff user (/api/v1/) or the citizen (/api/citizen/v1/)."""
    caller = request.user
    if isinstance(caller, User):
        return {"user": caller}
    if isinstance(caller, Citizen):
        return {"citizen": caller}
    raise TypeError(f"@idempotent needs a signed-in user or citizen, not {type(caller).__name__}")


def _claim(
    request: Request, key: str, fingerprint: str
) -> tuple[IdempotencyKey | None, Response | None]:
    """Insert the key row, or find the earlier call's answer."""
    owner = _owner(request)
    try:
        with transaction.atomic():
            row = IdempotencyKey.objects.create(
                **owner,
                key=key,
                method=request.method or "",
                path=request.path[:500],
                fingerprint=fingerprint,
                status=IN_PROGRESS,
            )
        return row, None
    except IntegrityError:
        pass
    earlier = IdempotencyKey.objects.filter(**owner, key=key).first()
    if (
        earlier is None
        or earlier.status == IN_PROGRESS
        # Committed, its answer being built: wait for it, unless its process died.
        or (earlier.answer_pending and earlier.created_at > timezone.now() - ANSWER_GRACE)
    ):
        raise InProgress(_("A request with this Idempotency-Key is in progress. Try again."))
    if earlier.fingerprint != fingerprint:
        raise KeyReused(
            _(
                "This Idempotency-Key was already used for a different request. "
                "Use a new key for a new request."
            )
        )
    return None, Response(
        earlier.response, status=earlier.status, headers={REPLAYED_HEADER: "true"}
    )


def _as_json(data: Any) -> Any:
    if data is None:
        return None
    return json.loads(JSONRenderer().render(data))


def idempotency_keys_purge(*, older_than: dt.timedelta) -> int:
    """Forget answers older than ``older_than``, staff users' and citizens' alike;
    returns how many were deleted."""
    deleted, _by_model = IdempotencyKey.objects.filter(
        created_at__lt=timezone.now() - older_than
    ).delete()
    return deleted
