"""No canary runs in a real browser (QUALITY.md item 12): real headless Chromium.

Every name-like field of the region holds a canary (see ``canary.py``) that, if
it ever ran, would set ``window.__xss`` to its own tag; an ``alert`` would open
a dialog; an inline script or handler that the CSP blocks is reported as a
``securitypolicyviolation`` event and on the console. Each persona crawls the
staff pages, following same-origin links; after each load nothing of that may
have happened, and no element the canaries would inject (``<xss-canary>``, an
``<img src=x>``, an ``on...`` attribute, a ``javascript:`` link) may be in the
DOM. htmx swaps are covered too: the header's boosted links and the search box.
"""

from __future__ import annotations

import time
from collections import deque
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Browser, Page, expect

from bering.web.tests import canary
from bering.web.tests.canary import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PERSONAS = ("alice", "boris", "vera", "pavel", "raisa", "oleg", "regina")
"""The personas of ``canary.PERSONAS`` but the controller and the third registrar, whose
pages the others reach too (the test without a browser crawls as all of them)."""

WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__csp.push(`${e.effectiveDirective} ${e.blockedURI} ${e.sample}`);
});
"""

INSPECT = """() => {
  const attr = (e, n) => (e.getAttribute(n) || '').trim().toLowerCase();
  const handlers = [...document.querySelectorAll('*')].filter(
    (e) => [...e.attributes].some((a) => a.name.startsWith('on')));
  const urlNames = ['href', 'src', 'action', 'formaction'];
  const jsUrls = [...document.querySelectorAll('[href], [src], [action], [formaction]')].filter(
    (e) => urlNames.some((n) => attr(e, n).startsWith('javascript:')));
  return {
    xss: window.__xss === undefined ? null : String(window.__xss),
    csp: window.__csp || ['(no watcher: the init script did not run)'],
    injected: document.querySelectorAll('xss-canary, img[src="x"], svg[onload]').length,
    handlers: handlers.map((e) => e.outerHTML.slice(0, 120)),
    jsUrls: jsUrls.map((e) => e.outerHTML.slice(0, 120)),
    links: [...document.querySelectorAll('a[href]')].map((a) => a.href),
    text: document.body ? document.body.textContent : '',
  };
}"""


class Watch:
    """What went wrong on which page, for one persona's browser context."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self.dialogs: list[str] = []
        self.console: list[str] = []
        self.pages = 0
        self.text = ""

    def attach(self, page: Page) -> None:
        def on_dialog(dialog) -> None:  # type: ignore[no-untyped-def]
            self.dialogs.append(f"{page.url}: {dialog.type} {dialog.message}")
            dialog.dismiss()

        def on_console(message) -> None:  # type: ignore[no-untyped-def]
            if "Content Security Policy" in message.text or "__xss" in message.text:
                self.console.append(f"{page.url}: {message.text[:300]}")

        page.on("dialog", on_dialog)
        page.on("console", on_console)

    def inspect(self, page: Page, where: str) -> list[str]:
        found = page.evaluate(INSPECT)
        self.pages += 1
        self.text += found["text"]
        for name, bad in (
            ("window.__xss", found["xss"]),
            ("CSP violations", found["csp"]),
            ("injected elements", found["injected"]),
            ("inline handlers", found["handlers"]),
            ("javascript: URLs", found["jsUrls"]),
        ):
            if bad:
                self.problems.append(f"{where}: {name}: {bad}")
        return list(found["links"])


def context_for(browser: Browser, args: dict, base: str, world: World, username: str):  # type: ignore[no-untyped-def]
    """A browser context already signed in as ``username`` (no password round trip)."""
    client = Client()
    client.force_login(world.people[username].user)
    context = browser.new_context(**args)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": base,
            }
        ]
    )
    context.add_init_script(WATCH)
    return context


class Opened:
    """Page keys already opened: lists and menus once per persona (each sees other rows),
    an object's page (a number in its path) once for everyone."""

    def __init__(self) -> None:
        self.objects: set[tuple[str, tuple[str, ...]]] = set()
        self.lists: set[tuple[str, tuple[str, ...]]] = set()

    def next_persona(self) -> None:
        self.lists = set()

    def add(self, key: tuple[str, tuple[str, ...]]) -> bool:
        """Whether ``key`` is new (and now opened)."""
        seen = self.objects if any(ch.isdigit() for ch in key[0]) else self.lists
        if key in seen:
            return False
        seen.add(key)
        return True


def crawl(page: Page, base: str, starts: list[str], watch: Watch, opened: Opened) -> None:
    """Open the start pages and the same-origin links from them, breadth first."""
    queue = deque(starts)
    while queue:
        url = queue.popleft()
        if not opened.add(canary.page_key(url)):
            continue
        response = page.goto(base + url, wait_until="load")
        assert response is not None and response.status < 500, (url, response and response.status)
        if "html" not in (response.headers.get("content-type") or ""):
            continue
        for link in watch.inspect(page, url):
            parts = urlsplit(link)
            if f"{parts.scheme}://{parts.netloc}" != base:
                continue
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            if not canary.NOT_A_PAGE.search(path):
                queue.append(path)


def test_no_canary_runs_in_chromium(
    browser: Browser, browser_context_args: dict, live_server
) -> None:
    started = time.monotonic()
    world = canary.build()
    built = time.monotonic() - started
    base = live_server.url
    opened = Opened()
    watches: dict[str, Watch] = {}
    for username in PERSONAS:
        watch = watches[username] = Watch()
        context = context_for(browser, browser_context_args, base, world, username)
        try:
            page = context.new_page()
            watch.attach(page)
            opened.next_persona()
            crawl(page, base, canary.start_pages(world), watch, opened)
            if username in ("alice", "boris"):
                htmx_swaps(page, base, watch)
        finally:
            context.close()

    problems = [p for w in watches.values() for p in w.problems]
    dialogs = [d for w in watches.values() for d in w.dialogs]
    console = [c for w in watches.values() for c in w.console]
    assert not problems, problems
    assert not dialogs, dialogs
    assert not console, console
    pages = sum(w.pages for w in watches.values())
    text = "".join(w.text for w in watches.values())
    # Positive control: the canaries were on the pages, as text.
    for tag in ("org1.short", "in1.title", "d1.title", "res.text", "visa.reject", "cal.day"):
        assert f"[{tag}]" in text, tag
    assert "<script>__xss='in1.title'</script>" in text
    assert pages > 80, pages
    print(f"canary crawl: world {built:.1f} s, {pages} pages, {time.monotonic() - started:.1f} s")


def htmx_swaps(page: Page, base: str, watch: Watch) -> None:
    """Pages swapped in by htmx: the search results and each boosted menu link."""
    page.goto(f"{base}/documents/")
    search = page.locator("form.filters input[name=q]")
    search.fill(canary.canary("swap.q"))
    with page.expect_response(lambda r: "/documents/?" in r.url):
        search.press("Enter")
    expect(page.locator("#results")).to_be_visible()
    watch.inspect(page, "/documents/ (htmx search)")
    page.goto(f"{base}/calendar/")
    # The boosted links; the tablet app's link loads its own page in full (hx-boost=false).
    menu = "header nav a:not([hx-boost=false]), header a.desk, header a.bell"
    hrefs = page.locator(menu).evaluate_all("(links) => links.map((a) => a.href)")
    for href in hrefs:
        if href == page.url:
            continue
        with page.expect_response(href):
            page.locator(f'header a[href="{urlsplit(href).path}"]').first.click()
        expect(page).to_have_url(href)
        page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-settling')")
        watch.inspect(page, f"{urlsplit(href).path} (boosted)")
