"""Hostile names never reach a page unescaped (QUALITY.md item 12), without a browser.

Every name-like field of the region holds a canary (see ``canary.py``). Each
persona crawls the staff pages from the menu and the start pages, following
same-origin links; every HTML response must hold no raw ``<script>``, ``<img
onerror>``, ``<svg onload>`` or ``javascript:`` link from a canary. So must the
htmx fragments, the print HTML behind the PDF exports, the query parameters
echoed back, every POST form's answer when its text fields are canaries, and the
import report. The API answers JSON, never HTML; the XLSX exports keep every
text a text (no formula). As a positive control, every kind of field must show,
escaped, on some page, unless ``canary.NOT_SHOWN`` says no page renders it.
Real Chromium runs the same world in ``test_browser_canary.py``.
"""

from __future__ import annotations

import io
import re
from collections import deque
from urllib.parse import urlencode, urlsplit

import pytest
from django.test import Client
from openpyxl import load_workbook

from bering.accounts.models import User
from bering.notifications.models import Notification
from bering.web.tests import canary
from bering.web.tests.canary import PERSONAS, World

pytestmark = pytest.mark.django_db

ECHOED = {  # query parameters the pages read; each gets a canary to echo back
    "q": canary.canary("query.q"),
    "number": canary.short("query.n"),
    "year": canary.short("query.y"),
    "edit": canary.short("query.e"),
    "from": canary.short("query.f"),
    "to": canary.short("query.t"),
    "org": canary.short("query.o"),
    "type": canary.short("query.ty"),
    "group": canary.short("query.g"),
    "template": canary.short("query.tp"),
    "unread": canary.short("query.u"),
    "page": canary.short("query.p"),
}


@pytest.fixture
def world(django_capture_on_commit_callbacks) -> World:
    with django_capture_on_commit_callbacks(execute=True):
        return canary.build()


@pytest.fixture
def printed(monkeypatch) -> list[str]:
    """The HTML every PDF export hands to WeasyPrint (a PDF of it is not needed here)."""
    import weasyprint

    pages: list[str] = []

    class Html:
        def __init__(self, *args, string: str = "", **kwargs) -> None:
            pages.append(string)

        def write_pdf(self, *args, **kwargs) -> bytes:
            return b"%PDF-1.7\n%%EOF\n"

    monkeypatch.setattr(weasyprint, "HTML", Html)
    return pages


def logged_in(world: World, username: str) -> Client:
    client = Client(raise_request_exception=True)
    client.force_login(world.people[username].user)
    return client


def body_of(response) -> str:  # type: ignore[no-untyped-def]
    if response.streaming:
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


class Audit:
    """What the crawl saw: leaks per URL, and for each canary the pages that showed it."""

    def __init__(self, world: World) -> None:
        self.fields = {tag: f.shown for tag, f in world.fields.items()}
        self.leaks: dict[str, list[str]] = {}
        self.seen: dict[str, set[str]] = {}
        self.bodies: dict[str, str] = {}
        self.pages = 0

    def check(self, url: str, response) -> str:  # type: ignore[no-untyped-def]
        content_type = response.get("Content-Type", "")
        if "html" not in content_type:
            return ""
        body = body_of(response)
        self.pages += 1
        self.bodies[url] = body
        leaks = canary.unescaped(body)
        if leaks:
            self.leaks[url] = leaks
        for tag, shown in self.fields.items():
            if shown in body:
                self.seen.setdefault(tag, set()).add(url)
        return body


def crawl(client: Client, starts: list[str], audit: Audit, *, limit: int = 200) -> set[str]:
    """Open the start pages and every same-origin link from them, once per page key."""
    queue = deque(starts)
    keys: set[tuple[str, tuple[str, ...]]] = set()
    visited: set[str] = set()
    while queue and len(visited) < limit:
        url = queue.popleft()
        key = canary.page_key(url)
        if key in keys:
            continue
        keys.add(key)
        response = client.get(url)
        visited.add(url)
        assert response.status_code < 500, (url, response.status_code)
        if response.status_code in (301, 302):
            target = urlsplit(response["Location"])
            if not target.netloc:
                queue.append(target.path + (f"?{target.query}" if target.query else ""))
            continue
        body = audit.check(url, response)
        if body:
            queue.extend(canary.same_origin_links(body, urlsplit(url).path))
    return visited


def test_no_canary_is_rendered_unescaped_on_any_page(world: World) -> None:
    audit = Audit(world)
    visited_by: dict[str, set[str]] = {}
    for username in PERSONAS:
        client = logged_in(world, username)
        visited_by[username] = crawl(client, canary.start_pages(world), audit)
        # The htmx fragments: the search results, a notification marked read.
        response = client.get(
            "/documents/?" + urlencode({"q": ECHOED["q"]}),
            HTTP_HX_REQUEST="true",
            HTTP_HX_TARGET="results",
        )
        audit.check("/documents/ (htmx)", response)
        mine = Notification.objects.filter(recipient=world.people[username]).first()
        if mine is not None:
            response = client.post(f"/notifications/{mine.pk}/read/", HTTP_HX_REQUEST="true")
            assert response.status_code < 500
            audit.check(f"/notifications/{mine.pk}/read/ (htmx)", response)

    assert not audit.leaks, f"Unescaped canaries: {audit.leaks}"
    everywhere = set().union(*visited_by.values())
    assert len(everywhere) > 60, sorted(everywhere)  # the crawl really went round
    kinds = {f.kind for f in world.fields.values()}
    shown = {world.fields[tag].kind for tag in audit.seen}
    missing = sorted(kinds - shown - canary.NOT_SHOWN)
    assert not missing, f"No page showed these fields (list them in NOT_SHOWN?): {missing}"


def test_echoed_query_parameters_are_escaped(world: World) -> None:
    """Every page again, with each parameter it might read set to a canary: echoed
    values are escaped and a malformed one is a 4xx, never a 500."""
    audit = Audit(world)
    for username in ("alice", "regina"):
        client = logged_in(world, username)
        pages = crawl(client, canary.start_pages(world), Audit(world))
        paths = sorted({urlsplit(url).path for url in pages})
        for path in paths:
            url = f"{path}?{urlencode(ECHOED)}"
            response = client.get(url)
            assert response.status_code < 500, (url, response.status_code)
            audit.check(url, response)
    assert not audit.leaks, f"Unescaped canaries: {audit.leaks}"


def test_exports_and_printouts_keep_canaries_inert(world: World, printed: list[str]) -> None:
    """The PDF exports' HTML is escaped (WeasyPrint would fetch an ``<img src>``), the
    XLSX cells are texts, never formulas, and downloads are attachments."""
    client = logged_in(world, "regina")
    report_pages = [
        "/reports/coverage/",
        "/reports/visas/",
        "/reports/visas/?group=department",
        "/reports/visas/?group=organization",
        "/reports/assignments/",
        "/reports/assignments/?group=department",
        "/reports/assignments/?group=organization",
        "/reports/approval-time/",
    ]
    for page in report_pages:
        body = body_of(client.get(page))
        report_pages += [
            link
            for link in canary.same_origin_links(body, urlsplit(page).path)
            if re.match(r"^/reports/(visas|assignments)/\w+/\d+/", link)
        ]
    report_pages = sorted(set(report_pages))
    assert any(re.match(r"^/reports/visas/\w+/\d+/", p) for p in report_pages), report_pages
    assert any(re.match(r"^/reports/assignments/\w+/\d+/", p) for p in report_pages)
    formulas: list[tuple[str, str]] = []
    texts = []
    for page in report_pages:
        joiner = "&" if "?" in page else "?"
        xlsx = client.get(f"{page}{joiner}format=xlsx")
        assert xlsx.status_code == 200, page
        assert xlsx["Content-Disposition"].startswith("attachment;")
        book = load_workbook(io.BytesIO(body_bytes(xlsx)))
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if cell.data_type == "f" or (
                        isinstance(cell.value, str) and cell.value.startswith(("=", "+", "@"))
                    ):
                        formulas.append((page, str(cell.value)))
                    if isinstance(cell.value, str):
                        texts.append(cell.value)
        pdf = client.get(f"{page}{joiner}format=pdf")
        assert pdf.status_code == 200, page
    assert not formulas, formulas
    assert any(text.startswith("'=HYPERLINK(1)[vera.last]") for text in texts), (
        "the executor named like a formula is in some workbook"
    )
    approvals = logged_in(world, "vera")
    for key in ("d1", "d2"):
        response = approvals.get(f"/approvals/documents/{world.documents[key].pk}/sheet.pdf")
        assert response.status_code == 200
    assert len(printed) >= len(report_pages) + 2
    leaks = {i: canary.unescaped(html) for i, html in enumerate(printed) if canary.unescaped(html)}
    assert not leaks, leaks
    assert any("[d1.title]" in html for html in printed)
    assert any("[org1.short]" in html for html in printed)

    # Downloads: attachments, never sniffed into HTML, the hostile name percent-encoded.
    card = logged_in(world, "alice").get(f"/documents/{world.documents['in1'].pk}/")
    downloads = re.findall(r'href="(/documents/\d+/files/\d+/download/)"', body_of(card))
    assert downloads
    for url in downloads:
        response = logged_in(world, "alice").get(url)
        assert response.status_code == 200
        disposition = response["Content-Disposition"]
        assert disposition.startswith("attachment")
        assert "\r" not in disposition and "\n" not in disposition
        assert re.fullmatch(
            r'attachment; filename="(?:[^"\\]|\\.)*"|attachment; filename\*=UTF-8\'\'[\w%.~-]+',
            disposition,
        ), disposition
        assert "html" not in response["Content-Type"]
        assert response["X-Content-Type-Options"] == "nosniff"


NOT_SUBMITTED = re.compile(r"^/(?:logout|switch|i18n|login|account)/|/sign/$")
"""Forms the fuzz leaves alone: signing out, switching post or language, sign-in security,
and signing (a password, not a name)."""


def post_forms(body: str, current: str) -> list[tuple[str, dict[str, str | list[str]]]]:
    """Each POST form of a page as (action, data): text fields and text areas hold a
    canary, the rest keeps its value (a select its first option), files are left out."""
    from html.parser import HTMLParser

    forms: list[tuple[str, dict[str, str | list[str]]]] = []

    class Forms(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.data: dict[str, str | list[str]] | None = None
            self.select: str | None = None
            self.textarea: str | None = None

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            a = {k: v or "" for k, v in attrs}
            name = a.get("name", "")
            if tag == "form":
                if a.get("method", "get").lower() == "post":
                    self.data = {}
                    forms.append((a.get("action") or current, self.data))
                return
            if self.data is None or not name:
                return
            kind = a.get("type", "text").lower()
            if tag == "textarea":
                self.data[name] = canary.canary(f"form.{name}")
            elif tag == "select":
                self.select = name
            elif tag == "option" and self.select and self.select not in self.data:
                if a.get("value"):
                    self.data[self.select] = a["value"]
            elif tag == "input" and kind in ("text", "search", ""):
                self.data[name] = canary.canary(f"form.{name}")[: int(a.get("maxlength") or 200)]
            elif tag == "input" and kind in ("hidden", "date", "number", "email", "password"):
                self.data.setdefault(name, a.get("value", ""))
            elif tag == "input" and kind in ("checkbox", "radio") and "checked" in a:
                value = self.data.setdefault(name, [])
                if isinstance(value, list):
                    value.append(a.get("value", "on"))
            elif tag == "button" and a.get("value") and name not in self.data:
                self.data[name] = a["value"]

        def handle_endtag(self, tag: str) -> None:
            if tag == "form":
                self.data = None
            elif tag == "select":
                self.select = None

    Forms().feed(body)
    return forms


def test_forms_filled_with_canaries_answer_escaped(world: World) -> None:
    """Every POST form a persona reaches, its text fields filled with canaries: whether
    the answer is the form again with errors or the page after success, it is escaped,
    and it is never a 500."""
    audit = Audit(world)
    submitted = 0
    for username in ("alice", "boris", "vera", "pavel", "raisa", "dmitry", "oleg", "regina"):
        client = logged_in(world, username)
        pages = Audit(world)
        crawl(client, canary.start_pages(world), pages)
        audit.leaks.update(pages.leaks)
        done: set[tuple[str, tuple[str, ...]]] = set()
        for url, body in pages.bodies.items():
            for action, data in post_forms(body, urlsplit(url).path):
                path = urlsplit(action).path
                key = (re.sub(r"\d+", "N", path), tuple(sorted(data)))
                if NOT_SUBMITTED.search(path) or key in done:
                    continue
                done.add(key)
                response = client.post(action, data, follow=True)
                submitted += 1
                assert response.status_code < 500, (username, action, response.status_code)
                audit.check(f"POST {action} ({username})", response)
    assert submitted > 20, submitted
    assert not audit.leaks, f"Unescaped canaries: {audit.leaks}"


def body_bytes(response) -> bytes:  # type: ignore[no-untyped-def]
    if response.streaming:
        return b"".join(response.streaming_content)
    return bytes(response.content)


API_PAGES = (
    "/api/v1/me",
    "/api/v1/documents/",
    "/api/v1/documents/{d1}/",
    "/api/v1/documents/{in1}/history",
    "/api/v1/documents/{d1}/files",
    "/api/v1/documents/{d1}/approval",
    "/api/v1/documents/{d1}/approval-sheet",
    "/api/v1/documents/{in1}/resolutions",
    "/api/v1/documents/{d2}/deliveries",
    "/api/v1/journals/",
    "/api/v1/document-types/",
    "/api/v1/approvals/inbox",
    "/api/v1/approvals/route-templates",
    "/api/v1/assignments/mine",
    "/api/v1/assignments/control",
    "/api/v1/resolutions/drafts",
    "/api/v1/deliveries/queue",
    "/api/v1/notifications/",
    "/api/v1/reports/coverage",
    "/api/v1/reports/visas",
    "/api/v1/reports/assignments",
    "/api/v1/reports/approval-time",
)


def test_the_api_answers_json_never_html(world: World) -> None:
    """The API carries the canaries raw, as JSON strings: safe only while no response is
    HTML (whatever the client accepts) and none is sniffed into HTML."""
    ids = {key: doc.pk for key, doc in world.documents.items()}
    raw = 0
    for username in ("alice", "vera", "raisa", "oleg", "regina"):
        client = logged_in(world, username)
        for template in API_PAGES:
            url = template.format(**ids)
            for accept in ("text/html", "application/json"):
                response = client.get(url, HTTP_ACCEPT=accept)
                assert response.status_code < 500, (url, response.status_code)
                content_type = response.get("Content-Type", "")
                assert "html" not in content_type, (url, accept, content_type)
                assert response["X-Content-Type-Options"] == "nosniff", url
                if response.status_code == 200 and accept == "application/json":
                    assert content_type.startswith("application/json"), (url, content_type)
                    raw += "<script>__xss" in body_of(response)
    assert raw > 10, "the API pages did carry the canaries"


def test_the_import_report_escapes_the_cells_it_names(world: World) -> None:
    """A region administrator uploads organizations with hostile cells: whatever the
    report quotes back is escaped."""
    from bering.orgs import importing

    headers = [column.header for column in importing.ORGANIZATION_COLUMNS]
    row = [canary.canary(f"imp.{i}")[:120] for i, _ in enumerate(headers)]
    data = ";".join(headers) + "\n" + ";".join(r.replace(";", ",") for r in row) + "\n"
    upload = io.BytesIO(data.encode())
    upload.name = canary.filename("imp.file", "csv")
    client = logged_in(world, "regina")
    assert User.objects.get(username="regina").is_region_admin
    response = client.post("/orgs/import/", {"kind": "organizations", "file": upload})
    assert response.status_code in (200, 400)
    body = body_of(response)
    assert "[imp.4]" in body  # the report quotes the unknown parent's code back
    assert not canary.unescaped(body), canary.unescaped(body)
