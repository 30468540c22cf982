"""/api/v1/: the versioned REST API."""

from __future__ import annotations

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView

from bering.api.errors import not_found
from bering.api.views import auth, documents, files, reference, search

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("auth/token", auth.TokenView.as_view(), name="api-token"),
    path("me", auth.MeView.as_view(), name="api-me"),
    path("me/second-factor", auth.SecondFactorView.as_view(), name="api-second-factor"),
    path(
        "me/second-factor/setup",
        auth.SecondFactorSetupView.as_view(),
        name="api-second-factor-setup",
    ),
    path(
        "me/second-factor/confirm",
        auth.SecondFactorConfirmView.as_view(),
        name="api-second-factor-confirm",
    ),
    path(
        "me/second-factor/disable",
        auth.SecondFactorDisableView.as_view(),
        name="api-second-factor-disable",
    ),
    path("journals/", reference.JournalListView.as_view(), name="api-journals"),
    path("document-types/", reference.DocumentTypeListView.as_view(), name="api-document-types"),
    path("documents/", documents.DocumentListView.as_view(), name="api-documents"),
    path("search", search.SearchView.as_view(), name="api-search"),
    path(
        "documents/register-incoming",
        documents.RegisterIncomingView.as_view(),
        name="api-register-incoming",
    ),
    path("documents/<int:pk>/", documents.DocumentView.as_view(), name="api-document"),
    path(
        "documents/<int:pk>/register",
        documents.DocumentRegisterView.as_view(),
        name="api-document-register",
    ),
    path(
        "documents/<int:pk>/history",
        documents.DocumentHistoryView.as_view(),
        name="api-document-history",
    ),
    path(
        "documents/<int:pk>/files",
        files.DocumentFilesView.as_view(),
        name="api-document-files",
    ),
    path(
        "documents/<int:pk>/files/<int:file_id>/download",
        files.FileDownloadView.as_view(),
        name="api-file-download",
    ),
    path(
        "documents/<int:pk>/files/<int:file_id>/pdf",
        files.FilePdfView.as_view(),
        name="api-file-pdf",
    ),
    path(
        "documents/<int:pk>/files/<int:file_id>/text",
        files.FileTextView.as_view(),
        name="api-file-text",
    ),
    path(
        "documents/<int:pk>/files/<int:file_id>/preview",
        files.FilePreviewView.as_view(),
        name="api-file-preview",
    ),
    path("", include("bering.api.routes.deadlines")),
    path("", include("bering.api.routes.approvals")),
    path("", include("bering.api.routes.assignments")),
    path("", include("bering.api.routes.exchange")),
    path("", include("bering.api.routes.notifications")),
    path("", include("bering.api.routes.reports")),
    path("", include("bering.api.routes.appeals")),
    path("", include("bering.api.routes.publication")),
    path("", include("bering.api.routes.orgs")),
    path("", include("bering.api.routes.push")),
    path("", include("bering.api.routes.desk")),
    path("", include("bering.api.routes.signatures")),
    # Last: whatever matched nothing above is a JSON 404 (not in the schema: not an operation).
    re_path(r"^", not_found, name="api-not-found"),
]
