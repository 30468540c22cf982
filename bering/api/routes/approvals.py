"""API routes of the approvals app (included under /api/v1/)."""

from django.urls import path

from bering.api.views import approvals, routes

urlpatterns = [
    path("approvals/inbox", approvals.InboxView.as_view(), name="api-approvals-inbox"),
    path(
        "approvals/route-templates",
        approvals.RouteTemplateListView.as_view(),
        name="api-approvals-templates",
    ),
    path("approvals/routes", routes.RouteSetupListView.as_view(), name="api-approvals-routes"),
    path(
        "approvals/routes/<int:pk>",
        routes.RouteSetupView.as_view(),
        name="api-approvals-route-setup",
    ),
    path(
        "approvals/routes/<int:pk>/stages",
        routes.RouteStagesView.as_view(),
        name="api-approvals-route-stages",
    ),
    path(
        "approvals/routes/<int:pk>/stages/<int:stage_id>",
        routes.RouteStageView.as_view(),
        name="api-approvals-route-stage",
    ),
    path(
        "approvals/routes/<int:pk>/stages/<int:stage_id>/move",
        routes.RouteStageMoveView.as_view(),
        name="api-approvals-route-stage-move",
    ),
    path(
        "approvals/routes/<int:pk>/stages/<int:stage_id>/participants",
        routes.RouteParticipantsView.as_view(),
        name="api-approvals-route-participants",
    ),
    path(
        "approvals/routes/<int:pk>/stages/<int:stage_id>/participants/<int:participant_id>",
        routes.RouteParticipantView.as_view(),
        name="api-approvals-route-participant",
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
