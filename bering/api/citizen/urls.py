"""/api/citizen/v1/: the citizens' API, with its own OpenAPI schema."""

from __future__ import annotations

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from bering.api.citizen import views as api
from bering.api.citizen.base import PREFIX

endpoints = [
    path("auth/code", api.AuthCodeView.as_view(), name="citizen-api-code"),
    path("auth/token", api.AuthTokenView.as_view(), name="citizen-api-token"),
    path("me", api.MeView.as_view(), name="citizen-api-me"),
    path("appeals/", api.AppealListView.as_view(), name="citizen-api-appeals"),
    path("appeals/<int:pk>", api.AppealView.as_view(), name="citizen-api-appeal"),
    path(
        "appeals/<int:pk>/supplement",
        api.SupplementView.as_view(),
        name="citizen-api-supplement",
    ),
    path("appeals/<int:pk>/withdraw", api.WithdrawView.as_view(), name="citizen-api-withdraw"),
    path("appeals/<int:pk>/answer", api.AnswerView.as_view(), name="citizen-api-answer"),
    path("organizations/", api.OrganizationListView.as_view(), name="citizen-api-organizations"),
    path("topics/", api.TopicListView.as_view(), name="citizen-api-topics"),
]

urlpatterns = [
    *endpoints,
    path(
        "schema/",
        SpectacularAPIView.as_view(
            patterns=[path("api/citizen/v1/", include(endpoints))],
            custom_settings={
                "TITLE": "Bering citizens' API",
                "DESCRIPTION": "The internet reception of citizens' appeals (59-ФЗ).",
                "SCHEMA_PATH_PREFIX": PREFIX,
            },
        ),
        name="citizen-api-schema",
    ),
]
