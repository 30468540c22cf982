"""Issue 10, the head's tablet: the pages on a tablet (820×1180, 1024×768) and a phone (390×844).

No text wider than the screen, no word or date broken mid-word (only long tokens
such as SHA-256 may wrap anywhere), every link and control at least 44 px tall on
a touch screen, and on a phone the menu folds behind «Меню» (no script needed).
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from pathlib import Path

import pytest
import weasyprint
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client
from playwright.sync_api import Browser, BrowserContext, Page, expect

from bering.appeals import services as appeal_services
from bering.appeals.tests.conftest import make_citizen
from bering.approvals import services as approvals
from bering.approvals.models import Visa
from bering.approvals.tests.conftest import create_draft
from bering.assignments import services as assignments
from bering.assignments.tests.factories import spec
from bering.documents import services as documents
from bering.documents.models import Document
from bering.documents.tests.factories import JournalFactory, doc_type
from bering.portal.session import SESSION_KEY

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
TABLET = {"width": 820, "height": 1180}
SIZES = {"phone": PHONE, "tablet": TABLET, "landscape": {"width": 1024, "height": 768}}
SHOTS = os.environ.get("BERING_SCREENSHOTS")
# A long title: at some width one of its long words comes to the end of a line.
TITLE = (
    "О проведении внеочередного заседания межведомственной комиссии по "
    "противодействию распространению социально значимых заболеваний "
    "в муниципальных образованиях Камчатского края"
)
LONG_WORD = "проведении"

# Every visible element with its own text that sticks out of the screen (unless
# it is inside a scroll box that itself fits, like a wide report table).
OVERFLOW_JS = """() => {
  const W = window.innerWidth, bad = [];
  const inScroller = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX;
      if (o === 'auto' || o === 'scroll' || o === 'hidden')
        return p.getBoundingClientRect().right <= W + 1;
    }
    return false;
  };
  for (const el of document.body.querySelectorAll('*')) {
    if (!el.checkVisibility({visibilityProperty: true})) continue;
    if (![...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim())) continue;
    const r = el.getBoundingClientRect();
    if (r.width && r.right > W + 1 && !inScroller(el))
      bad.push(`${el.tagName.toLowerCase()}.${el.className} ${Math.round(r.right)}px: `
               + el.textContent.trim().slice(0, 60));
  }
  return {bad, scroll: document.documentElement.scrollWidth, width: W};
}"""

# Links and controls under 44 px (a checkbox counts by its label).
SMALL_TARGETS_JS = """() => {
  const bad = [];
  for (const el of document.querySelectorAll('a, button, input, select, summary, textarea')) {
    if (el.type === 'hidden' || !el.checkVisibility({visibilityProperty: true})) continue;
    const box = (el.type === 'checkbox' || el.type === 'radio') ? (el.closest('label') || el) : el;
    const r = box.getBoundingClientRect();
    if (r.width <= 1 && r.height <= 1) continue;
    if (r.height < 43.5)
      bad.push(`${el.tagName.toLowerCase()} ${Math.round(r.height)}px: `
               + (el.textContent || el.name || el.type || '').trim().slice(0, 50));
  }
  return bad;
}"""

# Words and dates split over two lines: a token whose range has more than one rect.
SPLIT_WORDS_JS = """() => {
  const bad = [], re = /[А-Яа-яЁё]{4,}|\\d{2}\\.\\d{2}\\.\\d{4}/g;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!el || !el.checkVisibility() || el.closest('.hash, script, style, option')) continue;
    for (const m of n.textContent.matchAll(re)) {
      const range = document.createRange();
      range.setStart(n, m.index);
      range.setEnd(n, m.index + m[0].length);
      const lines = new Set([...range.getClientRects()].filter((r) => r.width > 0)
                            .map((r) => Math.round(r.top)));
      if (lines.size > 1) bad.push(m[0]);
    }
  }
  return bad;
}"""


@dataclass
class World:
    letter: Document
    visa: Visa
    appeal_pk: int
    citizen_pk: int
    token: str


@pytest.fixture
def world(registrar, head, executor, controller) -> World:
    journal = JournalFactory(organization=registrar.org, name="Входящие", index="01-15")
    letter = documents.document_register_incoming(
        actor=registrar.actor,
        card=documents.Card(
            doc_type=doc_type("incoming-letter"),
            title=TITLE,
            correspondent="Администрация Петропавловск-Камчатского городского округа",
            correspondent_number="125-ОД",
        ),
        journal=journal,
        uploads=[
            documents.Upload(
                name="Приложение_к_письму_о_проведении_заседания_комиссии_2026-12-14.pdf",
                stream=io.BytesIO(weasyprint.HTML(string=f"<p>{TITLE}</p>").write_pdf()),
            )
        ],
    )
    assignments.resolution_draft(
        actor=registrar.actor, document=letter, spec=spec(executor.employee), author=head.employee
    )
    draft = create_draft(executor, controller, code="outgoing-letter")
    approvals.approval_start(
        actor=executor.actor,
        document=draft,
        plan=[approvals.StagePlan(name="Согласование", approver_ids=(head.employee.pk,))],
    )
    doc_type("appeal")
    citizen = make_citizen()
    sent = appeal_services.appeal_send(
        citizen=citizen,
        organization=registrar.org,
        text="Прошу разъяснить порядок проведения диспансеризации в поликлинике № 3 "
        "и сообщить, когда возобновится приём эндокринолога.",
        consent=True,
    )
    appeal_services.appeal_register(
        actor=registrar.actor, appeal=sent.appeal, executor=executor.employee
    )
    return World(
        letter=letter,
        visa=Visa.objects.get(run__document=draft, approver=head.employee),
        appeal_pk=sent.appeal.pk,
        citizen_pk=citizen.pk,
        token=sent.token,
    )


def _context(browser: Browser, size: str, base: str, cookie: str = "") -> BrowserContext:
    context = browser.new_context(
        viewport=SIZES[size],
        locale="ru-RU",
        timezone_id="Asia/Kamchatka",
        has_touch=True,
        is_mobile=size == "phone",
    )
    if cookie:
        context.add_cookies([{"name": "sessionid", "value": cookie, "url": base}])
    return context


def _staff_cookie(persona) -> str:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(persona.user)
    return client.cookies["sessionid"].value


def _citizen_cookie(citizen_pk: int) -> str:
    session = SessionStore()
    session[SESSION_KEY] = citizen_pk
    session.create()
    return str(session.session_key)


def check_page(page: Page, url: str, size: str) -> None:
    page.goto(url)
    expect(page.locator("main")).to_be_visible()
    where = f"{url} at {size}"
    found = page.evaluate(OVERFLOW_JS)
    assert not found["bad"], (where, found["bad"])
    assert found["scroll"] <= found["width"], (where, found)
    split = page.evaluate(SPLIT_WORDS_JS)
    assert not split, (where, split)
    small = page.evaluate(SMALL_TARGETS_JS)
    assert not small, (where, small)
    if size == "phone":
        header = page.locator("header.top").bounding_box()
        assert header is not None and header["height"] <= 0.2 * PHONE["height"], (where, header)


def shot(page: Page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"))


@pytest.mark.parametrize("size", list(SIZES))
def test_staff_pages_fit_the_screen_and_the_finger(
    browser: Browser, live_server, size, world, registrar, head, executor
) -> None:
    base = live_server.url
    letter, visa = world.letter, world.visa
    card, appeal = f"/documents/{letter.pk}/", f"/appeals/{world.appeal_pk}/"
    pages = [
        (registrar, ["/documents/", card, "/appeals/", appeal]),
        (head, ["/desk/", f"/approvals/visas/{visa.pk}/", "/approvals/", "/assignments/head/"]),
        (head, [card, "/reports/"]),
        (executor, ["/documents/", "/approvals/", "/assignments/", appeal]),
    ]
    for persona, urls in pages:
        context = _context(browser, size, base, _staff_cookie(persona))
        page = context.new_page()
        for url in urls:
            check_page(page, base + url, size)
            if (
                persona is head
                and size != "landscape"
                and url in ("/desk/", f"/approvals/visas/{visa.pk}/")
            ):
                shot(page, f"{'desk' if url == '/desk/' else 'visa'}-{size}")
        context.close()


def test_phone_menu_opens_by_tap_and_keyboard_and_closes_after_a_boosted_link(
    browser: Browser, live_server, world, head
) -> None:
    base = live_server.url
    context = _context(browser, "phone", base, _staff_cookie(head))
    page = context.new_page()
    page.goto(f"{base}/desk/")
    header = page.locator("header.top")
    menu = page.locator("details.navmenu")
    # Folded: the brand, the desk with its count, the notifications and «Меню».
    for part in (".brand", "a.desk", "#unread-notifications", "details.navmenu > summary"):
        expect(header.locator(part)).to_be_visible()
    expect(header.locator("[data-count=desk]")).to_have_text("2")
    expect(header.locator("nav a").first).to_be_hidden()
    expect(header.locator("details.who")).to_be_hidden()
    box = header.bounding_box()
    assert box is not None and box["height"] <= 0.2 * PHONE["height"], box

    menu.locator("> summary").tap()
    links = header.locator("nav a")
    expect(links.first).to_be_visible()
    assert links.count() >= 6
    expect(header.locator("details.who > summary")).to_be_visible()
    for box in links.evaluate_all("(ls) => ls.map((a) => a.getBoundingClientRect().toJSON())"):
        assert box["height"] >= 44 and box["right"] <= PHONE["width"], box
    # A menu link goes by htmx (hx-boost): the new page comes with the menu folded.
    with page.expect_response(f"{base}/assignments/head/"):
        header.locator('nav a[href="/assignments/head/"]').click()
    expect(page).to_have_url(f"{base}/assignments/head/")
    expect(page.locator("details.navmenu")).not_to_have_attribute("open", "")
    expect(page.locator("header.top nav a").first).to_be_hidden()

    # The keyboard: Tab to «Меню», Enter opens it, the links come next in the Tab order.
    summary = page.locator("details.navmenu > summary")
    summary.focus()
    page.keyboard.press("Enter")
    expect(page.locator("header.top nav a").first).to_be_visible()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('nav.nav') !== null")
    summary.focus()
    page.keyboard.press("Enter")
    expect(page.locator("header.top nav a").first).to_be_hidden()
    context.close()


def test_tablet_shows_the_menu_in_a_row_without_the_toggle(
    browser: Browser, live_server, world, head
) -> None:
    base = live_server.url
    context = _context(browser, "tablet", base, _staff_cookie(head))
    page = context.new_page()
    page.goto(f"{base}/documents/")
    expect(page.locator("details.navmenu > summary")).to_be_hidden()
    links = page.locator("header.top nav a")
    for i in range(links.count()):
        expect(links.nth(i)).to_be_visible()
    expect(page.locator("details.who > summary")).to_be_visible()
    context.close()


def test_long_words_stay_whole_and_a_hash_may_wrap(
    browser: Browser, live_server, world, registrar
) -> None:
    base = live_server.url
    context = _context(browser, "phone", base, _staff_cookie(registrar))
    page = context.new_page()
    page.goto(f"{base}/documents/{world.letter.pk}/")
    title = page.locator("main p", has_text=TITLE)
    expect(title).to_be_visible()
    rects = title.evaluate(
        """(p, word) => {
          const node = [...p.childNodes].find((n) => n.textContent.includes(word));
          const range = document.createRange(), at = node.textContent.indexOf(word);
          range.setStart(node, at);
          range.setEnd(node, at + word.length);
          return range.getClientRects().length;
        }""",
        LONG_WORD,
    )
    assert rects == 1
    # The title itself runs over several lines: the words were not squeezed onto one.
    assert title.evaluate("(p) => p.getBoundingClientRect().height") > 40
    # The SHA-256 of the file is a long token: it wraps rather than widen the page.
    digest = page.locator(".hash").first
    expect(digest).to_be_visible()
    assert digest.evaluate("(el) => el.getClientRects().length") >= 2
    assert digest.evaluate("(el) => el.getBoundingClientRect().right") <= PHONE["width"]
    context.close()


@pytest.mark.parametrize("size", list(SIZES))
def test_public_pages_fit_a_phone(browser: Browser, live_server, size, world) -> None:
    base = live_server.url
    visitor = _context(browser, size, base)
    page = visitor.new_page()
    for url in ("/reception/", "/reception/login/", f"/reception/t/{world.token}/"):
        check_page(page, base + url, size)
    visitor.close()
    context = _context(browser, size, base, _citizen_cookie(world.citizen_pk))
    page = context.new_page()
    for url in ("/reception/", "/reception/appeals/", f"/reception/appeals/{world.appeal_pk}/"):
        check_page(page, base + url, size)
    if size == "phone":
        expect(page.locator("header.top nav a").first).to_be_hidden()
        page.locator("details.navmenu > summary").tap()
        expect(page.locator('header.top nav a[href="/reception/write/"]')).to_be_visible()
    context.close()
