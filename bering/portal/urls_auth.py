"""Citizens' sign-in: e-mail one-time code, or ЕСИА via OpenID Connect."""

from django.urls import path

from bering.portal import views_auth

urlpatterns = [
    path("login/", views_auth.login, name="login"),
]
