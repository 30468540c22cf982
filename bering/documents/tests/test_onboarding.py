"""Onboarding: the organization from ``orgs``, its journals from here, all or nothing."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest

from bering.audit.models import AuditEvent
from bering.audit.selectors import chain_verify
from bering.documents import onboarding
from bering.documents.models import Journal
from bering.orgs.models import Organization
from bering.orgs.services import PersonData, organization_connect

pytestmark = pytest.mark.django_db

ORG = dict(
    actor=None,
    name="Агентство по туризму Камчатского края",
    short_name="Агентство по туризму",
    code="АТ",
    kind=Organization.Kind.EXECUTIVE,
    connected_on=dt.date(2026, 3, 2),
    registrar=PersonData("Орлова", "Нина", username="orlova"),
    head=PersonData("Белов", "Пётр", username="belov"),
)


def test_onboarding_adds_the_three_journals_each_audited():
    org = onboarding.organization_onboard(**ORG)
    journals = Journal.objects.filter(organization=org)
    assert sorted(j.flow for j in journals) == ["incoming", "internal", "outgoing"]
    assert all(j.index == "АТ" for j in journals)
    events = AuditEvent.objects.filter(verb="journal.created", organization_id=org.pk)
    assert sorted(e.object_id for e in events) == sorted(j.pk for j in journals)
    assert chain_verify() is None


def test_orgs_alone_creates_no_journal():
    org = organization_connect(**ORG)
    assert not Journal.objects.filter(organization=org).exists()


def test_a_failing_journal_leaves_no_organization():
    with (
        mock.patch.object(
            onboarding.Journal.objects, "create", side_effect=RuntimeError("disk full")
        ),
        pytest.raises(RuntimeError),
    ):
        onboarding.organization_onboard(**ORG)
    assert not Organization.objects.filter(code="АТ").exists()
    assert not AuditEvent.objects.filter(verb="organization.connected").exists()
