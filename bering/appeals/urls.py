from django.urls import path

from bering.appeals import views

app_name = "appeals"
urlpatterns = [
    path("", views.appeal_list, name="list"),
    path("<int:pk>/", views.detail, name="detail"),
]
