from django.urls import path

from bering.orgs import views

app_name = "orgs"
urlpatterns = [
    path("import/", views.import_page, name="import"),
]
