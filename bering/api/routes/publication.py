"""API routes of publication (included under /api/v1/)."""

from django.urls import path

from bering.api.views import publication as views

urlpatterns = [
    path("publications/", views.PublicationListView.as_view(), name="api-publications"),
    path(
        "publications/documents/<int:pk>",
        views.DocumentPublicationView.as_view(),
        name="api-publication-document",
    ),
    path(
        "publications/documents/<int:pk>/marks",
        views.DocumentMarksView.as_view(),
        name="api-publication-marks",
    ),
    path(
        "publications/documents/<int:pk>/publish",
        views.DocumentPublishView.as_view(),
        name="api-publication-publish",
    ),
    path(
        "publications/<int:pk>/unpublish",
        views.PublicationUnpublishView.as_view(),
        name="api-publication-unpublish",
    ),
]
