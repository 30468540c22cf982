from django.urls import path

from bering.documents import views

app_name = "documents"
urlpatterns = [
    path("", views.document_list, name="list"),
]
