"""Publication over /api/v1/publications/: the same rules and the same error shapes."""

from __future__ import annotations

import pytest

from bering.api.tests.conftest import bearer
from bering.publication.models import Publication


@pytest.mark.parametrize(
    "method,path",
    [
        ("get", "/api/v1/publications/documents/{doc}"),
        ("post", "/api/v1/publications/documents/{doc}/marks"),
        ("post", "/api/v1/publications/documents/{doc}/publish"),
        ("post", "/api/v1/publications/{pub}/unpublish"),
    ],
)
def test_another_organization_gets_404(published, act, outsider, method, path):
    url = path.format(doc=act.pk, pub=published.pk)
    response = getattr(bearer(outsider.user), method)(
        url, {"to_publish": False, "reason": "x"}, format="json"
    )
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    published.refresh_from_db()
    assert published.unpublished_at is None


def test_mark_publish_and_unpublish_over_the_api(act, executor, registrar):
    vera, alice = bearer(executor.user), bearer(registrar.user)
    state = vera.get(f"/api/v1/publications/documents/{act.pk}").json()
    assert state["mode"] == "auto"
    assert state["actions"] == {"mark": True, "publish": False, "unpublish": False}
    assert state["refusals"]
    marked = vera.post(
        f"/api/v1/publications/documents/{act.pk}/marks", {"to_publish": True}, format="json"
    )
    assert marked.status_code == 200 and marked.json()["refusals"] == []
    refused = vera.post(f"/api/v1/publications/documents/{act.pk}/publish")
    assert refused.status_code == 403
    assert set(refused.json()) >= {"code", "detail"}
    done = alice.post(f"/api/v1/publications/documents/{act.pk}/publish").json()
    [row] = done["publications"]
    publication = Publication.objects.get()
    assert row["pdf_sha256"] == publication.pdf.sha256
    assert row["public_url"] == f"/acts/{publication.pk}/"
    listed = alice.get("/api/v1/publications/").json()
    assert [p["id"] for p in listed["publications"]] == [publication.pk]
    assert vera.get("/api/v1/publications/").status_code == 403
    no_reason = alice.post(
        f"/api/v1/publications/{publication.pk}/unpublish", {"reason": ""}, format="json"
    )
    assert no_reason.status_code == 400
    gone = alice.post(
        f"/api/v1/publications/{publication.pk}/unpublish",
        {"reason": "Отменён"},
        format="json",
    )
    assert gone.status_code == 200
    assert gone.json()["publications"][0]["unpublish_reason"] == "Отменён"
