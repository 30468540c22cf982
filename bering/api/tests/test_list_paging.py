"""The documents list through the API: cursor links, a count up to 10 000, the deprecated
offset, a bad cursor a 400 (decision 0021)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit

from django.urls import reverse

from bering.core.paging import COUNT_CAP
from bering.documents.models import Document
from bering.documents.tests.factories import doc_type

URL = "/api/v1/documents/"
NOON = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)


def _many(persona, n, *, ties=3, moments=True, **fields):
    memo = doc_type("memo")
    made = Document.objects.bulk_create(
        (
            Document(
                **{
                    "organization": persona.org,
                    "doc_type": memo,
                    "flow": "internal",
                    "title": f"Записка {i}",
                    "author": persona.employee,
                    **fields,
                }
            )
            for i in range(n)
        ),
        batch_size=1000,
    )
    if moments:
        for i, document in enumerate(made):
            Document.objects.filter(pk=document.pk).update(
                created_at=NOON - dt.timedelta(minutes=i // ties)
            )
    return made


def _query(link):
    return {k: v[-1] for k, v in parse_qs(urlsplit(link).query).items()}


def test_next_links_walk_every_document_once_newest_first(registrar, api):
    made = _many(registrar, 23)
    client = api(registrar)
    body = client.get(URL, {"limit": 10}).json()
    assert body["count"] == 23 and body["count_at_least"] is None
    assert body["previous"] is None
    seen, pages = [d["id"] for d in body["results"]], [body]
    while body["next"]:
        params = _query(body["next"])
        assert set(params) == {"limit", "cursor"}
        body = client.get(URL, params).json()
        assert body["count"] == 23
        seen += [d["id"] for d in body["results"]]
        pages.append(body)
    assert [len(p["results"]) for p in pages] == [10, 10, 3]
    expected = list(Document.objects.order_by("-created_at", "-id").values_list("pk", flat=True))
    assert seen == expected and set(seen) == {d.pk for d in made}
    back = client.get(URL, _query(pages[-1]["previous"])).json()
    assert [d["id"] for d in back["results"]] == [d["id"] for d in pages[1]["results"]]


def test_a_filter_stays_in_the_links(registrar, api):
    _many(registrar, 12)
    _many(registrar, 4, status="signed")
    client = api(registrar)
    body = client.get(URL, {"status": "signed", "limit": 3}).json()
    assert body["count"] == 4 and _query(body["next"])["status"] == "signed"
    rest = client.get(URL, _query(body["next"])).json()
    assert [d["status"] for d in rest["results"]] == ["signed"] and rest["next"] is None


def test_a_bad_cursor_is_a_400_naming_it(registrar, api):
    client = api(registrar)
    for cursor in ["", "nonsense", "W1siYSJdXQ", "eyJ4IjogMX0", "%%%"]:
        response = client.get(URL, {"cursor": cursor})
        assert response.status_code == 400, cursor
        body = response.json()
        assert body["field"] == "cursor" and body["detail"]
    both = client.get(URL, {"cursor": "x", "offset": "5"})
    assert both.status_code == 400 and both.json()["field"] == "cursor"


def test_offset_still_works_up_to_10_000_and_leads_on_by_cursor(registrar, api):
    _many(registrar, 7)
    client = api(registrar)
    ordered = list(Document.objects.order_by("-created_at", "-id").values_list("pk", flat=True))
    body = client.get(URL, {"offset": 2, "limit": 3}).json()
    assert [d["id"] for d in body["results"]] == ordered[2:5] and body["count"] == 7
    assert _query(body["previous"])["offset"] == "0"
    following = client.get(URL, _query(body["next"])).json()
    assert [d["id"] for d in following["results"]] == ordered[5:7]
    assert client.get(URL, {"offset": COUNT_CAP}).status_code == 200
    for wrong in (COUNT_CAP + 1, -1):
        past = client.get(URL, {"offset": wrong})
        assert past.status_code == 400 and past.json()["field"] == "offset"


def test_list_queries_do_not_grow_with_the_rows(registrar, head, api, django_assert_num_queries):
    client = api(registrar)
    client.get(URL)  # warm up: the token's last use is recorded once
    _many(registrar, 10)
    _many(head, 10)
    first = client.get(URL, {"limit": 5}).json()
    with django_assert_num_queries(4):  # token, post, count, page
        client.get(URL, {"limit": 5})
    _many(registrar, 60)
    with django_assert_num_queries(4):
        body = client.get(URL, {"limit": 50}).json()
    assert len(body["results"]) == 50
    with django_assert_num_queries(4):
        client.get(URL, _query(first["next"]))


def test_above_10_000_the_count_is_at_least_on_the_page_and_in_the_api(registrar, api):
    _many(registrar, COUNT_CAP + 1, moments=False)
    body = api(registrar).get(URL, {"limit": 1}).json()
    assert body["count"] is None and body["count_at_least"] == COUNT_CAP
    assert len(body["results"]) == 1 and body["next"]
    page = registrar.client().get(reverse("documents:list")).content.decode()
    assert 'data-count="more"' in page
    assert "10\xa0000" in page  # «более 10 000», the cap as the locale writes it


def test_notifications_page_by_cursor_too(head, executor):
    from bering.api.tests.conftest import bearer
    from bering.notifications.models import Notification
    from bering.notifications.tests.factories import NotificationFactory

    mine = NotificationFactory.create_batch(7, recipient=head.employee)
    NotificationFactory(recipient=executor.employee)
    Notification.objects.filter(pk__in=[n.pk for n in mine[:4]]).update(created_at=NOON)
    client = bearer(head.user)
    body = client.get("/api/v1/notifications/", {"limit": 3}).json()
    seen = [n["id"] for n in body["results"]]
    assert body["count"] == 7 and body["count_at_least"] is None
    while body["next"]:
        body = client.get(body["next"]).json()
        seen += [n["id"] for n in body["results"]]
    expected = Notification.objects.filter(recipient=head.employee).order_by("-created_at", "-pk")
    assert seen == [n.pk for n in expected]
    bad = client.get("/api/v1/notifications/", {"cursor": "nonsense"})
    assert bad.status_code == 400 and bad.json()["field"] == "cursor"
