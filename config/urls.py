from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("bering.web.urls")),
    path("documents/", include("bering.documents.urls")),
    path("orgs/", include("bering.orgs.urls")),
    path("api/v1/", include("bering.api.urls")),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]
