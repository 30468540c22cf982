"""The send page with the organizations' picker: small at region scale, works without JS."""

from __future__ import annotations

import pytest

from bering.exchange.models import Delivery
from bering.exchange.tests.factories import outgoing
from bering.orgs.tests.test_pickers import KB, _region

pytestmark = pytest.mark.django_db


def test_send_page_of_380_organizations_is_small_and_sends(registrar, outsider):
    schools = _region(380)
    letter = outgoing(registrar)
    client = registrar.client()
    page = client.get(f"/exchange/document/{letter.pk}/")
    assert page.status_code == 200
    assert len(page.content) < 50 * KB, len(page.content)
    assert 'hx-get="/orgs/pick/organizations/' in page.content.decode()
    # Without JavaScript: «Найти» shows the matches, keeping the chosen.
    found = client.post(
        f"/exchange/document/{letter.pk}/send/",
        {"addressees": [outsider.org.pk], "addressees__q": "школа № 17", "_pick": "addressees"},
    )
    assert found.status_code == 200
    text = found.content.decode()
    assert f'value="{schools[17].pk}"' in text
    assert f'value="{outsider.org.pk}" checked' in text
    assert not Delivery.objects.exists()
    sent = client.post(
        f"/exchange/document/{letter.pk}/send/",
        {"addressees": [outsider.org.pk, schools[17].pk]},
    )
    assert sent.status_code == 302
    assert Delivery.objects.filter(document=letter).count() == 2
