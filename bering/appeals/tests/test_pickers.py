"""Redirecting an appeal: the organization is picked by search among 380, not a long select."""

from __future__ import annotations

import pytest

from bering.appeals.models import Appeal
from bering.orgs.tests.test_pickers import KB, _region

pytestmark = pytest.mark.django_db


def test_redirect_picks_the_organization_by_search(registered, registrar):
    schools = _region(380)
    client = registrar.client()
    url = f"/appeals/{registered.pk}/"
    card = client.get(url)
    assert len(card.content) < 80 * KB, len(card.content)
    assert 'name="organization__q"' in card.content.decode()
    assert "Школа № 17" not in card.content.decode()
    # Without JavaScript: «Найти» shows the matches on the card and redirects nothing.
    found = client.post(
        f"/appeals/{registered.pk}/redirect/",
        {"organization__q": "школа № 17", "_pick": "organization", "note": "по адресу"},
    )
    assert found.status_code == 200
    text = found.content.decode()
    assert f'type="radio" name="organization" value="{schools[17].pk}"' in text
    assert "по адресу" in text  # what was typed stays
    registered.refresh_from_db()
    assert registered.status == Appeal.Status.REGISTERED
    done = client.post(
        f"/appeals/{registered.pk}/redirect/", {"organization": schools[17].pk, "note": ""}
    )
    assert done.status_code == 302
    registered.refresh_from_db()
    assert registered.redirected_to_name
