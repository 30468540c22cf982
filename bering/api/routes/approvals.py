"""API routes of the approvals app (included under /api/v1/)."""

from django.urls import path

from bering.api.views import approvals, route_templates

urlpatterns = [
    path("approvals/inbox", approvals.InboxView.as_view(), name="api-approvals-inbox"),
    path(
        "approvals/route-templates",
        approvals.RouteTemplateListView.as_view(),
        name="api-approvals-templates",
    ),
    path(
        "approvals/routes",
        route_templates.RouteSetupListView.as_view(),
        name="api-approvals-routes",
    ),
    path(
        "approvals/routes/<int:pk>",
        route_templates.RouteSetupView.as_view(),
        name="api-approvals-route-setup",
    ),
    path(
        "approvals/routes/<int:pk>/stages",
        route_templates.RouteStagesView.as_view(),
        name="api-approvals-route-stages",
    ),
    path(
        "approvals/routes/<int:pk>/stages/<int:stage_id>",
        route_templates.RouteStageView.as_view(),
        name="api-approvals-route-stage",
    ),
    path(
        "approvals/routes/<int:pk>/stages/<int:stage_id>/move",
        route_templates.RouteStageMoveView.as_view(),
        name="api-approvals-route-stage-move",
    ),
    path(
        "approvals/routes/<int:pk>/stages/<int:stage_id>/participants",
        route_templates.RouteParticipantsView.as_view(),
        name="api-approvals-route-participants",
    ),
    path(
        "approvals/routes/<int:pk>/stages/<int:stage_id>/participants/<int:participant_id>",
        route_templates.RouteParticipantView.as_view(),
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
