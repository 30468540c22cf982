from django.urls import path

from bering.approvals import route_views, views

app_name = "approvals"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("visas/<int:pk>/", views.visa_detail, name="visa"),
    path("visas/<int:pk>/sign/", views.visa_sign, name="sign"),
    path("visas/<int:pk>/sign-qualified/", views.visa_sign_qualified, name="sign-qualified"),
    path("visas/<int:pk>/remark/", views.remark_file, name="remark-file"),
    path("documents/<int:pk>/", views.document_route, name="document"),
    path("documents/<int:pk>/start/", views.approval_start, name="start"),
    path("documents/<int:pk>/recall/", views.approval_recall, name="recall"),
    path("documents/<int:pk>/sheet/", views.sheet, name="sheet"),
    path("documents/<int:pk>/sheet.pdf", views.sheet_pdf, name="sheet-pdf"),
    path("routes/", route_views.route_list, name="routes"),
    path("routes/<int:pk>/", route_views.route_detail, name="route"),
    path("routes/<int:pk>/rename/", route_views.route_rename, name="route-rename"),
    path("routes/<int:pk>/switch-on/", route_views.route_switch_on, name="route-switch-on"),
    path("routes/<int:pk>/switch-off/", route_views.route_switch_off, name="route-switch-off"),
    path("routes/<int:pk>/stages/add/", route_views.route_stage_add, name="route-stage-add"),
    path(
        "routes/<int:pk>/stages/<int:stage_id>/change/",
        route_views.route_stage_change,
        name="route-stage-change",
    ),
    path(
        "routes/<int:pk>/stages/<int:stage_id>/move-up/",
        route_views.route_stage_move_up,
        name="route-stage-move-up",
    ),
    path(
        "routes/<int:pk>/stages/<int:stage_id>/move-down/",
        route_views.route_stage_move_down,
        name="route-stage-move-down",
    ),
    path(
        "routes/<int:pk>/stages/<int:stage_id>/remove/",
        route_views.route_stage_remove,
        name="route-stage-remove",
    ),
    path(
        "routes/<int:pk>/participants/add/",
        route_views.route_participant_add,
        name="route-participant-add",
    ),
    path(
        "routes/<int:pk>/stages/<int:stage_id>/participants/<int:participant_id>/remove/",
        route_views.route_participant_remove,
        name="route-participant-remove",
    ),
]
