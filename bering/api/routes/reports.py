"""API routes of the reports app (included under /api/v1/)."""

from django.urls import path

from bering.api.views import reports

urlpatterns = [
    path("reports/coverage", reports.CoverageView.as_view(), name="api-report-coverage"),
    path("reports/visas", reports.VisasView.as_view(), name="api-report-visas"),
    path(
        "reports/visas/<slug:group>/<int:pk>",
        reports.VisaItemsView.as_view(),
        name="api-report-visa-items",
    ),
    path("reports/assignments", reports.AssignmentsView.as_view(), name="api-report-assignments"),
    path(
        "reports/assignments/<slug:group>/<int:pk>",
        reports.AssignmentItemsView.as_view(),
        name="api-report-assignment-items",
    ),
    path(
        "reports/approval-time", reports.ApprovalTimeView.as_view(), name="api-report-approval-time"
    ),
    path("reports/appeals", reports.AppealsReportView.as_view(), name="api-report-appeals"),
    path(
        "reports/appeals/monthly",
        reports.AppealsMonthlyView.as_view(),
        name="api-report-appeals-monthly",
    ),
]
