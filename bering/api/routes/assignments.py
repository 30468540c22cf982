"""API routes of the assignments app (included under /api/v1/)."""

from django.urls import path

from bering.api.views import assignments as views

urlpatterns = [
    path("assignments/mine", views.MineView.as_view(), name="api-assignments-mine"),
    path("assignments/control", views.ControlView.as_view(), name="api-assignments-control"),
    path("resolutions/drafts", views.DraftsView.as_view(), name="api-resolutions-drafts"),
    path(
        "documents/<int:pk>/resolutions",
        views.DocumentResolutionsView.as_view(),
        name="api-document-resolutions",
    ),
    path(
        "resolutions/<int:pk>/confirm", views.ConfirmView.as_view(), name="api-resolution-confirm"
    ),
    path("resolutions/<int:pk>/return", views.ReturnView.as_view(), name="api-resolution-return"),
    path(
        "assignments/<int:pk>/cascade", views.CascadeView.as_view(), name="api-assignment-cascade"
    ),
    path("assignments/<int:pk>/report", views.ReportView.as_view(), name="api-assignment-report"),
    path(
        "assignments/<int:pk>/extension",
        views.ExtensionAskView.as_view(),
        name="api-assignment-extension",
    ),
    path("reports/<int:pk>/accept", views.ReportAcceptView.as_view(), name="api-report-accept"),
    path("reports/<int:pk>/return", views.ReportReturnView.as_view(), name="api-report-return"),
    path(
        "extensions/<int:pk>/decide",
        views.ExtensionDecideView.as_view(),
        name="api-extension-decide",
    ),
]
