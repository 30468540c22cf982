"""A region where every name-like field holds hostile text (QUALITY.md item 12).

Each field gets a canary that names it: ``[doc.title]"><img src=x onerror=...>
<script>__xss='doc.title'</script><xss-canary>{{7*7}}'-alert(1)-'``. Escaped, it
shows as text and the tag in brackets tells which field it came from; unescaped,
it sets ``window.__xss`` to that tag (or is blocked by the CSP, which the browser
reports). Fields too short for the whole canary get a shorter one that still
opens a tag. The world is built through the services, as clerks would build it,
with the clock moved back three weeks so that visas and assignments are overdue
now and the reports have rows to drill into.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from unittest import mock
from urllib.parse import urlencode

from django.utils import timezone

from bering.accounts.models import ApiToken, User
from bering.approvals import services as approvals
from bering.approvals.models import RouteParticipant, RouteStage, RouteTemplate, Visa
from bering.approvals.reference import ensure_regulations
from bering.assignments import services as assignments
from bering.assignments.models import Assignment, Extension, Report, TermKind
from bering.assignments.terms import Term
from bering.deadlines import services as deadlines
from bering.deadlines.models import CalendarDay, CalendarYear, DayKind
from bering.documents import services as documents
from bering.documents.models import Document, DocumentType, Journal
from bering.documents.onboarding import organization_onboard
from bering.documents.reference import ensure_document_types
from bering.exchange import services as exchange
from bering.exchange.models import Delivery, Dispatch, RefusalReason
from bering.files import samples
from bering.notifications.services import notify
from bering.orgs import services as orgs
from bering.orgs.actor import Actor
from bering.orgs.models import Employee, Organization
from bering.orgs.tests.factories import PASSWORD

# --- The canaries -------------------------------------------------------------------------

RAW_MARKERS = ("<script>__xss", "<img src=x onerror", "<svg onload=__xss", "<xss-canary")
"""What an unescaped canary leaves in HTML. Escaped, each starts with ``&lt;``."""

JS_URL = re.compile(
    r"""(?<![\w-])(?:href|src|action|formaction|data|poster|xlink:href)\s*=\s*["']?\s*javascript:""",
    re.IGNORECASE,
)


def canary(tag: str, *, prefix: str = "") -> str:
    """The whole canary (about 120 characters): fits a name of 150."""
    return (
        f'{prefix}[{tag}]"><img src=x onerror="__xss=\'{tag}\'">'
        f"<script>__xss='{tag}'</script><xss-canary>{{{{7*7}}}}'-alert(1)-'"
    )


def short(tag: str) -> str:
    """At most 60 characters with a tag of up to 10."""
    return f"[{tag}]<img src=x onerror=__xss='{tag}'>"


def tiny(n: int) -> str:
    """Exactly 20 characters: an organization's code, a journal's index."""
    return f"<svg onload=__xss={n}>"


def filename(tag: str, extension: str) -> str:
    """An upload's name: no "/" (a name is cut to its last path part), so no ``</script>``."""
    return (
        f'[{tag}]"><img src=x onerror="__xss=\'{tag}\'"><xss-canary>{{{{7*7}}}}'
        f"'-alert(1)-'.{extension}"
    )


def unescaped(body: str) -> list[str]:
    """The raw canary markers found in an HTML body (empty when all were escaped)."""
    found = [m for m in RAW_MARKERS if m in body]
    found += [m.group(0) for m in JS_URL.finditer(body)]
    return found


# --- The world -----------------------------------------------------------------------------


TEMPLATE_TAG = "<img src=x onerror=__xss=9>"
"""Put before ``{index}/{seq}`` in every journal's number template (60 characters at most)."""


@dataclass(frozen=True)
class Field:
    kind: str
    shown: str
    """The text a page holds when it renders the field escaped."""


@dataclass
class World:
    health: Organization
    education: Organization
    culture: Organization
    people: dict[str, Employee]
    documents: dict[str, Document]
    route_template: RouteTemplate
    holiday: dt.date
    fields: dict[str, Field] = field(default_factory=dict)
    """Tag -> the field's kind and the text that shows when it is rendered escaped."""

    def actor(self, username: str) -> Actor:
        employee = self.people[username]
        return Actor(user=employee.user, post=employee)


@contextmanager
def clock_at(moment: dt.datetime):  # type: ignore[no-untyped-def]
    with mock.patch.object(timezone, "now", return_value=moment):
        yield


def _pdf(tag: str, text: str) -> io.BytesIO:
    """A real PDF whose text (extracted, diffed, searched) is a canary too."""
    return io.BytesIO(samples.make_pdf(canary(tag), f"{canary(tag)}\n{text}"))


def _png() -> io.BytesIO:
    return io.BytesIO(samples.make_png(40, 30))


def build(now: dt.datetime | None = None) -> World:
    """Three organizations of the region and their papers, names all hostile."""
    now = now or timezone.now()
    t0 = now - dt.timedelta(days=21)
    step = iter(range(1, 1000))
    fields: dict[str, Field] = {}

    def at() -> dt.datetime:
        return t0 + dt.timedelta(minutes=20 * next(step))

    def c(tag: str, kind: str, *, prefix: str = "") -> str:
        fields[tag] = Field(kind, f"[{tag}]")
        return canary(tag, prefix=prefix)

    def s(tag: str, kind: str) -> str:
        fields[tag] = Field(kind, f"[{tag}]")
        return short(tag)

    def tn(tag: str, kind: str, n: int) -> str:
        fields[tag] = Field(kind, html.escape(tiny(n)))
        return tiny(n)

    def f(tag: str, extension: str) -> str:
        fields[tag] = Field("uploaded file name", f"[{tag}]")
        return filename(tag, extension)

    def person(username: str, *, formula: bool = False) -> orgs.PersonData:
        return orgs.PersonData(
            # A last name starting with "=" checks the XLSX exports against formulas too.
            last_name=c(f"{username}.last", "last name", prefix="=HYPERLINK(1)" if formula else ""),
            first_name=c(f"{username}.first", "first name"),
            middle_name=c(f"{username}.mid", "middle name"),
            username=username,
            position=c(f"{username}.pos", "position"),
            department=c(f"{username}.dep", "department"),
        )

    ensure_document_types()
    ensure_regulations()
    with clock_at(at()):
        health = organization_onboard(
            actor=None,
            name=c("org1.name", "organization full name"),
            short_name=c("org1.short", "organization short name"),
            code=tn("org1.code", "organization code", 1),
            kind=Organization.Kind.EXECUTIVE,
            connected_on=t0.date(),
            registrar=person("alice"),
            head=person("boris"),
            address=c("org1.addr", "organization address", prefix="javascript:__xss=1//"),
        )
        education = organization_onboard(
            actor=None,
            name=c("org2.name", "organization full name"),
            short_name=c("org2.short", "organization short name"),
            code=tn("org2.code", "organization code", 2),
            kind=Organization.Kind.EXECUTIVE,
            parent=health,
            connected_on=t0.date(),
            registrar=person("oleg"),
            head=person("oleg"),
        )
        culture = organization_onboard(
            actor=None,
            name=c("org3.name", "organization full name"),
            short_name=c("org3.short", "organization short name"),
            code=tn("org3.code", "organization code", 3),
            kind=Organization.Kind.OTHER,
            connected_on=t0.date(),
            registrar=person("cyril"),
            head=person("regina"),
        )
        for username, roles in (
            ("vera", {}),
            ("dmitry", {"is_controller": True}),
            ("pavel", {}),
            ("raisa", {}),
        ):
            orgs.employee_add(
                actor=None,
                organization=health,
                person=person(username, formula=username == "vera"),
                **roles,
            )
    User.objects.filter(username="regina").update(is_region_admin=True)
    boris = User.objects.get(username="boris")
    boris.set_password(PASSWORD)  # he signs with his password
    boris.save(update_fields=["password"])
    people = {
        e.user.username: e
        for e in Employee.objects.select_related("user", "organization", "position")
    }

    def actor(username: str) -> Actor:
        return Actor(user=people[username].user, post=people[username])

    # Reference data an administrator types: journals, document types, a route template.
    for org, n in ((health, 1), (education, 2), (culture, 3)):
        for journal in Journal.objects.filter(organization=org):
            tag = f"j{n}.{journal.flow[:3]}"
            fields[tag] = Field("journal name", f"[{tag}]")
            fields[f"{tag}.tpl"] = Field("journal number template", html.escape(TEMPLATE_TAG))
            Journal.objects.filter(pk=journal.pk).update(
                name=canary(tag), template=TEMPLATE_TAG + "{index}/{seq}"
            )
    for code in ("incoming-letter", "outgoing-letter"):
        DocumentType.objects.filter(code=code).update(name=c(f"type.{code[:3]}", "document type"))
    types = {kind.code: kind for kind in DocumentType.objects.all()}
    journals = {(j.organization_id, j.flow): j for j in Journal.objects.all()}
    template = RouteTemplate.objects.create(
        organization=health,
        doc_type=types["outgoing-letter"],
        name=c("route.name", "route template"),
    )
    stage = RouteStage.objects.create(
        template=template, order=1, name=c("route.stage", "route template stage")
    )
    RouteParticipant.objects.create(
        stage=stage, kind=RouteParticipant.Kind.POSITION, position=people["pavel"].position
    )

    # The working-day calendar: a holiday's name and the year's decree.
    year = now.year
    if not CalendarYear.objects.filter(year=year).exists():
        deadlines.calendar_year_seed(actor=None, year=year)
    holiday = CalendarDay.objects.filter(year_id=year, kind=DayKind.HOLIDAY).first()
    holiday_date = holiday.date if holiday else dt.date(year, 1, 1)
    deadlines.calendar_day_set(
        actor=None, day=holiday_date, kind=DayKind.HOLIDAY, name=c("cal.day", "calendar day")
    )
    deadlines.calendar_year_describe(
        actor=None, year=year, decree=c("cal.decree", "calendar decree"), official_working_days=None
    )

    # Incoming letters and their execution.
    def incoming(tag: str) -> Document:
        return documents.document_register_incoming(
            actor=actor("alice"),
            card=documents.Card(
                doc_type=types["incoming-letter"],
                title=c(f"{tag}.title", "document title"),
                correspondent=c(f"{tag}.corr", "correspondent"),
                correspondent_number=s(f"{tag}.num", "correspondent number"),
                correspondent_date=t0.date() - dt.timedelta(days=2),
                attachments_note=c(f"{tag}.attach", "attachments note"),
                addressee=c(f"{tag}.to", "addressee"),
                executor=people["vera"],
                pages=2,
            ),
            journal=journals[(health.pk, "incoming")],
            uploads=[documents.Upload(name=f(f"{tag}.file", "pdf"), stream=_pdf(tag, "Письмо"))],
            confirm_duplicate=True,
        )

    with clock_at(at()):
        letter = incoming("in1")
    with clock_at(at()):
        second = incoming("in2")
    with clock_at(at()):
        third = incoming("in3")

    def spec(tag: str, responsible: str, *co: str) -> assignments.ResolutionSpec:
        return assignments.ResolutionSpec(
            text=c(tag, "resolution text"),
            responsible=people[responsible],
            co_executors=[people[p] for p in co],
            controller=people["dmitry"],
            term=Term(kind=TermKind.WORKING, days=3),
        )

    with clock_at(at()):
        resolution = assignments.resolution_issue(
            actor=actor("boris"), document=letter, spec=spec("res.text", "vera", "pavel")
        )
    with clock_at(at()):
        returned = assignments.resolution_draft(
            actor=actor("alice"),
            document=second,
            spec=spec("res2.text", "vera"),
            author=people["boris"],
        )
    with clock_at(at()):
        assignments.resolution_return(
            actor=actor("boris"), resolution=returned, note=c("res2.ret", "resolution return note")
        )
    with clock_at(at()):
        assignments.resolution_draft(
            actor=actor("alice"),
            document=third,
            spec=spec("res3.text", "pavel"),
            author=people["boris"],
        )
    main = Assignment.objects.get(resolution=resolution, executor=people["vera"])
    co = Assignment.objects.get(resolution=resolution, executor=people["pavel"])
    with clock_at(at()):
        first_report = assignments.report_submit(
            actor=actor("vera"),
            assignment=main,
            text=c("rep.text", "report text"),
            uploads=[documents.Upload(name=f("rep.file", "png"), stream=_png())],
        )
    with clock_at(at()):
        assignments.report_return(
            actor=actor("dmitry"),
            report=Report.objects.get(pk=first_report.pk),
            note=c("rep.ret", "report return note"),
        )
    main.refresh_from_db()
    local_due = timezone.localtime(main.due_at, health.tz).date()
    with clock_at(at()):
        refused = assignments.extension_request(
            actor=actor("vera"),
            assignment=main,
            new_date=local_due + dt.timedelta(days=30),
            reason=c("ext.reason", "extension reason"),
        )
    with clock_at(at()):
        assignments.extension_decide(
            actor=actor("boris"),
            extension=Extension.objects.get(pk=refused.pk),
            grant=False,
            note=c("ext.note", "extension decision note"),
        )
    with clock_at(at()):
        assignments.extension_request(
            actor=actor("vera"),
            assignment=main,
            new_date=local_due + dt.timedelta(days=40),
            reason=c("ext2.reason", "extension reason"),
        )
    with clock_at(at()):
        assignments.report_submit(
            actor=actor("pavel"), assignment=co, text=c("rep2.text", "report text")
        )

    # A draft returned with a remark, sent again and now overdue with Raisa.
    def draft(tag: str, author: str = "vera") -> Document:
        return documents.document_create(
            actor=actor(author),
            card=documents.Card(
                doc_type=types["outgoing-letter"],
                title=c(f"{tag}.title", "document title"),
                addressee=c(f"{tag}.to", "addressee"),
                attachments_note=c(f"{tag}.attach", "attachments note"),
                signer=people["boris"],
                executor=people[author],
            ),
            flow="outgoing",
            uploads=[documents.Upload(name=f(f"{tag}.file", "pdf"), stream=_pdf(tag, "Проект"))],
        )

    def plan(tag: str) -> list[approvals.StagePlan]:
        return [
            approvals.StagePlan(
                name=c(f"{tag}.st1", "approval stage"), approver_ids=(people["pavel"].pk,)
            ),
            approvals.StagePlan(
                name=c(f"{tag}.st2", "approval stage"), approver_ids=(people["raisa"].pk,)
            ),
        ]

    def pending(document: Document) -> Visa:
        return Visa.objects.get(run__document=document, status=Visa.Status.PENDING)

    with clock_at(at()):
        d1 = draft("d1")
        approvals.approval_start(actor=actor("vera"), document=d1, plan=plan("r1"))
    with clock_at(at()):
        approvals.visa_decide(
            actor=actor("pavel"),
            visa=pending(d1),
            outcome=Visa.Status.REJECTED,
            comment=c("visa.reject", "visa comment"),
            remark_upload=documents.Upload(name=f("remark.file", "png"), stream=_png()),
        )
    with clock_at(at()):
        documents.document_file_add(
            actor=actor("vera"),
            document=Document.objects.get(pk=d1.pk),
            upload=documents.Upload(
                name=f("d1.file2", "pdf"), stream=_pdf("d1.v2", "Проект, редакция 2")
            ),
            replaces_slot=1,
        )
        approvals.approval_start(
            actor=actor("vera"), document=Document.objects.get(pk=d1.pk), plan=plan("r2")
        )
    with clock_at(at()):
        approvals.visa_decide(
            actor=actor("pavel"),
            visa=pending(d1),
            outcome=Visa.Status.REMARKS,
            comment=c("visa.remarks", "visa comment"),
        )

    # A letter approved, signed, registered and sent: delivered, refused, posted.
    with clock_at(at()):
        d2 = draft("d2")
        approvals.approval_start(
            actor=actor("vera"),
            document=d2,
            plan=[
                approvals.StagePlan(
                    name=c("r3.st1", "approval stage"), approver_ids=(people["pavel"].pk,)
                )
            ],
        )
    with clock_at(at()):
        approvals.visa_decide(actor=actor("pavel"), visa=pending(d2), outcome=Visa.Status.AGREED)
    with clock_at(at()):
        approvals.approval_sign(actor=actor("boris"), visa=pending(d2), password=PASSWORD)
    with clock_at(at()):
        d2 = documents.document_register(
            actor=actor("alice"),
            document=Document.objects.get(pk=d2.pk),
            journal=journals[(health.pk, "outgoing")],
        )
    with clock_at(at()):
        exchange.document_send(
            actor=actor("alice"),
            document=d2,
            addressee_org_ids=[education.pk, culture.pk],
            external_addressees=[
                exchange.ExternalAddressee(
                    name=c("disp.name", "dispatch addressee"),
                    method="email",
                    address=c("disp.addr", "dispatch address", prefix="javascript:__xss=1//"),
                ),
                exchange.ExternalAddressee(
                    name=c("disp2.name", "dispatch addressee"),
                    address=c("disp2.addr", "dispatch address"),
                ),
            ],
        )
    with clock_at(at()):
        exchange.delivery_refuse(
            actor=actor("cyril"),
            delivery=Delivery.objects.get(document=d2, addressee=culture),
            reason=RefusalReason.INCOMPLETE,
            note=c("refusal.note", "delivery refusal comment"),
        )
    with clock_at(at()):
        exchange.dispatch_mark_sent(
            actor=actor("alice"),
            dispatch=Dispatch.objects.filter(document=d2).order_by("pk").first(),  # type: ignore[arg-type]
            note=c("disp.note", "dispatch note"),
        )

    # A letter registered without approval, delivered and registered by the addressee.
    with clock_at(at()):
        d3 = documents.document_register(
            actor=actor("alice"),
            document=draft("d3", author="alice"),
            journal=journals[(health.pk, "outgoing")],
        )
        exchange.document_send(actor=actor("alice"), document=d3, addressee_org_ids=[education.pk])
    with clock_at(at()):
        exchange.delivery_register(
            actor=actor("oleg"),
            delivery=Delivery.objects.get(document=d3),
            journal=journals[(education.pk, "incoming")],
        )

    # A draft not yet sent, for which the route template is offered.
    with clock_at(at()):
        d4 = draft("d4")

    # A notification typed by someone, a substitution with its reason, an API token's name.
    from django.db import transaction

    with transaction.atomic():
        notify(
            recipient_ids=[e.pk for e in people.values()],
            kind="other",
            title=c("note.title", "notification title"),
            body=c("note.body", "notification text"),
            url=f"/documents/{d4.pk}/",
        )
    today = health.local_today(now)
    orgs.substitution_create(
        actor=None,
        absent=people["boris"],
        substitute=people["raisa"],
        starts_on=today - dt.timedelta(days=1),
        ends_on=today + dt.timedelta(days=10),
        reason=c("subst.reason", "substitution reason"),
    )
    ApiToken.objects.create(
        user=people["alice"].user, key_hash="0" * 64, name=s("token", "API token name")
    )

    return World(
        health=health,
        education=education,
        culture=culture,
        people=people,
        documents={
            "in1": letter,
            "in2": second,
            "in3": third,
            "d1": d1,
            "d2": d2,
            "d3": d3,
            "d4": d4,
            "incoming_b": Document.objects.get(organization=education, flow="incoming"),
        },
        route_template=template,
        holiday=holiday_date,
        fields=fields,
    )


NOT_SHOWN = frozenset(
    {
        "first name",  # pages show initials only («Иванов И. П.»): one character, never a tag
        "middle name",
        "organization address",  # kept for letters; no staff page shows it yet
        "substitution reason",
        "API token name",
    }
)
"""Kinds of field that no staff page renders; every other kind must show, escaped, somewhere."""


__all__ = [
    "NOT_SHOWN",
    "RAW_MARKERS",
    "World",
    "build",
    "canary",
    "unescaped",
]


# --- The crawl ------------------------------------------------------------------------------

PERSONAS = ("alice", "boris", "vera", "dmitry", "pavel", "raisa", "oleg", "cyril", "regina")
"""Registrar, head, executor, controller, two approvers (Raisa also acts for Boris),
the registrars of the two addressees, and the region administrator."""

NOT_A_PAGE = re.compile(
    r"^/(?:logout|admin|i18n|static|api)/|/download/|/preview/|/remark/|\.pdf$|\.xlsx$|\.png$"
    r"|/files/\d+/pdf/$"
    r"|[?&](?:format|sample)="
)
"""Links the crawl does not open as pages: files, exports (checked on their own), logout."""


def start_pages(world: World) -> list[str]:
    d = world.documents
    return [
        "/documents/",
        "/approvals/",
        "/assignments/",
        "/assignments/head/",
        "/assignments/control/",
        "/exchange/",
        "/exchange/dispatch/",
        "/notifications/",
        "/calendar/",
        f"/calendar/?edit={world.holiday:%Y-%m-%d}",
        "/reports/",
        "/reports/coverage/",
        "/reports/visas/",
        "/reports/visas/?group=department",
        "/reports/visas/?group=organization",
        "/reports/assignments/",
        "/reports/assignments/?group=department",
        "/reports/assignments/?group=organization",
        "/reports/approval-time/",
        "/orgs/import/",
        "/account/security/",
        "/documents/new/",
        "/documents/register-incoming/",
        f"/approvals/documents/{d['d4'].pk}/?template={world.route_template.pk}",
        "/documents/?" + urlencode({"q": canary("query.q"), "number": short("query.n")}),
        # Every visa's own page: decided ones show the remarks and, in a later round,
        # what changed in the text since (a diff of the PDFs' hostile text).
        *(
            f"/approvals/visas/{pk}/"
            for pk in Visa.objects.order_by("pk").values_list("pk", flat=True)
        ),
    ]


FILTERS = frozenset({"from", "to", "org", "type", "year", "page", "unread"})
"""Query names that only narrow or page a list: a page with other values of them is the
same page (the canaries are in this year's, this period's first page)."""


def page_key(url: str) -> tuple[str, tuple[str, ...]]:
    """A page once per path and set of query names: the calendar's 365 ``?edit=`` links
    are one page, each document's card is its own."""
    from urllib.parse import parse_qsl, urlsplit

    parts = urlsplit(url)
    names = {k for k, _ in parse_qsl(parts.query, keep_blank_values=True)} - FILTERS
    return parts.path, tuple(sorted(names))


def same_origin_links(body: str, current: str) -> list[str]:
    """The ``href`` and ``hx-get`` targets of a page, as paths with their queries."""
    from html.parser import HTMLParser
    from urllib.parse import urljoin, urlsplit

    found: list[str] = []

    class Links(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            for name, value in attrs:
                if name in ("href", "hx-get") and value and tag in ("a", "form", "button"):
                    found.append(value)

    Links().feed(body)
    result = []
    for raw in found:
        absolute = urlsplit(urljoin("http://testserver" + current, raw))
        if absolute.netloc != "testserver" or absolute.scheme not in ("http", "https"):
            continue
        path = absolute.path + (f"?{absolute.query}" if absolute.query else "")
        if not NOT_A_PAGE.search(path):
            result.append(path)
    return result
