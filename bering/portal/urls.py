from django.urls import path

from bering.portal import views

app_name = "portal"
urlpatterns = [
    path("t/<str:token>/", views.track, name="track"),
]
