"""Helpers of the citizen's page tests: a citizen signed in, an appeal sent."""

from __future__ import annotations

from django.test import Client

from bering.appeals import services
from bering.appeals.models import Appeal, Citizen
from bering.appeals.tests.conftest import make_citizen, pdf
from bering.orgs.models import Organization
from bering.portal.session import SESSION_KEY

__all__ = ["make_citizen", "pdf", "send", "signed_in"]


def signed_in(citizen: Citizen, **extra: str) -> Client:
    client = Client(**extra)
    session = client.session
    session[SESSION_KEY] = citizen.pk
    session.save()
    return client


def send(
    citizen: Citizen, organization: Organization, text: str = "Прошу помочь."
) -> services.Sent:
    return services.appeal_send(citizen=citizen, organization=organization, text=text, consent=True)


def appeal_of(citizen: Citizen) -> Appeal:
    return Appeal.objects.filter(citizen=citizen).latest("pk")
