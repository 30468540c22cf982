"""API routes of the approvals app (included under /api/v1/)."""

from django.urls import path

from bering.api.views import approvals

urlpatterns = [
    path("approvals/inbox", approvals.InboxView.as_view(), name="api-approvals-inbox"),
    path(
        "approvals/route-templates",
        approvals.RouteTemplateListView.as_view(),
        name="api-approvals-templates",
    ),
    path("approvals/visas/<int:pk>", approvals.VisaView.as_view(), name="api-approvals-visa"),
    path(
        "approvals/visas/<int:pk>/decide",
        approvals.VisaDecideView.as_view(),
        name="api-approvals-decide",
    ),
    path(
        "approvals/visas/<int:pk>/sign",
        approvals.VisaSignView.as_view(),
        name="api-approvals-sign",
    ),
    path(
        "documents/<int:pk>/approval",
        approvals.DocumentApprovalView.as_view(),
        name="api-approvals-route",
    ),
    path(
        "documents/<int:pk>/approval/start",
        approvals.ApprovalStartView.as_view(),
        name="api-approvals-start",
    ),
    path(
        "documents/<int:pk>/approval/recall",
        approvals.ApprovalRecallView.as_view(),
        name="api-approvals-recall",
    ),
    path(
        "documents/<int:pk>/approval-sheet",
        approvals.ApprovalSheetView.as_view(),
        name="api-approvals-sheet",
    ),
    path(
        "documents/<int:pk>/approval-sheet.pdf",
        approvals.ApprovalSheetPdfView.as_view(),
        name="api-approvals-sheet-pdf",
    ),
]
