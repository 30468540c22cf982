"""API routes of signatures (included under /api/v1/)."""

from django.urls import path

from bering.api.views import signatures as views

urlpatterns = [
    path("signatures/integrity", views.IntegrityView.as_view(), name="api-signatures-integrity"),
    path(
        "signatures/<int:pk>/marked-copy",
        views.MarkedCopyView.as_view(),
        name="api-signature-marked-copy",
    ),
]
