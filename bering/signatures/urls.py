from django.urls import path

from bering.signatures import views

app_name = "signatures"
urlpatterns = [
    path("<int:pk>/marked.pdf", views.marked_copy, name="marked"),
    path("integrity/", views.integrity, name="integrity"),
]
