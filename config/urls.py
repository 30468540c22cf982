from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("bering.web.urls")),
    path("documents/", include("bering.documents.urls")),
    path("orgs/", include("bering.orgs.urls")),
    path("calendar/", include("bering.deadlines.urls")),
    path("approvals/", include("bering.approvals.urls")),
    path("assignments/", include("bering.assignments.urls")),
    path("exchange/", include("bering.exchange.urls")),
    path("notifications/", include("bering.notifications.urls")),
    path("reports/", include("bering.reports.urls")),
    path("appeals/", include("bering.appeals.urls")),
    path("publication/", include("bering.publication.urls")),
    path("signatures/", include("bering.signatures.urls")),
    path("reception/", include("bering.portal.urls")),
    path("acts/", include("bering.portal.urls_acts")),
    path("api/v1/", include("bering.api.urls")),
    path("api/citizen/v1/", include("bering.api.citizen.urls")),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]
