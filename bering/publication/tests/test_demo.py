"""The demo region has acts on the public site, the budget among them."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import Client

from bering.publication.models import Publication


@pytest.mark.django_db
def test_the_demo_publishes_acts_and_a_second_seed_adds_none():
    call_command("seed_demo", documents=20, stdout=io.StringIO())
    titles = list(Publication.objects.values_list("title", flat=True))
    assert "О бюджете Камчатского края на 2027 год" in titles
    assert len(titles) == 2
    call_command("seed_demo", documents=20, stdout=io.StringIO())
    assert Publication.objects.count() == 2
    body = Client().get("/acts/", {"q": "о бюджете"}).content.decode()
    assert "О бюджете Камчатского края на 2027 год" in body
