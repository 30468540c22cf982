"""Acts on the public site of the demo region (decision 0018): two decrees of the
Government, signed, registered and published, so that /acts/ is not empty."""

from __future__ import annotations

import datetime as dt
import io

from django.conf import settings
from django.utils import timezone

from bering.approvals import services as approvals
from bering.approvals.models import Visa
from bering.documents import services as documents
from bering.documents.models import DocumentType, Journal
from bering.files import samples
from bering.orgs.actor import Actor
from bering.orgs.models import Employee, Organization
from bering.publication import services as publication
from bering.publication.models import Publication
from bering.publication.reference import ensure_publication_rules
from bering.web.demo.seed import clock_at

ACTS = [
    (
        "О бюджете Камчатского края на 2027 год",
        "Утвердить основные характеристики краевого бюджета на 2027 год: общий объём доходов, "
        "общий объём расходов и дефицит бюджета. Источником покрытия дефицита определить "
        "бюджетные кредиты и остатки средств на счетах бюджета.",
        20,
    ),
    (
        "О мерах по обеспечению завоза топлива в отдалённые сёла в навигацию 2027 года",
        "Министерству жилищно-коммунального хозяйства обеспечить завоз топлива в сёла "
        "Корякского округа до 1 октября. Контроль возложить на заместителя Председателя.",
        6,
    ),
]


def _actor(employee: Employee) -> Actor:
    return Actor(user=employee.user, post=employee)


def run() -> None:
    government = Organization.objects.get(code="ПКК")
    if Publication.objects.filter(organization=government).exists():
        return
    staff = Employee.objects.filter(organization=government, is_active=True).select_related("user")
    registrar = next(e for e in staff if e.is_registrar)
    head = next(e for e in staff if e.is_head)
    journal = Journal.objects.filter(organization=government, flow="outgoing").first()
    if journal is None:
        return
    ensure_publication_rules()
    decree = DocumentType.objects.get(code="decree")
    now = timezone.now()
    for title, body, days_ago in ACTS:
        moment = now - dt.timedelta(days=days_ago)
        pdf = samples.make_pdf(title, body, signer=head.user.display_name)
        with clock_at(moment):
            draft = documents.document_create(
                actor=_actor(registrar),
                card=documents.Card(doc_type=decree, title=title, signer=head),
                flow="outgoing",
                uploads=[documents.Upload(name=f"{title[:40]}.pdf", stream=io.BytesIO(pdf))],
            )
            approvals.approval_start(actor=_actor(registrar), document=draft, plan=[])
        visa = Visa.objects.get(run__document=draft, approver=head)
        with clock_at(moment + dt.timedelta(hours=2)):
            approvals.approval_sign(
                actor=_actor(head), visa=visa, password=settings.BERING_DEMO_PASSWORD
            )
        with clock_at(moment + dt.timedelta(hours=3)):
            act = documents.document_register(
                actor=_actor(registrar), document=draft, journal=journal
            )
            publication.publication_mark(
                actor=_actor(registrar),
                document=act,
                marks=publication.Marks(to_publish=True, personal_data=False),
            )
            publication.publication_publish(actor=_actor(registrar), document=act)
