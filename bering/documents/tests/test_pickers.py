"""Readers of a «ДСП» document: a picker shown only for restricted access."""

from __future__ import annotations

import pytest
from django.urls import reverse

from bering.documents.models import Document
from bering.documents.tests.factories import doc_type

pytestmark = pytest.mark.django_db


def test_restricted_people_only_for_restricted_access(registrar, executor, health):
    client = registrar.client()
    page = client.get(reverse("documents:create")).content.decode()
    assert 'class="dsp-only"' in page
    base = {"doc_type": doc_type("outgoing-letter").pk, "title": "Справка"}
    # General access: people ticked in the hidden picker are not kept.
    client.post(
        reverse("documents:create"),
        base | {"access": "general", "allowed": [executor.employee.pk]},
    )
    assert not Document.objects.get(title="Справка").allowed.exists()
    # Restricted access needs at least one person (the services' rule).
    response = client.post(reverse("documents:create"), base | {"access": "restricted"})
    assert response.status_code == 400
    client.post(
        reverse("documents:create"),
        base | {"title": "ДСП", "access": "restricted", "allowed": [executor.employee.pk]},
    )
    assert list(Document.objects.get(title="ДСП").allowed.all()) == [executor.employee]
