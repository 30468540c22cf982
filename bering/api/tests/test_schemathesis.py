"""Schemathesis over the OpenAPI schema, in process, with two organizations (QUALITY.md item 5).

``test_schemathesis_finds_nothing`` runs schemathesis's own engine (the one behind
``st run``) against the app through WSGI, on the test database: the examples, the
coverage phase (boundary and wrong values for every parameter, header and field, other
methods), fuzzing, and the stateful phase (a create chained into reads and writes of what
it created). Every check is on, among them ``not_a_server_error``, the conformance of
status code, content type, headers and body to the schema, ``negative_data_rejection``,
``use_after_free``, ``ensure_resource_availability``, ``ignored_auth`` and
``object_level_authorization``: Alice (registrar of Минздрав) and Oleg (Минобр) are peers,
and what one of them creates or lists is fetched again with the other's token. The gate is
0 failures and 0 errors. Deterministic: a fixed seed, ``derandomize``, no example database
(schemathesis runs hypothesis with ``deadline=None``). Bounded: 5 examples per operation and
phase, 10 steps per stateful scenario; about 40 s on SQLite and 60 s on PostgreSQL (2 cores).

``test_foreign_object_is_404_for_every_get_operation`` is the plain version of the same
property, driven by the schema: every GET with an object id in its path, with Oleg's token
and an object of Минздрав, answers 404 (the same as a missing object) and shows none of it.

What is tuned here, and why (nothing else is):

* ``positive_data_acceptance`` also expects 400 and 422: a schema-valid request may still
  break a rule the schema cannot state (a journal of another organization, a workflow
  step out of order, an Idempotency-Key already used for another body). Those answers are
  documented and carry a message naming the field.
* No undeclared headers or query parameters in negative cases: HTTP servers ignore headers
  they do not know (proxies add them), and so does the API with unknown query parameters.
* Before each call (``_steer``) a valid Idempotency-Key is made unique (else the first write
  that succeeds pins the key and every later write gets 422, never reaching validation),
  and a valid X-Bering-Post / X-Bering-On-Behalf-Of is dropped (a random employee id is
  never the caller's post: every call would stop at the 400 for it). Invalid values of
  the three headers are still sent as generated. The headers have their own tests.
* Each body is fuzzed as JSON and, where it carries a file, as multipart/form-data; not
  also in the other form encodings DRF accepts (urlencoded, multipart without a file). DRF
  parses every form encoding into the same QueryDict that the same serializer reads, and
  the bodies with files keep that path covered: the rest would repeat it and double the run.
* Two bugs of the in-process transport are worked around in ``_in_process_transport``.
"""

from __future__ import annotations

import io
import itertools
import json
import re
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from schemathesis.engine import events, from_schema
from schemathesis.hooks import GLOBAL_HOOK_DISPATCHER

from bering.api.tests.conftest import MARKER, bearer, pdf_bytes
from bering.documents.tests.factories import JournalFactory
from bering.orgs.tests.factories import PASSWORD

SCHEMA_PATH = "/api/v1/schema/"
PEERS = ("alice", "oleg")


def wsgi_app(opened: list[BaseDatabaseWrapper]) -> Callable[..., list[bytes]]:
    """Django's WSGI handler as schemathesis calls it, from its worker threads.

    Each thread keeps its database connection from one request to the next (as Django's
    test client does, ``close_old_connections`` is off during the run: see ``_worker_db``);
    the connections are listed in ``opened``, so the test can close them before the test
    database is flushed or dropped. ``Accept-Encoding`` is dropped: an HTTP client would
    undo the gzip, the in-process transport does not.
    """
    handler = WSGIHandler()

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        environ.pop("HTTP_ACCEPT_ENCODING", None)
        response = handler(environ, start_response)
        try:
            body = b"".join(response)
        finally:
            response.close()
        for connection in connections.all(initialized_only=True):
            if connection.connection is not None and connection not in opened:
                connection.inc_thread_sharing()  # closed from the test's thread at the end
                opened.append(connection)
        return [body]

    return app


@pytest.fixture
def _worker_db() -> Iterator[list[BaseDatabaseWrapper]]:
    """The database connections schemathesis's worker threads open, closed at the end."""
    opened: list[BaseDatabaseWrapper] = []
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield opened
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
        for connection in opened:
            connection.close()
            connection.dec_thread_sharing()


@pytest.fixture
def _in_process_transport(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two bugs of the in-process transport (schemathesis 4.32, werkzeug 3.1), not of the API:

    * the probes of ``ignored_auth`` and ``object_level_authorization`` pass socket options
      (``max_redirects``...) that werkzeug's test client does not take: every probe would
      end in a TypeError;
    * werkzeug's multipart encoder drops the blank line after the headers of an empty field,
      so ``name=`` (empty) never reaches the app and the blank-field checks look unanswered.
    """
    from schemathesis.transport.wsgi import WSGITransport
    from werkzeug.sansio.multipart import Data, MultipartEncoder, State

    send = WSGITransport.send

    def send_in_process(self: Any, case: Any, *, session: Any = None, **kwargs: Any) -> Any:
        for name in ("max_redirects", "verify", "cert", "proxies"):
            kwargs.pop(name, None)
        return send(self, case, session=session, **kwargs)

    encode = MultipartEncoder.send_event

    def send_event(self: Any, event: Any) -> bytes:
        if isinstance(event, Data) and self.state == State.DATA_START and not event.data:
            self.state = State.DATA
            return b"\r\n"
        return encode(self, event)

    monkeypatch.setattr(WSGITransport, "send", send_in_process)
    monkeypatch.setattr(MultipartEncoder, "send_event", send_event)


_VALID_KEY = re.compile(r"[!-~]{1,255}")
_VALID_ID = re.compile(r"[1-9][0-9]{0,18}")


@pytest.fixture
def _steer() -> Iterator[None]:
    """See the module's docstring. Registered for this test only."""
    counter = itertools.count(1)

    def before_call(context: Any, case: Any, kwargs: dict[str, Any]) -> None:
        headers = case.headers
        if not headers:
            return
        key = headers.get("Idempotency-Key")
        if isinstance(key, str) and _VALID_KEY.fullmatch(key):
            headers["Idempotency-Key"] = f"{next(counter)}-{key}"[:255]
        for name in ("X-Bering-Post", "X-Bering-On-Behalf-Of"):
            if _VALID_ID.fullmatch(str(headers.get(name))):
                del headers[name]

    def before_load_schema(context: Any, raw_schema: dict[str, Any]) -> None:
        components = raw_schema.get("components", {}).get("schemas", {})
        for operations in raw_schema.get("paths", {}).values():
            for operation in operations.values():
                content = operation.get("requestBody", {}).get("content", {})
                if "application/json" not in content:
                    continue
                content.pop("application/x-www-form-urlencoded", None)
                multipart = content.get("multipart/form-data")
                if multipart and not _has_file(multipart.get("schema"), components):
                    del content["multipart/form-data"]

    schemathesis.hook(before_call)
    schemathesis.hook(before_load_schema)
    yield
    GLOBAL_HOOK_DISPATCHER.unregister(before_call)
    GLOBAL_HOOK_DISPATCHER.unregister(before_load_schema)


def _has_file(node: Any, components: dict[str, Any], depth: int = 0) -> bool:
    if not isinstance(node, dict) or depth > 8:
        return False
    if "$ref" in node:
        return _has_file(components.get(node["$ref"].rsplit("/", 1)[-1]), components, depth + 1)
    if node.get("format") == "binary":
        return True
    children = [*node.get("properties", {}).values(), node.get("items"), *node.get("allOf", [])]
    return any(_has_file(child, components, depth + 1) for child in children)


def wfc_auth(path: Path, *usernames: str) -> Path:
    """A Web Fuzzing Commons auth document: each peer logs in through POST /auth/token.
    (Logging in, not fixed tokens: DELETE /auth/token revokes the token in use, and
    schemathesis logs in again on the 401 that follows.)"""
    document = {
        "auth": [
            {
                "name": username,
                "loginEndpointAuth": {
                    "endpoint": "/api/v1/auth/token",
                    "verb": "POST",
                    "contentType": "application/json",
                    "payloadUserPwd": {
                        "username": username,
                        "usernameField": "username",
                        "password": PASSWORD,
                        "passwordField": "password",
                    },
                    "token": {
                        "extractFrom": "body",
                        "extractSelector": "/token",
                        "sendIn": "header",
                        "sendName": "Authorization",
                        "sendTemplate": "Bearer {token}",
                    },
                },
            }
            for username in usernames
        ]
    }
    path.write_text(json.dumps(document))
    return path


def engine_config(auth_path: Path) -> schemathesis.Config:
    return schemathesis.Config.from_dict(
        {
            "seed": 1,
            "cache": {"enabled": False},
            "generation": {
                "max-examples": 5,
                "deterministic": True,
                "database": "none",
                "allow-extra-parameters": False,
            },
            "checks": {
                "positive_data_acceptance": {
                    "expected-statuses": [
                        *("2xx", "3xx", "400", "401", "403", "404", "409", "422", "429", "5xx")
                    ]
                }
            },
            "phases": {"stateful": {"max-steps": 10}},
            "auth": {"wfc": {"path": str(auth_path), "peers": list(PEERS)}},
        }
    )


@pytest.fixture
def two_organizations(registrar: Any, outsider: Any, foreign_document: Any) -> dict[str, Any]:
    """Alice's registered letter (with a file and a preview) and a journal on each side."""
    JournalFactory(organization=outsider.org, name="Входящие Минобра")
    return {"alice": registrar, "oleg": outsider, "document": foreign_document}


@pytest.mark.django_db(transaction=True)
def test_schemathesis_finds_nothing(
    _in_process_transport: None,
    _steer: None,
    _worker_db: list[BaseDatabaseWrapper],
    two_organizations: dict[str, Any],
    tmp_path: Path,
) -> None:
    config = engine_config(wfc_auth(tmp_path / "auth.json", *PEERS))
    schema = schemathesis.openapi.from_wsgi(SCHEMA_PATH, wsgi_app(_worker_db), config=config)
    failures: list[str] = []
    errors: list[str] = []
    checks: Counter[str] = Counter()
    statuses: Counter[int] = Counter()
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            for nodes in event.recorder.checks.values():
                for node in nodes:
                    checks[node.name] += 1
                    if node.failure_info is not None:
                        failure = node.failure_info.failure
                        failures.append(
                            f"{event.recorder.label} [{node.name}] {failure.title}\n"
                            f"{failure.message}\n{node.failure_info.code_sample}"
                        )
            for interaction in event.recorder.interactions.values():
                if interaction.response is not None:
                    statuses[interaction.response.status_code] += 1
        elif isinstance(event, events.NonFatalError):
            errors.append(f"{event.label}: {event.info.format()}")
        elif isinstance(event, events.FatalError):
            errors.append(f"fatal: {event.exception!r}")
        elif isinstance(event, events.EngineFinished):
            failures += [f"after the run: {f.title}\n{f.message}" for f in event.failures]
    print(f"statuses: {dict(statuses)}\nchecks: {dict(checks)}")
    report = "\n\n".join(dict.fromkeys(failures + errors))  # the same failure once
    assert not failures and not errors, f"{len(failures)} failures, {len(errors)} errors\n{report}"
    # The run did reach the API: successes, refusals, and the checks the gate is about.
    assert statuses[200] and statuses[201] and statuses[400] and statuses[404], statuses
    assert all(statuses[code] == 0 for code in range(500, 600)), statuses
    for name in (
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_schema_conformance",
        "negative_data_rejection",
        "use_after_free",
        "ensure_resource_availability",
        "object_level_authorization",
    ):
        assert checks[name], (name, checks)


# --- Every GET of an object, with the other organization's token: 404 -----------------

NOT_OBJECTS = {
    "/api/v1/calendar/{year}": "a year of the region's working-day calendar, the same for all",
}
"""GET operations with a path parameter that names no object of an organization."""


@pytest.fixture
def health_objects(
    registrar: Any,
    head: Any,
    executor: Any,
    outsider: Any,
    foreign_document: Any,
    django_capture_on_commit_callbacks: Any,
) -> dict[str, Any]:
    """One object of Минздрав behind every GET that names one, the marker in each.
    ``who``: the persona of Минздрав who may read it (the positive control)."""
    from bering.appeals import services as appeal_services
    from bering.appeals.tests.conftest import make_citizen
    from bering.approvals import route_templates
    from bering.approvals import services as approvals
    from bering.approvals.models import Visa
    from bering.approvals.tests.conftest import create_draft
    from bering.assignments.tests.factories import issued
    from bering.documents.services import Upload
    from bering.exchange import services as exchange
    from bering.exchange.tests.factories import outgoing
    from bering.exchange.tests.medo_kit import medo_objects
    from bering.orgs.tests.factories import OrganizationFactory
    from conftest import _persona

    finance = OrganizationFactory(short_name="Минфин", name="Министерство финансов КК", code="MF")
    fedor = _persona(finance, "fedor", "Фёдоров", "Фёдор", "Делопроизводитель", is_registrar=True)
    with django_capture_on_commit_callbacks(execute=True):
        draft = create_draft(executor, head, text=MARKER)
        draft.title = MARKER
        draft.save(update_fields=["title"])
        approvals.approval_start(
            actor=executor.actor,
            document=draft,
            plan=[approvals.StagePlan(name=MARKER, approver_ids=(registrar.employee.pk,))],
        )
        issued(head, foreign_document, executor.employee, text=MARKER)
        letter = outgoing(fedor, title=MARKER)
        exchange.document_send(
            actor=fedor.actor, document=letter, addressee_org_ids=[registrar.org.pk]
        )
    template = route_templates.route_template_create(actor=registrar.actor, name=MARKER)
    medo = medo_objects(registrar, fedor, title=MARKER)
    from bering.signatures.marking import signature_mark_make
    from bering.signatures.models import Signature

    signature = Signature.objects.get(document_file__document_id=medo["medo_document"])
    assert signature_mark_make(signature.pk)
    appeal = appeal_services.appeal_send(
        citizen=make_citizen(),
        organization=registrar.org,
        text=MARKER,
        consent=True,
        uploads=[Upload(name=f"{MARKER}.pdf", stream=io.BytesIO(pdf_bytes(MARKER)))],
    ).appeal
    return {
        "document": foreign_document.pk,
        "file": foreign_document.files.get().pk,
        "draft": draft.pk,
        "visa": Visa.objects.get(approver=registrar.employee).pk,
        "signature": signature.pk,
        "delivery": letter.deliveries.get().pk,
        "template": template.pk,
        "appeal": appeal.pk,
        "appeal_file": appeal.files.get().pk,
        "organization": registrar.org.pk,
        "alice": registrar,
        "boris": head,
        "vera": executor,
        "kira": _persona(registrar.org, "kira", "Кириллова", "Кира", MARKER, is_org_admin=True),
        **medo,
    }


OBJECTS: dict[str, tuple[str, Callable[[dict[str, Any]], dict[str, object]]]] = {
    # path: (who of Минздрав may read it, its path parameters)
    "/api/v1/documents/{id}/": ("alice", lambda o: {"id": o["document"]}),
    "/api/v1/documents/{id}/history": ("alice", lambda o: {"id": o["document"]}),
    "/api/v1/documents/{id}/resolutions": ("alice", lambda o: {"id": o["document"]}),
    "/api/v1/documents/{id}/deliveries": ("alice", lambda o: {"id": o["document"]}),
    "/api/v1/documents/{id}/files/{file_id}/download": (
        "alice",
        lambda o: {"id": o["document"], "file_id": o["file"]},
    ),
    "/api/v1/documents/{id}/files/{file_id}/preview": (
        "alice",
        lambda o: {"id": o["document"], "file_id": o["file"]},
    ),
    "/api/v1/documents/{id}/files/{file_id}/pdf": (
        "alice",
        lambda o: {"id": o["document"], "file_id": o["file"]},
    ),
    "/api/v1/documents/{id}/files/{file_id}/text": (
        "alice",
        lambda o: {"id": o["document"], "file_id": o["file"]},
    ),
    "/api/v1/documents/{id}/rounds": ("vera", lambda o: {"id": o["draft"]}),
    "/api/v1/documents/{id}/approval": ("vera", lambda o: {"id": o["draft"]}),  # deprecated
    "/api/v1/documents/{id}/approval-sheet": ("vera", lambda o: {"id": o["draft"]}),
    "/api/v1/documents/{id}/approval-sheet.pdf": ("vera", lambda o: {"id": o["draft"]}),
    "/api/v1/approvals/visas/{id}": ("alice", lambda o: {"id": o["visa"]}),
    "/api/v1/approvals/visas/{id}/files-to-sign": ("alice", lambda o: {"id": o["visa"]}),
    "/api/v1/signatures/{id}/marked-copy": ("alice", lambda o: {"id": o["signature"]}),
    "/api/v1/approvals/route-templates/{id}": ("alice", lambda o: {"id": o["template"]}),
    "/api/v1/approvals/routes/{id}": ("alice", lambda o: {"id": o["template"]}),  # deprecated
    "/api/v1/deliveries/{id}": ("alice", lambda o: {"id": o["delivery"]}),
    "/api/v1/documents/{id}/medo-packages": ("alice", lambda o: {"id": o["medo_document"]}),
    "/api/v1/medo/packages/{id}": ("alice", lambda o: {"id": o["medo_package"]}),
    "/api/v1/medo/packages/{id}/container": ("alice", lambda o: {"id": o["medo_package"]}),
    "/api/v1/medo/inbound/{id}": ("alice", lambda o: {"id": o["medo_inbound"]}),
    "/api/v1/medo/messages/{id}/container": ("alice", lambda o: {"id": o["medo_message"]}),
    "/api/v1/appeals/{id}": ("alice", lambda o: {"id": o["appeal"]}),
    "/api/v1/publications/documents/{id}": ("alice", lambda o: {"id": o["document"]}),
    "/api/v1/appeals/{id}/files/{file_id}/download": (
        "alice",
        lambda o: {"id": o["appeal"], "file_id": o["appeal_file"]},
    ),
    "/api/v1/organizations/{id}/employees": ("kira", lambda o: {"id": o["organization"]}),
    "/api/v1/reports/visas/{group}/{id}": (
        "boris",
        lambda o: {"group": "organization", "id": o["organization"]},
    ),
    "/api/v1/reports/assignments/{group}/{id}": (
        "boris",
        lambda o: {"group": "organization", "id": o["organization"]},
    ),
}


def _body(response: Any) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else bytes(response.content)


def test_foreign_object_is_404_for_every_get_operation(
    health_objects: dict[str, Any], outsider: Any
) -> None:
    """Driven by the schema: a new GET with an object in its path fails here until it is
    given an object of Минздрав in ``health_objects`` and ``OBJECTS`` (or is listed in
    ``NOT_OBJECTS`` with the reason)."""
    schema = bearer(outsider.user).get(SCHEMA_PATH, HTTP_ACCEPT="application/json").json()
    paths = sorted(p for p, ops in schema["paths"].items() if "get" in ops and "{" in p)
    unclassified = [p for p in paths if p not in OBJECTS and p not in NOT_OBJECTS]
    assert not unclassified, f"Give these an object in {__file__}: {unclassified}"
    oleg = bearer(outsider.user)
    wrong = []
    for path in paths:
        if path in NOT_OBJECTS:
            continue
        who, params = OBJECTS[path]
        url = path.format(**params(health_objects))
        owner = bearer(health_objects[who].user).get(url)
        foreign = oleg.get(url)
        body = _body(foreign)
        if owner.status_code != 200:
            wrong.append(f"{url} as {who}: {owner.status_code} (the positive control)")
        if foreign.status_code != 404 or json.loads(body)["code"] != "not_found":
            wrong.append(f"{url} as oleg: {foreign.status_code} {body[:200]!r}")
        if MARKER.encode() in body or MARKER in str(foreign.headers):
            wrong.append(f"{url} as oleg: the marker is in the answer")
    assert not wrong, "\n".join(wrong)
