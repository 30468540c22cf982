"""A working day of a region's officials against a running Bering (issue 14).

Driven by ``bench/run_load.py``, which picks real officials of the database, gives each
an API token and a signed-in session through the project's own services, starts the
server and the task worker, and runs locust headless against loopback. The officials
come in a JSON file named by ``BERING_LOAD_OFFICIALS`` (written by ``run_load.py``):
``{"clerk": [...], "executor": [...], ...}``, each official with ``token``, ``session``,
``post`` (employee id), ``organization`` and the ids the role needs.

The role mix (weights are people, not requests), mostly reads:

- clerks (registrars): register incoming letters with a small PDF through the API with
  an ``Idempotency-Key``, look through their journal's list and open cards;
- executors: their assignments page, the home page, document cards (page and API), and
  now and then a new outgoing draft sent for approval to two colleagues (API);
- approvers: the «На согласование» page, then a visa given through the API (agreed, or
  agreed with remarks) with an ``Idempotency-Key``;
- heads: «Ждут моего решения» on the desk page and on the tablet (``desk/changes``
  with the cursor and ``If-None-Match``), resolutions issued on incoming letters,
  the organization's report page;
- analysts: searching (page and API) and their own figures («Мои показатели»).

A response other than the expected status is a failure with the status and the first
bytes of the body, so a run that reports 0 failures had none.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import uuid
from pathlib import Path
from typing import Any

from locust import HttpUser, between, task
from locust.exception import StopUser

WORDS = [
    "ремонт",
    "топливо",
    "отопительный сезон",
    "бюджет",
    "школа",
    "больница",
    "северный завоз",
    "капитальный ремонт",
    "субсидия",
    "паводок",
    "водоснабжение",
    "аэропорт",
]

_OFFICIALS: dict[str, list[dict[str, Any]]] = {}
_NEXT: dict[str, itertools.count[int]] = {}


def _official(role: str) -> dict[str, Any]:
    """The next official of ``role`` (users of one role take them in turn)."""
    if not _OFFICIALS:
        path = os.environ.get("BERING_LOAD_OFFICIALS", "")
        if not path:
            raise SystemExit("BERING_LOAD_OFFICIALS is not set: run bench/run_load.py")
        _OFFICIALS.update(json.loads(Path(path).read_text(encoding="utf-8")))
    people = _OFFICIALS.get(role) or []
    if not people:
        raise StopUser()
    n = next(_NEXT.setdefault(role, itertools.count()))
    return people[n % len(people)]


def small_pdf(text: str) -> bytes:
    """A one-page PDF with a line of ASCII text (about 600 bytes), offsets computed."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)


class Official(HttpUser):
    """One signed-in official: API calls carry the token and the post, pages the session."""

    abstract = True
    role = ""
    wait_time = between(3, 20)

    def on_start(self) -> None:
        self.me = _official(self.role)
        self.api_headers = {
            "Authorization": f"Bearer {self.me['token']}",
            "X-Bering-Post": str(self.me["post"]),
            "Accept": "application/json",
        }
        self.client.cookies.set("sessionid", self.me["session"])
        self.seen: list[int] = list(self.me.get("documents", []))

    # --- helpers ------------------------------------------------------------------

    def _check(self, response: Any, expected: tuple[int, ...]) -> bool:
        if response.status_code in expected:
            response.success()
            return True
        if response.status_code == 0:
            response.failure(f"no answer: {response.error!r}")
        else:
            response.failure(f"{response.status_code}: {response.text[:200]!r}")
        return False

    def api_get(self, path: str, name: str, expected: tuple[int, ...] = (200,), **kw: Any) -> Any:
        headers = {**self.api_headers, **kw.pop("headers", {})}
        with self.client.get(
            f"/api/v1/{path}", headers=headers, name=name, catch_response=True, **kw
        ) as response:
            if self._check(response, expected) and response.status_code == 200:
                return response.json()
        return None

    def api_post(
        self, path: str, name: str, expected: tuple[int, ...] = (200, 201), **kw: Any
    ) -> Any:
        headers = {**self.api_headers, "Idempotency-Key": str(uuid.uuid4())}
        with self.client.post(
            f"/api/v1/{path}", headers=headers, name=name, catch_response=True, **kw
        ) as response:
            if self._check(response, expected):
                return response.json()
        return None

    def page(self, path: str, name: str) -> None:
        with self.client.get(path, name=name, catch_response=True) as response:
            if self._check(response, (200,)) and "/login/" in response.url:
                response.failure("signed out: redirected to the login page")

    def remember(self, rows: Any) -> None:
        ids = [row["id"] for row in rows or [] if isinstance(row, dict) and "id" in row]
        if ids:
            self.seen = (ids + self.seen)[:40]

    def open_card(self, api: bool) -> None:
        if not self.seen:
            return
        pk = random.choice(self.seen)
        if api:
            self.api_get(f"documents/{pk}/", "API document card")
        else:
            self.page(f"/documents/{pk}/", "page: document card")


class Clerk(Official):
    """A registrar at the incoming mail: registers letters, checks the journal."""

    role = "clerk"
    weight = 25

    @task(2)
    def register_letter(self) -> None:
        code = uuid.uuid4().hex[:10]
        pdf = small_pdf(f"Incoming letter {code} on the heating season")
        data = {
            "doc_type": str(self.me["doc_type"]),
            "journal": str(self.me["journal"]),
            "title": f"О подготовке к отопительному сезону ({code})",
            "correspondent": "Администрация Усть-Камчатского муниципального округа",
            "correspondent_number": f"01-{code}",
            "pages": "1",
        }
        body = self.api_post(
            "documents/register-incoming",
            "API register incoming letter + PDF",
            data=data,
            files={"files": (f"letter-{code}.pdf", pdf, "application/pdf")},
        )
        if body:
            self.seen = [body["id"], *self.seen][:40]

    @task(3)
    def journal_list(self) -> None:
        body = self.api_get("documents/?flow=incoming&limit=20", "API document list")
        if body:
            self.remember(body.get("results"))

    @task(3)
    def card(self) -> None:
        self.open_card(api=True)

    @task(1)
    def list_page(self) -> None:
        self.page("/documents/", "page: document list")


class Executor(Official):
    """A specialist: assignments, documents, now and then a draft sent for approval."""

    role = "executor"
    weight = 75

    @task(3)
    def assignments(self) -> None:
        self.page("/assignments/", "page: my assignments")

    @task(2)
    def assignments_api(self) -> None:
        body = self.api_get("assignments/mine", "API my assignments")
        if isinstance(body, list):
            self.remember([{"id": row["document"]} for row in body if row.get("document")])

    @task(2)
    def home(self) -> None:
        self.page("/", "page: home (redirected)")

    @task(3)
    def card(self) -> None:
        self.open_card(api=random.random() < 0.3)

    @task(1)
    def list_page(self) -> None:
        self.page("/documents/", "page: document list")

    @task(1)
    def draft_for_approval(self) -> None:
        approvers = self.me["approvers"]
        if not approvers:
            return
        code = uuid.uuid4().hex[:8]
        draft = self.api_post(
            "documents/",
            "API create outgoing draft + PDF",
            data={
                "flow": "outgoing",
                "doc_type": str(self.me["outgoing_type"]),
                "title": f"Ответ на запрос о завозе топлива ({code})",
                "signer": str(self.me["head"]),
            },
            files={"files": (f"draft-{code}.pdf", small_pdf(f"Draft {code}"), "application/pdf")},
        )
        if not draft:
            return
        self.api_post(
            f"documents/{draft['id']}/rounds",
            "API send draft for approval",
            json={
                "stages": [
                    {
                        "name": "Согласование",
                        "approvers": random.sample(approvers, min(2, len(approvers))),
                    }
                ],
                "direct_to_signing": False,
            },
        )


class Approver(Official):
    """A deputy or a lawyer: «На согласование», gives visas."""

    role = "approver"
    weight = 50

    @task(3)
    def inbox_page(self) -> None:
        self.page("/approvals/", "page: approvals inbox")

    @task(2)
    def decide(self) -> None:
        inbox = self.api_get("approvals/inbox", "API approvals inbox")
        visas = [row for row in inbox or [] if row["kind"] == "visa" and row["status"] == "pending"]
        if not visas:
            return
        visa = visas[0]
        self.page(f"/documents/{visa['document']}/", "page: document card")
        remarks = random.random() < 0.2
        self.api_post(
            f"approvals/visas/{visa['id']}/decide",
            "API give a visa",
            expected=(200,),
            json={
                "outcome": "remarks" if remarks else "agreed",
                "comment": "Уточнить сроки поставки." if remarks else "",
            },
        )

    @task(1)
    def card(self) -> None:
        self.open_card(api=False)


class Head(Official):
    """A head: the desk on the page and the tablet, resolutions, the organization's report."""

    role = "head"
    weight = 25

    def on_start(self) -> None:
        super().on_start()
        self.cursor = ""
        self.etag = ""

    @task(3)
    def desk_page(self) -> None:
        self.page("/desk/", "page: head's desk")

    @task(3)
    def tablet_sync(self) -> None:
        headers = {"If-None-Match": self.etag} if self.etag else {}
        query = f"?cursor={self.cursor}" if self.cursor else ""
        body = self.api_get(
            f"desk/changes{query}",
            "API desk changes (tablet)",
            expected=(200, 304),
            headers=headers,
        )
        if body:
            self.cursor = body["cursor"]
            self.etag = f'"{body["cursor"]}"'

    @task(1)
    def resolution(self) -> None:
        body = self.api_get(
            "documents/?flow=incoming&status=registered&limit=20", "API document list"
        )
        rows = (body or {}).get("results") or []
        if not rows or not self.me["executors"]:
            return
        document = random.choice(rows)
        self.api_post(
            f"documents/{document['id']}/resolutions",
            "API issue a resolution",
            expected=(201,),
            json={
                "text": "Подготовить ответ и согласовать с финансовым отделом.",
                "responsible": random.choice(self.me["executors"]),
                "term_kind": "working",
                "days": 10,
            },
        )

    @task(2)
    def card(self) -> None:
        self.open_card(api=False)

    @task(1)
    def report(self) -> None:
        self.page("/reports/visas/", "page: report (visa discipline)")


class Analyst(Official):
    """Someone looking things up: search, and their own figures."""

    role = "analyst"
    weight = 25

    @task(3)
    def search_page(self) -> None:
        self.page(f"/documents/search/?q={random.choice(WORDS)}", "page: search")

    @task(2)
    def search_api(self) -> None:
        body = self.api_get(f"search?q={random.choice(WORDS)}", "API search")
        if body:
            self.remember([hit["document"] for hit in body.get("results") or []])

    @task(1)
    def card(self) -> None:
        self.open_card(api=True)

    @task(1)
    def my_figures(self) -> None:
        self.page("/reports/assignments/", "page: my figures (assignment discipline)")
