from django.urls import path

from bering.reports import views, views_appeals, views_workflow

app_name = "reports"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("coverage/", views.coverage, name="coverage"),
    path("visas/", views_workflow.discipline_page, {"kind": "visas"}, name="visas"),
    path(
        "visas/<slug:group>/<int:pk>/",
        views_workflow.drilldown_page,
        {"kind": "visas"},
        name="visas-items",
    ),
    path(
        "assignments/", views_workflow.discipline_page, {"kind": "assignments"}, name="assignments"
    ),
    path(
        "assignments/<slug:group>/<int:pk>/",
        views_workflow.drilldown_page,
        {"kind": "assignments"},
        name="assignments-items",
    ),
    path("approval-time/", views_workflow.approval_time_page, name="approval-time"),
    path("appeals/", views_appeals.appeals_page, name="appeals"),
    path("appeals/monthly/", views_appeals.appeals_monthly_xlsx, name="appeals-monthly"),
]
