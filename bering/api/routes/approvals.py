"""API routes of the approvals app (included under /api/v1/).

One name for each entity (decision 0007, "API names"): route templates under
``approvals/route-templates/``, a document's rounds under ``documents/{id}/rounds``,
visas under ``approvals/visas/{id}``. The old paths stay as deprecated aliases.
"""

from django.urls import path

from bering.api.views import approvals, route_templates

TEMPLATE = "approvals/route-templates/<int:pk>"
STAGE = f"{TEMPLATE}/stages/<int:stage_id>"
OLD_TEMPLATE = "approvals/routes/<int:pk>"
OLD_STAGE = f"{OLD_TEMPLATE}/stages/<int:stage_id>"

urlpatterns = [
    path("approvals/inbox", approvals.InboxView.as_view(), name="api-approvals-inbox"),
    # Route templates («шаблон маршрута»): offered to authors; kept by the organization.
    path(
        "approvals/route-templates/",
        route_templates.RouteTemplateListView.as_view(),
        name="api-approvals-route-templates",
    ),
    path(
        "approvals/route-templates/offered",
        approvals.OfferedRouteTemplatesView.as_view(),
        name="api-approvals-route-templates-offered",
    ),
    path(
        TEMPLATE, route_templates.RouteTemplateView.as_view(), name="api-approvals-route-template"
    ),
    path(
        f"{TEMPLATE}/stages",
        route_templates.RouteTemplateStagesView.as_view(),
        name="api-approvals-route-template-stages",
    ),
    path(
        STAGE,
        route_templates.RouteTemplateStageView.as_view(),
        name="api-approvals-route-template-stage",
    ),
    path(
        f"{STAGE}/move",
        route_templates.RouteTemplateStageMoveView.as_view(),
        name="api-approvals-route-template-stage-move",
    ),
    path(
        f"{STAGE}/participants",
        route_templates.RouteTemplateParticipantsView.as_view(),
        name="api-approvals-route-template-participants",
    ),
    path(
        f"{STAGE}/participants/<int:participant_id>",
        route_templates.RouteTemplateParticipantView.as_view(),
        name="api-approvals-route-template-participant",
    ),
    # Visas («виза») and signing tasks.
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
        "approvals/visas/<int:pk>/files-to-sign",
        approvals.VisaFilesToSignView.as_view(),
        name="api-approvals-files-to-sign",
    ),
    path(
        "approvals/visas/<int:pk>/sign-qualified",
        approvals.VisaSignQualifiedView.as_view(),
        name="api-approvals-sign-qualified",
    ),
    # A document's rounds («круг согласования»): read, start, recall; the approval sheet.
    path(
        "documents/<int:pk>/rounds",
        approvals.RoundsView.as_view(),
        name="api-approvals-rounds",
    ),
    path(
        "documents/<int:pk>/rounds/recall",
        approvals.RoundRecallView.as_view(),
        name="api-approvals-rounds-recall",
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
    # Deprecated aliases of the old names: the same answers, marked deprecated in the schema.
    path(
        "approvals/route-templates",
        approvals.OfferedRouteTemplatesAlias.as_view(),
        name="api-approvals-templates",
    ),
    path(
        "approvals/routes",
        route_templates.RouteSetupListAlias.as_view(),
        name="api-approvals-routes",
    ),
    path(
        OLD_TEMPLATE,
        route_templates.RouteSetupAlias.as_view(),
        name="api-approvals-route-setup",
    ),
    path(
        f"{OLD_TEMPLATE}/stages",
        route_templates.RouteStagesAlias.as_view(),
        name="api-approvals-route-stages",
    ),
    path(
        OLD_STAGE,
        route_templates.RouteStageAlias.as_view(),
        name="api-approvals-route-stage",
    ),
    path(
        f"{OLD_STAGE}/move",
        route_templates.RouteStageMoveAlias.as_view(),
        name="api-approvals-route-stage-move",
    ),
    path(
        f"{OLD_STAGE}/participants",
        route_templates.RouteParticipantsAlias.as_view(),
        name="api-approvals-route-participants",
    ),
    path(
        f"{OLD_STAGE}/participants/<int:participant_id>",
        route_templates.RouteParticipantAlias.as_view(),
        name="api-approvals-route-participant",
    ),
    path(
        "documents/<int:pk>/approval",
        approvals.DocumentApprovalAlias.as_view(),
        name="api-approvals-route",
    ),
    path(
        "documents/<int:pk>/approval/start",
        approvals.ApprovalStartAlias.as_view(),
        name="api-approvals-start",
    ),
    path(
        "documents/<int:pk>/approval/recall",
        approvals.ApprovalRecallAlias.as_view(),
        name="api-approvals-recall",
    ),
]
