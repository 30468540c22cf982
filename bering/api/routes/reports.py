"""API routes of the reports app (included under /api/v1/)."""

from django.urls import path

from bering.api.views import reports

urlpatterns = [
    path("reports/coverage", reports.CoverageView.as_view(), name="api-report-coverage"),
]
