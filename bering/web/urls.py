from django.contrib.auth import views as auth_views
from django.urls import path

from bering.web import views

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="web/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("switch/", views.switch_post, name="switch-post"),
    path("healthz", views.healthz, name="healthz"),
]
