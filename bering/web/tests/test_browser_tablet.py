"""The head's tablet in real Chromium at 820×1180, without a link (issue 13).

Boris has two drafts to agree and a draft resolution to confirm. He opens /tablet/
while the link is up; the app keeps the queue and the files' text. Then the link
drops: he reads a draft, agrees on both and returns the resolution with a note;
the banner counts three decisions waiting; a reload still shows the queue and the
outbox; nothing reaches the server. The link comes back: the three decisions are
applied, each exactly once, and the banner goes.

How "offline" is made, and checked. ``context.set_offline(True)`` is Chromium's
network emulation: ``navigator.onLine`` turns false and the page's fetches fail.
Whether it also stops the service worker's own fetches has differed between
Playwright versions (microsoft/playwright#2311), so the test does not take it on
trust: every request that reaches the live server is counted (Django's
``request_started``), and the count while offline must be zero. With Playwright
1.65 and Chromium 156 ``set_offline`` alone passes that check (measured with the
route below disabled: the offline reload, served by the worker's network-first
fetch, still reached nobody). The ``context.route`` that aborts every request as
"internetdisconnected" while offline stays as a second fence for the page's
requests; for a version whose worker slips past both, run with
``PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS=1``, which routes the worker's
requests through ``context.route`` too; the server count would say so first.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import json
import os
import re
import threading
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import pytest
import weasyprint
from django.core.signals import request_started
from PIL import Image
from playwright.sync_api import Browser, BrowserContext, Page, Route, expect

from bering.api.models import IdempotencyKey
from bering.approvals import services as approvals
from bering.approvals.models import Visa
from bering.assignments.models import Resolution
from bering.assignments.tests.factories import draft_resolution
from bering.audit.models import AuditEvent
from bering.documents import services as documents
from bering.documents.models import Document
from bering.documents.tests.factories import doc_type
from bering.files import samples
from bering.orgs.models import Substitution
from bering.orgs.tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("BERING_SCREENSHOTS")
TABLET = {"width": 820, "height": 1180}
COAL = "Завезти 350 тонн угля в с. Никольское до 10 декабря."
BOATS = "Обеспечить ремонт причала в с. Никольское до начала навигации."
# Long enough for the text to come in parts (12 KB each): «далее» must work offline.
LONG = "\n".join(
    f"{n}. Проверить сваи причала № {n} и заменить повреждённый настил." for n in range(1, 400)
)


def shot(page: Page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


class Network:
    """The tablet's link: on or off, for the page and its service worker alike; and
    the count of requests the server got (the proof that "off" was off)."""

    def __init__(self, context: BrowserContext) -> None:
        self.context = context
        self.offline = False
        self.served: list[str] = []
        self._lock = threading.Lock()
        request_started.connect(self._count)
        context.route("**/*", self._route)

    def _count(self, sender: object, environ: dict[str, str], **kwargs: object) -> None:
        with self._lock:
            self.served.append(environ.get("PATH_INFO", ""))

    def _route(self, route: Route) -> None:
        if self.offline:
            route.abort("internetdisconnected")
        else:
            route.continue_()

    def off(self) -> None:
        self.offline = True
        self.context.set_offline(True)
        with self._lock:
            self.served.clear()

    def on(self) -> list[str]:
        with self._lock:
            seen = list(self.served)
        self.offline = False
        self.context.set_offline(False)
        return seen

    def close(self) -> None:
        request_started.disconnect(self._count)


def sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/login/"), timeout=60_000)


def _draft(author, head, title: str, body: str) -> Document:  # type: ignore[no-untyped-def]
    draft = documents.document_create(
        actor=author.actor,
        card=documents.Card(
            doc_type=doc_type("outgoing-letter"), title=title, signer=head.employee
        ),
        flow="outgoing",
        uploads=[
            documents.Upload(
                name=f"{title}.docx", stream=io.BytesIO(samples.make_docx(title, body))
            )
        ],
    )
    approvals.approval_start(
        actor=author.actor,
        document=draft,
        plan=[approvals.StagePlan(name="Согласование", approver_ids=(head.employee.pk,))],
    )
    return draft


def _visa(document: Document, head) -> Visa:  # type: ignore[no-untyped-def]
    return Visa.objects.get(
        run__document=document,
        run__status="active",
        approver=head.employee,
        kind=Visa.Kind.VISA,
    )


def _open(
    browser: Browser, base: str, before: Callable[[BrowserContext], None] | None = None
) -> tuple[BrowserContext, Page, Network]:
    context = browser.new_context(
        viewport=TABLET,
        locale="ru-RU",
        timezone_id="Asia/Kamchatka",
        has_touch=True,
        service_workers="allow",
    )
    network = Network(context)
    if before is not None:
        before(context)
    page = context.new_page()
    sign_in(page, base, "boris")
    # From the desk's button, as a head gets there: a full page load (not an htmx-boosted
    # swap, which would leave the app's script unloaded and the worker unregistered).
    page.goto(f"{base}/desk/")
    page.locator("[data-link=tablet-app]").click()
    expect(page).to_have_url(f"{base}/tablet/")
    # The worker controls the page, the queue is kept, the files' text is kept.
    # (Attributes, not wait_for_function: the page's CSP forbids evaluating strings.)
    shell = page.locator("#tablet")
    expect(shell).to_have_attribute("data-worker", "controlled", timeout=30_000)
    expect(shell).to_have_attribute("data-prefetched", re.compile(r"."), timeout=60_000)
    return context, page, network


def _events(*verbs: str) -> int:
    return AuditEvent.objects.filter(verb__in=verbs).count()


def test_head_decides_offline_and_each_decision_lands_once(
    browser: Browser, live_server, head, executor, registrar
) -> None:
    base = live_server.url
    coal = _draft(executor, head, "О завозе топлива", COAL)
    pier = _draft(executor, head, "О ремонте причала", BOATS + "\n" + LONG)
    resolution = draft_resolution(
        registrar, head, executor, days=5, text="Подготовить котельные к сезону"
    )
    coal_visa, pier_visa = _visa(coal, head), _visa(pier, head)

    context, page, network = _open(browser, base)
    try:
        items = page.locator("[data-item]")
        expect(items).to_have_count(3)
        expect(page.locator("[data-stale]")).to_contain_text("данные на")
        shot(page, "tablet-queue")

        network.off()
        expect(page.locator("[data-banner=offline]")).to_contain_text("нет связи с")
        before = AuditEvent.objects.count()

        # He reads the draft's text, offline, and agrees.
        page.locator(f'[data-item="visa:{coal_visa.pk}"] a').click()
        expect(page.locator("[data-text=file]")).to_contain_text("350 тонн угля")
        # The PDF copy came in 256 KB ranges and passed its SHA-256 check: it opens offline.
        expect(page.locator("[data-action=pdf]")).to_be_visible()
        # And the preview of page 1, from the worker's cache.
        expect(page.locator("img[data-preview]")).to_have_js_property("naturalWidth", 800)
        shot(page, "tablet-item-offline")
        page.locator("[data-action=agree]").click()
        expect(
            page.locator(f'[data-item="visa:{coal_visa.pk}"] [data-mark=pending]')
        ).to_be_visible()

        # The long draft: its second part, offline, behind «далее».
        page.locator(f'[data-item="visa:{pier_visa.pk}"] a').click()
        expect(page.locator("[data-part='1']")).to_contain_text("Проверить сваи причала № 1 ")
        page.locator("[data-action=more]").first.click()
        expect(page.locator("[data-part='2']")).to_contain_text("Проверить сваи причала")
        page.locator("[data-action=agree]").click()

        # The draft resolution goes back with a note; without the note it would not.
        page.locator(f'[data-item="resolution:{resolution.pk}"] a').click()
        expect(page.locator("[data-text=item]")).to_contain_text("Подготовить котельные")
        page.locator("[data-action=return]").click()
        expect(page.locator("[data-error=comment]")).to_be_visible()
        page.locator("[data-field=comment]").fill("Укажите срок подготовки котельных")
        page.locator("[data-action=return]").click()

        banner = page.locator("#banner")
        expect(banner).to_have_attribute("data-waiting", "3")
        expect(banner).to_contain_text("3 решения ждут отправки")
        shot(page, "tablet-offline-outbox")

        # A reload without the link: the kept shell, the kept queue, the kept outbox.
        page.reload()
        expect(page.locator("[data-item]")).to_have_count(3)
        expect(page.locator("[data-mark=pending]")).to_have_count(3)
        expect(page.locator("#banner")).to_contain_text("3 решения ждут отправки")

        # Nothing reached the server, nothing changed.
        assert Visa.objects.get(pk=coal_visa.pk).status == Visa.Status.PENDING
        assert Visa.objects.get(pk=pier_visa.pk).status == Visa.Status.PENDING
        assert Resolution.objects.get(pk=resolution.pk).status == Resolution.Status.DRAFT
        assert AuditEvent.objects.count() == before
        served = network.on()
        assert served == [], served

        # The link is back: the outbox goes out, in order, each decision once.
        expect(page.locator("#banner")).to_be_hidden(timeout=30_000)
        expect(page.locator("[data-sent]")).to_have_count(3)
        # What is left is his signature on the two agreed drafts (online only: the password).
        expect(page.locator("[data-item]")).to_have_count(2)
        expect(page.locator("[data-item][data-kind=sign]")).to_have_count(2)
        shot(page, "tablet-sent")
        assert Visa.objects.get(pk=coal_visa.pk).status == Visa.Status.AGREED
        assert Visa.objects.get(pk=pier_visa.pk).status == Visa.Status.AGREED
        returned = Resolution.objects.get(pk=resolution.pk)
        assert returned.status == Resolution.Status.RETURNED
        assert _events("approval.agreed") == 2
        assert _events("resolution.returned") == 1
        assert IdempotencyKey.objects.count() == 3
        assert (
            AuditEvent.objects.filter(verb="approval.agreed", object_id__in=[coal.pk, pier.pk])
            .values("object_id")
            .distinct()
            .count()
            == 2
        )

        # A later start of the app sends nothing again.
        page.reload()
        expect(page.locator("#tablet")).to_have_attribute("data-ready", "yes")
        assert _events("approval.agreed") == 2
        assert _events("resolution.returned") == 1
    finally:
        network.close()
        context.close()


def test_decision_on_a_recalled_draft_comes_back_as_a_conflict(
    browser: Browser, live_server, head, executor
) -> None:
    base = live_server.url
    draft = _draft(executor, head, "О завозе топлива", COAL)
    first = _visa(draft, head)
    context, page, network = _open(browser, base)
    try:
        expect(page.locator(f'[data-item="visa:{first.pk}"]')).to_have_count(1)
        network.off()
        page.locator(f'[data-item="visa:{first.pk}"] a').click()
        page.locator("[data-action=agree]").click()
        expect(page.locator("#banner")).to_contain_text("1 решение ждёт отправки")
        # A queued decision can be taken back before it is sent, and taken again.
        page.locator(f'[data-item="visa:{first.pk}"] a').click()
        page.locator("[data-action=cancel]").click()
        expect(page.locator("#banner")).to_have_attribute("data-waiting", "0")
        expect(page.locator("#banner")).to_have_text(re.compile(r"^нет связи с \d\d:\d\d$"))
        page.locator("[data-action=agree]").click()
        expect(page.locator("#banner")).to_have_attribute("data-waiting", "1")

        # Meanwhile Vera recalls the draft, puts in a new version and starts round 2.
        approvals.approval_recall(actor=executor.actor, document=draft, reason="Новые объёмы")
        documents.document_file_add(
            actor=executor.actor,
            document=Document.objects.get(pk=draft.pk),
            upload=documents.Upload(
                name="О завозе топлива.docx",
                stream=io.BytesIO(samples.make_docx("О завозе топлива", "Завезти 400 тонн угля.")),
            ),
            replaces_slot=1,
        )
        approvals.approval_start(
            actor=executor.actor,
            document=Document.objects.get(pk=draft.pk),
            plan=[approvals.StagePlan(name="Согласование", approver_ids=(head.employee.pk,))],
        )
        second = _visa(draft, head)
        agreed_before = _events("approval.agreed")
        assert network.on() == []

        # The decision is not applied: the item shows why, and the new round waits.
        conflict = page.locator(f'[data-item="visa:{first.pk}"] [data-mark=conflict]')
        expect(conflict).to_be_visible(timeout=30_000)
        expect(page.locator(f'[data-item="visa:{second.pk}"]')).to_have_count(1)
        expect(page.locator("#banner")).to_be_hidden()
        page.locator(f'[data-item="visa:{first.pk}"] a').click()
        entry = page.locator("[data-entry=conflict]")
        expect(entry).to_be_visible()
        expect(entry.locator("[data-detail]")).not_to_be_empty()
        shot(page, "tablet-conflict")
        # Understood: the mark goes, and so does the item that left the queue.
        entry.locator("[data-action=dismiss]").click()
        expect(page.locator(f'[data-item="visa:{first.pk}"]')).to_have_count(0)
        expect(page.locator(f'[data-item="visa:{second.pk}"]')).to_have_count(1)
        assert Visa.objects.get(pk=first.pk).status != Visa.Status.AGREED
        assert Visa.objects.get(pk=second.pk).status == Visa.Status.PENDING
        assert _events("approval.agreed") == agreed_before == 0
    finally:
        network.close()
        context.close()


def test_decision_on_a_changed_item_shows_what_changed_and_is_taken_again(
    browser: Browser, live_server, head, executor, registrar
) -> None:
    """412: the letter got a new file while Boris was offline; his confirmation is not
    applied; the item shows the files before and after; he confirms again, online."""
    base = live_server.url
    resolution = draft_resolution(
        registrar, head, executor, days=5, text="Подготовить котельные к сезону"
    )
    key = f"resolution:{resolution.pk}"
    context, page, network = _open(browser, base)
    try:
        network.off()
        page.locator(f'[data-item="{key}"] a').click()
        page.locator("[data-action=confirm]").click()
        expect(page.locator("#banner")).to_have_attribute("data-waiting", "1")

        documents.document_file_add(
            actor=registrar.actor,
            document=Document.objects.get(pk=resolution.document_id),
            upload=documents.Upload(
                name="Приложение.docx",
                stream=io.BytesIO(samples.make_docx("Приложение", "График подготовки котельных.")),
            ),
        )
        assert network.on() == []

        expect(page.locator(f'[data-item="{key}"] [data-mark=conflict]')).to_be_visible(
            timeout=30_000
        )
        assert Resolution.objects.get(pk=resolution.pk).status == Resolution.Status.DRAFT
        page.locator(f'[data-item="{key}"] a').click()
        entry = page.locator("[data-entry=conflict]")
        expect(entry.locator("[data-detail=item_changed]")).not_to_be_empty()
        expect(entry.locator("[data-diff=files] ins")).to_contain_text("Приложение.docx")
        shot(page, "tablet-conflict-changed")

        # He decides again on what it is now: that one goes through.
        page.locator("[data-action=confirm]").click()
        expect(page.locator(f'[data-sent="{key}"][data-result=applied]')).to_have_count(1)
        assert Resolution.objects.get(pk=resolution.pk).status == Resolution.Status.ACTIVE
    finally:
        network.close()
        context.close()


def test_a_decision_whose_answer_was_lost_is_reported_as_already_applied(
    browser: Browser, live_server, head, executor, registrar
) -> None:
    """The server applies the confirmation but the answer never reaches the tablet (the
    link drops on the way back). The tablet retries with the same Idempotency-Key: the
    server answers from its record, and the item says «уже применено ранее»."""
    base = live_server.url
    resolution = draft_resolution(
        registrar, head, executor, days=5, text="Подготовить котельные к сезону"
    )
    key = f"resolution:{resolution.pk}"
    context, page, network = _open(browser, base)
    lost: list[str] = []

    def lose_first_answer(route: Route) -> None:
        if route.request.method == "POST" and not lost:
            route.fetch()  # reaches the server, which applies it
            lost.append(route.request.headers["idempotency-key"])
            route.abort("connectionreset")
        else:
            route.fallback()

    page.route("**/api/v1/resolutions/*/confirm", lose_first_answer)
    try:
        page.locator(f'[data-item="{key}"] a').click()
        page.locator("[data-action=confirm]").click()
        expect(page.locator(f'[data-sent="{key}"][data-result=replayed]')).to_have_count(
            1, timeout=30_000
        )
        assert len(lost) == 1
        assert Resolution.objects.get(pk=resolution.pk).status == Resolution.Status.ACTIVE
        assert _events("resolution.issued") == 1
        assert IdempotencyKey.objects.filter(key=lost[0]).count() == 1
    finally:
        network.close()
        context.close()


def test_the_queue_fits_a_phone(browser: Browser, live_server, head, executor) -> None:
    _draft(executor, head, "О завозе топлива", COAL)
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="ru-RU", timezone_id="Asia/Kamchatka"
    )
    page = context.new_page()
    try:
        sign_in(page, live_server.url, "boris")
        page.goto(f"{live_server.url}/tablet/")
        expect(page.locator("[data-item]")).to_have_count(1)
        # Once the files are in: the item is not redrawn under the measurement.
        expect(page.locator("#tablet")).to_have_attribute("data-prefetched", re.compile(r"."))
        page.locator("[data-item] a").click()
        expect(page.locator("[data-action=agree]")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        box = page.locator("[data-action=agree]").bounding_box()
        assert box is not None and box["height"] >= 44
        shot(page, "tablet-phone")
    finally:
        context.close()


def test_a_push_message_becomes_a_notification_that_opens_the_item(
    browser: Browser, live_server, head, executor
) -> None:
    """The worker's push handler, fed by Chromium's DevTools (no push service is needed
    to deliver a message to a registration): a notification with the title, the body
    and the address of the item in the app."""
    base = live_server.url
    draft = _draft(executor, head, "О завозе топлива", COAL)
    key = f"visa:{_visa(draft, head).pk}"
    context, page, network = _open(browser, base)
    try:
        context.grant_permissions(["notifications"], origin=base)
        cdp = context.new_cdp_session(page)
        registrations: list[dict[str, str]] = []
        cdp.on(
            "ServiceWorker.workerRegistrationUpdated",
            lambda event: registrations.extend(event["registrations"]),
        )
        cdp.send("ServiceWorker.enable")
        ours: list[dict[str, str]] = []
        for _ in range(50):  # the events of the registrations that exist, as they come
            ours = [r for r in registrations if r["scopeURL"] == f"{base}/tablet/"]
            if ours:
                break
            page.wait_for_timeout(100)
        assert ours, registrations
        cdp.send(
            "ServiceWorker.deliverPushMessage",
            {
                "origin": base,
                "registrationId": ours[0]["registrationId"],
                # As bering.notifications.push sends it: the online page and the tag.
                "data": json.dumps(
                    {
                        "title": "Новая задача",
                        "body": "О завозе топлива",
                        "url": f"/approvals/documents/{draft.pk}/",
                        "tag": f"document-{draft.pk}",
                    }
                ),
            },
        )
        shown: list[list[str]] = []
        for _ in range(50):
            shown = page.evaluate(
                "navigator.serviceWorker.ready.then((r) => r.getNotifications())"
                ".then((list) => list.map((n) => [n.title, n.body, n.data.url]))"
            )
            if shown:
                break
            page.wait_for_timeout(100)
        url = "/tablet/#/item/" + quote(key, safe="")  # as the queue's own links
        assert shown == [["Новая задача", "О завозе топлива", url]], shown
    finally:
        network.close()
        context.close()


CHUNK = 256 * 1024


def test_a_large_pdf_copy_resumes_after_a_broken_link(
    browser: Browser, live_server, head, executor
) -> None:
    """A PDF of several 256 KB chunks; the link breaks on the second. The chunk already
    in is kept; the next run asks only for what is missing, and the assembled copy
    passes its SHA-256 check before it is kept and opened."""
    noise = Image.frombytes("RGB", (600, 600), os.urandom(600 * 600 * 3))
    picture = io.BytesIO()
    noise.save(picture, format="PNG")
    data = base64.b64encode(picture.getvalue()).decode()
    pdf = weasyprint.HTML(
        string=f'<h1>Схема причала</h1><img src="data:image/png;base64,{data}">'
    ).write_pdf()
    assert pdf is not None and len(pdf) > 2 * CHUNK
    draft = documents.document_create(
        actor=executor.actor,
        card=documents.Card(
            doc_type=doc_type("outgoing-letter"), title="Схема причала", signer=head.employee
        ),
        flow="outgoing",
        uploads=[documents.Upload(name="Схема причала.pdf", stream=io.BytesIO(pdf))],
    )
    approvals.approval_start(
        actor=executor.actor,
        document=draft,
        plan=[approvals.StagePlan(name="Согласование", approver_ids=(head.employee.pk,))],
    )
    asked: list[str] = []

    def cut_the_second_chunk_once(route: Route) -> None:
        wanted = route.request.headers.get("range", "")
        asked.append(wanted)
        if wanted.startswith(f"bytes={CHUNK}-") and asked.count(wanted) == 1:
            route.abort("connectionreset")
        else:
            route.fallback()

    context, page, network = _open(
        browser,
        live_server.url,
        before=lambda c: c.route("**/api/v1/documents/*/files/*/pdf", cut_the_second_chunk_once),
    )
    try:
        first = asked.copy()
        assert first == ["bytes=0-262143", "bytes=262144-524287"], first
        shell = page.locator("#tablet")
        done = shell.get_attribute("data-prefetched")
        page.locator("[data-action=refresh]").click()
        expect(shell).not_to_have_attribute("data-prefetched", done or "", timeout=30_000)
        expect(shell).to_have_attribute("data-prefetched", re.compile(r"."))
        assert asked[2] == "bytes=262144-524287", asked  # resumed, not started over
        assert asked.count("bytes=0-262143") == 1, asked
        page.locator(f'[data-item="visa:{_visa(draft, head).pk}"] a').click()
        link = page.locator("[data-action=pdf]")
        expect(link).to_be_visible()
        href = link.get_attribute("href")
        kept = page.evaluate(
            "(href) => fetch(href).then((r) => r.arrayBuffer())"
            ".then((b) => crypto.subtle.digest('SHA-256', b))"
            ".then((d) => Array.from(new Uint8Array(d), (x) => x.toString(16).padStart(2, '0'))"
            ".join(''))",
            href,
        )
        assert kept == hashlib.sha256(pdf).hexdigest()
    finally:
        network.close()
        context.close()


def test_a_busy_server_keeps_the_decision_in_the_outbox_until_it_is_taken(
    browser: Browser, live_server, head, executor, registrar
) -> None:
    """503 (the server busy): the decision stays in the outbox, the banner says it is
    being sent, and it goes again after a pause, with the same key: applied once."""
    resolution = draft_resolution(
        registrar, head, executor, days=5, text="Подготовить котельные к сезону"
    )
    key = f"resolution:{resolution.pk}"
    context, page, network = _open(browser, live_server.url)
    answered: list[int] = []

    def busy_once(route: Route) -> None:
        if route.request.method == "POST" and not answered:
            answered.append(503)
            route.fulfill(
                status=503,
                json={"code": "busy", "detail": "Система занята."},
                headers={"Retry-After": "5"},
            )
        else:
            route.fallback()

    page.route("**/api/v1/resolutions/*/confirm", busy_once)
    try:
        page.locator(f'[data-item="{key}"] a').click()
        page.locator("[data-action=confirm]").click()
        banner = page.locator("#banner")
        expect(banner).to_have_attribute("data-banner", "sending")
        expect(banner).to_contain_text("отправляю 1 решение")
        expect(page.locator(f'[data-sent="{key}"][data-result=applied]')).to_have_count(
            1, timeout=30_000
        )
        expect(banner).to_be_hidden()
        assert answered == [503]
        assert Resolution.objects.get(pk=resolution.pk).status == Resolution.Status.ACTIVE
        assert _events("resolution.issued") == 1
    finally:
        network.close()
        context.close()


def test_a_decision_waits_for_its_own_person_on_a_shared_tablet(
    browser: Browser, live_server, head, executor, registrar
) -> None:
    """Boris decides offline and puts the tablet down; Alice, his deputy today, signs in on
    it: she neither sees nor sends his decision (the server would take it as hers). It goes
    when Boris signs in there again, once."""
    base = live_server.url
    coal_visa = _visa(_draft(executor, head, "О завозе топлива", COAL), head)
    today = dt.date.today()  # ± a day: today in Kamchatka, whatever the machine's zone
    Substitution.objects.create(
        absent=head.employee,
        substitute=registrar.employee,
        starts_on=today - dt.timedelta(days=1),
        ends_on=today + dt.timedelta(days=1),
    )
    context, page, network = _open(browser, base)
    try:
        network.off()
        page.locator(f'[data-item="visa:{coal_visa.pk}"] a').click()
        page.locator("[data-action=agree]").click()
        expect(page.locator("#banner")).to_have_attribute("data-waiting", "1")
        page.close()  # no page of the app is open when the link returns
        network.on()

        page = context.new_page()
        context.clear_cookies()
        sign_in(page, base, "alice")
        token = next(c["value"] for c in context.cookies() if c["name"] == "csrftoken")
        switched = page.request.post(
            f"{base}/switch/",
            form={"post": str(registrar.employee.pk), "on_behalf_of": str(head.employee.pk)},
            headers={"X-CSRFToken": token},
        )
        assert switched.ok
        page.goto(f"{base}/tablet/")
        shell = page.locator("#tablet")
        expect(shell).to_have_attribute("data-name", re.compile("за"))
        expect(page.locator(f'[data-item="visa:{coal_visa.pk}"]')).to_be_visible()
        expect(shell).to_have_attribute("data-prefetched", re.compile(r"."), timeout=60_000)
        expect(page.locator("[data-mark=pending]")).to_have_count(0)
        assert page.locator("#banner").get_attribute("data-waiting") in (None, "0")
        coal_visa.refresh_from_db()
        assert coal_visa.status == Visa.Status.PENDING  # not sent under Alice's session

        context.clear_cookies()
        sign_in(page, base, "boris")
        page.goto(f"{base}/tablet/")
        for _ in range(120):  # his outbox is sent as his app starts
            coal_visa.refresh_from_db()
            if coal_visa.status != Visa.Status.PENDING:
                break
            page.wait_for_timeout(250)
        assert coal_visa.status == Visa.Status.AGREED
        assert coal_visa.decided_by_user_id == head.employee.user_id
        assert IdempotencyKey.objects.filter(user=head.employee.user).count() == 1
    finally:
        network.close()
        context.close()
