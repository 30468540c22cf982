from django.contrib.auth import views as auth_views
from django.urls import path

from bering.web import views, views_import, views_security, views_tablet

urlpatterns = [
    path("", views.home, name="home"),
    path("desk/", views.desk, name="desk"),
    path("login/", views_security.LoginView.as_view(), name="login"),
    path("login/code/", views_security.login_code, name="login-code"),
    path("account/security/", views_security.security, name="security"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("orgs/import/", views_import.import_page, name="import"),
    path("switch/", views.switch_post, name="switch-post"),
    path("healthz", views.healthz, name="healthz"),
    path("tablet/", views_tablet.tablet, name="tablet"),
    path("tablet/sw.js", views_tablet.service_worker, name="tablet-sw"),
    path("tablet/manifest.webmanifest", views_tablet.manifest, name="tablet-manifest"),
]
