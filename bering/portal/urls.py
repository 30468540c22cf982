"""The public side: /reception/. Citizens' pages only; nothing here links to staff pages."""

from django.urls import include, path, re_path

from bering.portal import views

app_name = "portal"
urlpatterns = [
    path("", include("bering.portal.urls_auth")),
    path("", views.home, name="home"),
    path("help/", views.help_page, name="help"),
    path("write/", views.write, name="write"),
    path("appeals/", views.appeals, name="appeals"),
    path("appeals/<int:pk>/", views.appeal, name="appeal"),
    path("appeals/<int:pk>/receipt/", views.receipt, name="receipt"),
    path("appeals/<int:pk>/link/", views.renew_link, name="renew-link"),
    path("appeals/<int:pk>/supplement/", views.supplement, name="supplement"),
    path("appeals/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("appeals/<int:pk>/files/<int:file_id>/", views.appeal_file, name="appeal-file"),
    path("appeals/<int:pk>/answer/", views.answer, name="answer"),
    path("t/<str:token>/", views.track, name="track"),
    # Anything else under t/ (empty, with slashes, no trailing slash): the same answer.
    re_path(r"^t/(?P<token>.*)$", views.track, name="track-any"),
]
