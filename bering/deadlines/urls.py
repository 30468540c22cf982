from django.urls import path

from bering.deadlines import views

app_name = "deadlines"
urlpatterns = [
    path("", views.calendar_page, name="calendar"),
]
