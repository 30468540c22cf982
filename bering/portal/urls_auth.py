"""Citizens' sign-in: e-mail one-time code, or ЕСИА via OpenID Connect."""

from django.urls import path

from bering.portal import views_auth

urlpatterns = [
    path("login/", views_auth.login, name="login"),
    path("login/code/", views_auth.login_code, name="login-code"),
    path("logout/", views_auth.logout, name="logout"),
    path("login/oidc/", views_auth.oidc_start, name="oidc-start"),
    path("login/oidc/callback/", views_auth.oidc_callback, name="oidc-callback"),
    path("profile/", views_auth.profile, name="profile"),
]
