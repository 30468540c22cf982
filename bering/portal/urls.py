"""The public side: /reception/. Citizens' pages only; nothing here links to staff pages."""

from django.urls import include, path

from bering.portal import views

app_name = "portal"
urlpatterns = [
    path("", include("bering.portal.urls_auth")),
    path("t/<str:token>/", views.track, name="track"),
]
